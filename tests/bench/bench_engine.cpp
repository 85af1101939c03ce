// Figures for docs/benchmarks.md, each next to a baseline measured in the same run (the machines
// are shared and noisy, so only ratios compare across runs). Prints Markdown table rows.
//
//   engine ingest      1,000,000 x 64-byte text messages from a flood server, through the worker,
//                      its batches and a consumer in the main thread; baseline: a bare QWebSocket
//                      in a worker thread counting the same flood.
//   deflate ingest     the same with permessage-deflate: the flood server compresses each message
//                      (one stream, context takeover) for a client that offers it; baseline: the
//                      bare QWebSocket (which cannot offer it) on the plain flood, same run.
//   connect process    `sockscope connect URL --no-ping > /dev/null` as a whole process, from start
//                      to exit after the flood and the server's close; baseline: the smallest
//                      QWebSocket program (bench_bareclient) counting the same flood.
//   record process     `sockscope record URL -o FILE --no-ping` as a whole process, the file
//                      complete at exit; baseline: the connect process in the same run.
//   heartbeat error    ping-interval error (100 ms interval) while the main thread is blocked for
//                      2 s; baseline: the same with the main thread idle.
//   shutdown           shutting down 50 open connections; baseline: 50 idle QThreads quit+joined.
//   cancel latency     cancel() of a connect the server never answers, until the main thread sees
//                      the connection closed; baseline: a queued round trip to a worker thread.
#include "BenchSupport.h"
#include "ConnectionHandle.h"
#include "ConnectionManager.h"
#include "FloodServer.h"
#include "TestServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace Bench;

namespace {

int g_messages = 1'000'000;
constexpr int MessageSize = 64;
constexpr int Runs = 5;
// Whole processes swing by +-10% from run to run on the shared cores: enough of them that the
// median of one run is close to the median of many (7 runs gave record/connect 0.71-1.03x).
constexpr int ProcessRuns = 15;

struct IntervalError
{
    double p50Ms;
    double maxMs;
};

IntervalError heartbeatIntervalError(quint16 port, bool blockMainThread)
{
    ConnectionSettings settings;
    settings.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    settings.heartbeat = {true, 100, 5000, HeartbeatSettings::TimeoutAction::Report};
    ConnectionHandle connection(settings);
    QList<qint64> pings;
    bool open = false;
    QObject::connect(&connection, &ConnectionHandle::eventsReceived, &connection,
        [&](const TrafficBatch &batch) {
            for (const TrafficEvent &e : batch.events) {
                if (e.kind == TrafficEvent::Kind::Ping)
                    pings << e.timeUs;
                open = open || e.kind == TrafficEvent::Kind::Open;
            }
        });
    connection.open();
    spin([&] { return open && pings.size() >= 1; });
    const auto start = Clock::now();
    if (blockMainThread) {
        while (Clock::now() - start < std::chrono::seconds(2)) { }
    }
    spin([&] { return Clock::now() - start > std::chrono::milliseconds(2100); });
    const qint64 fromUs = connection.clock().toUs(start);
    const qint64 toUs = fromUs + 2'000'000;
    QList<double> errors;
    for (int i = 1; i < pings.size(); ++i) {
        if (pings.at(i - 1) >= fromUs && pings.at(i) <= toUs)
            errors << std::abs((pings.at(i) - pings.at(i - 1)) / 1000.0 - 100.0);
    }
    if (errors.isEmpty())
        return {-1, -1};
    return {median(errors), *std::max_element(errors.cbegin(), errors.cend())};
}

double shutdownMs(quint16 port)
{
    int open = 0; // declared first: it outlives the connections that count into it
    ConnectionManager manager;
    ConnectionSettings settings;
    settings.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    settings.heartbeat.intervalMs = 50;
    for (int i = 0; i < 50; ++i) {
        ConnectionHandle *c = manager.createConnection(settings);
        QObject::connect(c, &ConnectionHandle::stateChanged, c,
            [count = &open](ConnectionState s) { *count += s == ConnectionState::Open; });
        c->open();
    }
    spin([&] { return open == 50; });
    QElapsedTimer t;
    t.start();
    manager.shutdownAll();
    return t.nsecsElapsed() / 1e6;
}

double bareThreadsShutdownMs()
{
    QList<QThread *> threads;
    for (int i = 0; i < 50; ++i) {
        threads << new QThread;
        threads.last()->start();
    }
    QElapsedTimer t;
    t.start();
    for (QThread *th : threads)
        th->quit();
    for (QThread *th : threads) {
        th->wait();
        delete th;
    }
    return t.nsecsElapsed() / 1e6;
}

double cancelLatencyUs(const TestServer &silent)
{
    ConnectionSettings settings;
    settings.url = silent.url();
    settings.heartbeat.enabled = false;
    ConnectionHandle connection(settings);
    const int acceptedBefore = silent.accepted();
    connection.open();
    spin([&] {
        return silent.accepted() > acceptedBefore
            && connection.state() == ConnectionState::Connecting;
    });
    Clock::time_point closedAt;
    QObject::connect(
        &connection, &ConnectionHandle::stateChanged, &connection, [&](ConnectionState s) {
            if (s == ConnectionState::Closed)
                closedAt = Clock::now();
        });
    const auto start = Clock::now();
    connection.cancel();
    spin([&] { return connection.state() == ConnectionState::Closed; });
    return std::chrono::duration<double, std::micro>(closedAt - start).count();
}

// Wall time of a whole process, from start to exit, stdout to /dev/null.
double processSeconds(const QString &program, const QStringList &arguments)
{
    QProcess p;
    p.setStandardOutputFile(QProcess::nullDevice());
    p.setStandardErrorFile(QProcess::nullDevice());
    QElapsedTimer t;
    t.start();
    p.start(program, arguments);
    if (!p.waitForFinished(300000) || p.exitCode() != 0) {
        std::fprintf(stderr, "%s failed (exit %d)\n", qPrintable(program), p.exitCode());
        return -1;
    }
    return t.nsecsElapsed() / 1e9;
}

double queuedRoundTripUs()
{
    QThread thread;
    thread.start();
    QObject worker;
    worker.moveToThread(&thread);
    QObject here;
    bool back = false;
    const auto start = Clock::now();
    Clock::time_point end;
    QMetaObject::invokeMethod(&worker, [&] {
        QMetaObject::invokeMethod(&here, [&] {
            end = Clock::now();
            back = true;
        });
    });
    spin([&] { return back; });
    thread.quit();
    thread.wait();
    return std::chrono::duration<double, std::micro>(end - start).count();
}

void processFigures(quint16 port)
{
    const QString url = QStringLiteral("ws://127.0.0.1:%1/").arg(port);
    const QString count = QString::number(g_messages);
    QTemporaryDir dir;
    QList<double> connectSeconds;
    QList<double> bareSeconds;
    QList<double> recordSeconds;
    // Whole processes vary more than in-process figures (start-up, the machine's other load):
    // more runs, interleaved, each run in another order so that none always follows another.
    for (int i = 0; i < ProcessRuns; ++i) {
        for (int k = 0; k < 3; ++k) {
            switch ((i + k) % 3) {
            case 0:
                bareSeconds << processSeconds(
                    QStringLiteral(BENCH_BARECLIENT), {QString::number(port), count});
                break;
            case 1:
                connectSeconds << processSeconds(QStringLiteral(SOCKSCOPE_BINARY),
                    {QStringLiteral("connect"), url, QStringLiteral("--no-ping")});
                break;
            default:
                recordSeconds << processSeconds(QStringLiteral(SOCKSCOPE_BINARY),
                    {QStringLiteral("record"), url, QStringLiteral("--no-ping"),
                        QStringLiteral("-o"), dir.filePath(QStringLiteral("run%1.jsonl").arg(i))});
                QFile::remove(dir.filePath(QStringLiteral("run%1.jsonl").arg(i)));
                break;
            }
        }
        std::fprintf(stderr, "process run %d: bare %.3f s, connect %.3f s, record %.3f s\n", i + 1,
            bareSeconds.last(), connectSeconds.last(), recordSeconds.last());
    }
    const double c = median(connectSeconds);
    const double b = median(bareSeconds);
    const double r = median(recordSeconds);
    const QByteArray runs = QByteArray::number(ProcessRuns);
    row(("`sockscope connect URL > /dev/null`, 1M x 64 B, whole process (msgs/s, median of " + runs
            + ")")
            .constData(),
        QString::number(g_messages / c / 1e6, 'f', 2) + " M",
        QString::number(g_messages / b / 1e6, 'f', 2) + " M (bare QWebSocket program)",
        QString::number(b / c, 'f', 2) + "x", ">= 1.2x");
    row(("`sockscope record URL -o FILE`, 1M x 64 B, whole process (msgs/s, median of " + runs
            + ")")
            .constData(),
        QString::number(g_messages / r / 1e6, 'f', 2) + " M",
        QString::number(g_messages / c / 1e6, 'f', 2) + " M (`connect` in the same run)",
        QString::number(c / r, 'f', 2) + "x", ">= 0.8x");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc > 1)
        g_messages = std::atoi(argv[1]);
    // `bench_engine MESSAGES process`: the whole-process figures alone.
    const bool processOnly = argc > 2 && qstrcmp(argv[2], "process") == 0;

    FloodServer flood(g_messages, MessageSize);
    if (processOnly) {
        processFigures(flood.port());
        return 0;
    }
    QList<double> bare;
    QList<double> engine;
    for (int i = 0; i < Runs; ++i) { // interleaved, so both see the same machine load
        bare << bareClientRate(flood.port(), g_messages);
        engine << engineIngest(flood.port(), g_messages).rate;
        std::fprintf(stderr, "run %d: engine %.2f M/s, bare %.2f M/s\n", i + 1, engine.last() / 1e6,
            bare.last() / 1e6);
    }
    const double bareRate = median(bare);
    const double engineRateValue = median(engine);
    row("Engine ingest, 1M x 64 B text (msgs/s, median of 5)",
        QString::number(engineRateValue / 1e6, 'f', 2) + " M",
        QString::number(bareRate / 1e6, 'f', 2) + " M (bare QWebSocket)",
        QString::number(engineRateValue / bareRate, 'f', 2) + "x", ">= 2.0x");

    {
        FloodServer compressedFlood(g_messages, MessageSize, true);
        QList<double> deflated;
        QList<double> plainBare;
        for (int i = 0; i < Runs; ++i) {
            plainBare << bareClientRate(flood.port(), g_messages);
            deflated << engineIngest(compressedFlood.port(), g_messages).rate;
        }
        row("Engine ingest with permessage-deflate, 1M x 64 B JSON text (msgs/s, median of 5)",
            QString::number(median(deflated) / 1e6, 'f', 2) + " M",
            QString::number(median(plainBare) / 1e6, 'f', 2) + " M (bare QWebSocket, uncompressed)",
            QString::number(median(deflated) / median(plainBare), 'f', 2) + "x", "reported");
    }

    processFigures(flood.port());

    TestServer echo;
    const IntervalError idle = heartbeatIntervalError(echo.port(), false);
    const IntervalError blocked = heartbeatIntervalError(echo.port(), true);
    row("Heartbeat interval error, 100 ms pings, main thread blocked 2 s (p50 / max)",
        QStringLiteral("%1 / %2 ms").arg(blocked.p50Ms, 0, 'f', 2).arg(blocked.maxMs, 0, 'f', 2),
        QStringLiteral("%1 / %2 ms (main thread idle)")
            .arg(idle.p50Ms, 0, 'f', 2)
            .arg(idle.maxMs, 0, 'f', 2),
        QStringLiteral("%1x").arg(blocked.maxMs / qMax(0.01, idle.maxMs), 0, 'f', 2),
        "stays on schedule");

    QList<double> shutdown;
    QList<double> bareShutdown;
    for (int i = 0; i < Runs; ++i) {
        shutdown << shutdownMs(echo.port());
        bareShutdown << bareThreadsShutdownMs();
    }
    row("Shutdown of 50 open connections (ms, median of 3)",
        QString::number(median(shutdown), 'f', 1),
        QString::number(median(bareShutdown), 'f', 1) + " (50 idle QThreads)",
        QString::number(median(shutdown) / qMax(0.001, median(bareShutdown)), 'f', 1) + "x",
        "well under 1 s");

    TestServer silent(TestServer::Mode::Silent);
    QList<double> cancel;
    QList<double> roundTrip;
    for (int i = 0; i < 5; ++i) {
        cancel << cancelLatencyUs(silent);
        roundTrip << queuedRoundTripUs();
    }
    row("Cancel of a pending connect, until closed in the main thread (us, median of 5)",
        QString::number(median(cancel), 'f', 0),
        QString::number(median(roundTrip), 'f', 0) + " (queued round trip)",
        QString::number(median(cancel) / qMax(1.0, median(roundTrip)), 'f', 1) + "x", "< 100 ms");
    return 0;
}
