// `sockscope test` throughput, next to a baseline measured in the same run.
//
//   test at --max      a 10,000-step recording (a JSON message and its echo per step) tested with
//                      `sockscope test FILE --max --ignore /ts` against the python-websockets echo
//                      peer: steps/s from the process start to its exit (reading the file,
//                      connecting, every step sent after its reply, compared, printed);
//                      baseline: `sockscope replay FILE --max --wait-reply --linger 0` of the same
//                      file to the same peer, the same round trips without comparing.
#include "BenchSupport.h"
#include "HandMadeRecording.h"
#include "PeerProcess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

using namespace Bench;

namespace {

QString writeSteps(const QString &path, const QUrl &url, int steps)
{
    QList<QPair<QString, QString>> exchanges;
    for (int i = 0; i < steps; ++i) {
        const QString quote = QStringLiteral("{\"op\":\"quote\",\"seq\":%1,\"ts\":%2,\"items\":[{"
                                             "\"id\":%1,\"px\":101.25},{\"id\":%3,\"px\":99.5}]}")
                                  .arg(i)
                                  .arg(1'700'000'000 + i)
                                  .arg(i + 1);
        exchanges.append({quote, quote}); // the echo peer answers with the same
    }
    if (!HandMade::writeFile(path, HandMade::conversation(url, exchanges, 1000)))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

// Seconds the command took, from start to exit; exits the bench if it failed.
double timedRun(const QStringList &arguments)
{
    QProcess process;
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(QProcess::nullDevice());
    QElapsedTimer timer;
    timer.start();
    process.start(QStringLiteral(SOCKSCOPE_BINARY), arguments);
    if (!process.waitForFinished(600000) || process.exitCode() != 0)
        qFatal("sockscope %s failed with status %d", qPrintable(arguments.join(QLatin1Char(' '))),
            process.exitCode());
    return timer.nsecsElapsed() / 1e9;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int steps = argc > 1 ? std::atoi(argv[1]) : 10'000;
    QTemporaryDir dir;
    PeerProcess echo;
    if (!echo.startPython({QStringLiteral("echo")}))
        qFatal("%s", qPrintable(echo.errorText()));
    const QString file
        = writeSteps(dir.filePath(QStringLiteral("steps.sockscope.jsonl")), echo.url(), steps);
    const QString url = echo.url().toString();
    // Best of three each, alternating: the machine is shared.
    double testSeconds = 1e9, replaySeconds = 1e9;
    for (int run = 0; run < 3; ++run) {
        testSeconds = std::min(testSeconds,
            timedRun({QStringLiteral("test"), file, QStringLiteral("--to"), url,
                QStringLiteral("--max"), QStringLiteral("--ignore"), QStringLiteral("/ts")}));
        replaySeconds = std::min(replaySeconds,
            timedRun({QStringLiteral("replay"), file, QStringLiteral("--to"), url,
                QStringLiteral("--max"), QStringLiteral("--wait-reply"), QStringLiteral("--linger"),
                QStringLiteral("0")}));
    }
    const double testRate = steps / testSeconds;
    const double replayRate = steps / replaySeconds;
    row(qPrintable(QStringLiteral("`test` of a %L1-step recording against the python echo peer at "
                                  "--max (steps/s, process start to exit)")
                       .arg(steps)),
        QString::number(testRate, 'f', 0),
        QString::number(replayRate, 'f', 0) + QStringLiteral(" (replay --max --wait-reply)"),
        QString::number(testRate / replayRate, 'f', 2) + "x", "close to the replay baseline");
    return 0;
}
