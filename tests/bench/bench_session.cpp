// Figures for recording and replay, each next to a baseline measured in the same run.
//
//   recording ingest   1,000,000 x 64-byte messages through the engine while recording them to a
//                      file, until the file is complete; baseline: the same flood, not recorded.
//   open recording     reading that 1,000,000-event file into the log model (rows committed);
//                      baseline: reading the file's bytes and splitting its lines.
//   replay timing      200 messages with recorded gaps of 1-50 ms replayed at 1x: the error of
//                      each gap between sends (p50, p99); baseline: the same schedule on a bare
//                      precise QTimer in a thread with no socket.
#include "BenchSupport.h"
#include "ConnectionHandle.h"
#include "FloodServer.h"
#include "MessageLogModel.h"
#include "RecordingReader.h"
#include "TestServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

using namespace Bench;
using Kind = TrafficEvent::Kind;

namespace {

QList<double> gapErrorsMs(const QList<qint64> &plannedUs, const QList<qint64> &actualUs)
{
    QList<double> errors;
    for (int i = 1; i < plannedUs.size() && i < actualUs.size(); ++i)
        errors << std::abs((actualUs.at(i) - actualUs.at(i - 1))
                      - (plannedUs.at(i) - plannedUs.at(i - 1)))
                / 1000.0;
    return errors;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("flood.sockscope.jsonl"));

    FloodServer flood(messages, 64);
    const IngestResult plain = engineIngest(flood.port(), messages);
    const IngestResult recorded = engineIngest(flood.port(), messages, file);
    row("Engine ingest while recording to a file, 1M x 64 B (msgs/s, until the file is complete)",
        QString::number(recorded.rate / 1e6, 'f', 2) + " M",
        QString::number(plain.rate / 1e6, 'f', 2) + " M (not recording)",
        QString::number(recorded.rate / plain.rate, 'f', 2) + "x",
        qPrintable(QStringLiteral("no event lost (%L1 of %L2 messages in the file)")
                       .arg(recorded.messagesInFile)
                       .arg(messages)));

    QElapsedTimer timer;
    timer.start();
    RecordingReader reader;
    reader.read(file);
    MessageLogModel model;
    for (const TrafficBatch &batch : reader.batches())
        model.enqueue(batch);
    model.commitPending();
    const double openMs = timer.nsecsElapsed() / 1e6;
    timer.start();
    QFile raw(file);
    raw.open(QIODevice::ReadOnly);
    const qsizetype rawLines = raw.readAll().split('\n').size();
    const double rawMs = timer.nsecsElapsed() / 1e6;
    row(qPrintable(
            QStringLiteral("Open a %L1-event recording into the log (ms)").arg(model.totalRows())),
        QString::number(openMs, 'f', 0),
        QString::number(rawMs, 'f', 0)
            + QStringLiteral(" (read and split %L1 lines)").arg(rawLines),
        QString::number(openMs / rawMs, 'f', 1) + "x", "< 3000 ms");

    // Replay timing against an in-process echo server in its own thread.
    QList<qint64> planned {0};
    QRandomGenerator random(7);
    for (int i = 1; i < 200; ++i)
        planned << planned.last() + 1000 + random.bounded(49'000);
    ReplayPlan plan;
    for (int i = 0; i < planned.size(); ++i)
        plan.items.append({planned.at(i), false, QByteArray::number(i)});
    TestServer echo;
    ConnectionSettings settings;
    settings.url = echo.url();
    settings.heartbeat.enabled = false;
    ConnectionHandle connection(settings);
    QList<qint64> sent;
    bool done = false;
    QObject::connect(&connection, &ConnectionHandle::eventsReceived, &connection,
        [&](const TrafficBatch &batch) {
            for (const TrafficEvent &e : batch.events) {
                if (e.kind == Kind::Text && e.direction == TrafficEvent::Direction::Outgoing)
                    sent << e.timeUs;
            }
        });
    QObject::connect(
        &connection, &ConnectionHandle::replayFinished, &connection, [&] { done = true; });
    connection.startReplay(plan);
    connection.open();
    spin([&] { return done && sent.size() == planned.size(); });
    const QList<double> replayErrors = gapErrorsMs(planned, sent);

    // Baseline: the same schedule on a precise QTimer in a thread with nothing else to do.
    QThread thread;
    thread.start();
    QList<qint64> fired;
    QObject timerHost;
    timerHost.moveToThread(&thread);
    std::atomic<bool> baselineDone {false};
    QMetaObject::invokeMethod(&timerHost, [&] {
        auto *t = new QTimer(&timerHost);
        t->setSingleShot(true);
        t->setTimerType(Qt::PreciseTimer);
        auto start = std::make_shared<Clock::time_point>(Clock::now());
        auto step = [&, t, start] {
            fired << std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - *start)
                         .count();
            if (fired.size() == planned.size()) {
                baselineDone = true;
                return;
            }
            const qint64 waitUs = planned.at(fired.size()) - fired.last();
            t->start(int(qMax<qint64>(0, waitUs / 1000)));
        };
        QObject::connect(t, &QTimer::timeout, &timerHost, step);
        step();
    });
    spin([&] { return baselineDone.load(); });
    thread.quit();
    thread.wait();
    const QList<double> timerErrors = gapErrorsMs(planned, fired);
    row("Replay at 1x: error of the gaps between sends, 200 messages (p50 / p99)",
        QStringLiteral("%1 / %2 ms")
            .arg(percentile(replayErrors, 0.5), 0, 'f', 2)
            .arg(percentile(replayErrors, 0.99), 0, 'f', 2),
        QStringLiteral("%1 / %2 ms (bare precise QTimer)")
            .arg(percentile(timerErrors, 0.5), 0, 'f', 2)
            .arg(percentile(timerErrors, 0.99), 0, 'f', 2),
        QStringLiteral("%1x at p99")
            .arg(percentile(replayErrors, 0.99) / qMax(0.01, percentile(timerErrors, 0.99)), 0, 'f',
                2),
        "p50 <= 2 ms, p99 <= 10 ms");
    return 0;
}
