#include "BenchSupport.h"

#include "ConnectionHandle.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace Bench {

double seconds(Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

double median(QList<double> values)
{
    return percentile(std::move(values), 0.5);
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(qMin(values.size() - 1, qsizetype(values.size() * p)));
}

void spin(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    QTimer wakeUp; // re-checks done() even when no event arrives
    wakeUp.start(20);
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

double bareClientRate(quint16 port, int messages)
{
    QThread thread;
    thread.start();
    std::atomic<bool> done {false};
    double rate = 0;
    auto *socket = new QWebSocket;
    socket->moveToThread(&thread);
    QMetaObject::invokeMethod(socket, [&, socket] {
        auto start = std::make_shared<Clock::time_point>();
        auto count = std::make_shared<int>(0);
        QObject::connect(
            socket, &QWebSocket::connected, socket, [start] { *start = Clock::now(); });
        QObject::connect(
            // rate and done outlive the socket: it is deleted below before they go.
            socket, &QWebSocket::textMessageReceived, socket,
            [rate = &rate, done = &done, messages, start, count, socket] {
                if (++*count == messages) {
                    *rate = messages / seconds(Clock::now() - *start);
                    socket->abort();
                    *done = true;
                }
            });
        socket->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
    });
    spin([&] { return done.load(); });
    QMetaObject::invokeMethod(
        socket, [socket] { delete socket; }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    return rate;
}

IngestResult engineIngest(
    quint16 port, int messages, const QString &recordTo, const ScriptSource &script)
{
    ConnectionSettings settings;
    settings.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    settings.heartbeat.enabled = false;
    ConnectionHandle connection(settings);
    qint64 count = 0;
    qint64 openUs = -1;
    qint64 endUs = -1;
    bool written = recordTo.isEmpty();
    QObject::connect(&connection, &ConnectionHandle::eventsReceived, &connection,
        [&](const TrafficBatch &batch) {
            for (const TrafficEvent &e : batch.events) {
                if (e.kind == TrafficEvent::Kind::Text)
                    ++count;
                else if (e.kind == TrafficEvent::Kind::Open)
                    openUs = e.timeUs;
                else if (e.kind == TrafficEvent::Kind::Note
                    && e.text.contains(QLatin1String("events written to")))
                    written = true;
            }
            if (count >= messages && endUs < 0)
                endUs = connection.clock().elapsedUs();
        });
    if (!recordTo.isEmpty())
        connection.startRecording(recordTo);
    if (!script.isEmpty())
        connection.loadScript(script);
    connection.open();
    spin([&] { return count >= messages; });
    if (!recordTo.isEmpty()) {
        connection.stopRecording(); // the note arrives once the writer has written everything
        spin([&] { return written; });
        endUs = connection.clock().elapsedUs();
    }
    IngestResult result;
    result.rate = messages / (double(endUs - openUs) / 1e6);
    if (!recordTo.isEmpty()) {
        QFile file(recordTo);
        file.open(QIODevice::ReadOnly);
        result.messagesInFile = file.readAll().count("\"kind\":\"text\"");
    }
    return result;
}

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toLongLong() * sysconf(_SC_PAGESIZE);
}

void row(const char *figure, const QString &value, const QString &baseline, const QString &ratio,
    const char *target)
{
    std::printf("| %s | %s | %s | %s | %s |\n", figure, qPrintable(value), qPrintable(baseline),
        qPrintable(ratio), target);
    std::fflush(stdout);
}

} // namespace Bench
