// The cost of a script on the message path, for docs/benchmarks.md. Prints a Markdown table row.
//
//   script ingest   1,000,000 x 64-byte text messages from a flood server through the engine to a
//                   consumer in the main thread, with a script whose onMessage does nothing (one
//                   call into the connection's QJSEngine per message, a msg object built for it);
//                   baseline: the same ingest with no script, interleaved in the same run.
#include "BenchSupport.h"
#include "FloodServer.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

using namespace Bench;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
    constexpr int Runs = 3;
    constexpr int MessageSize = 64;
    const ScriptSource idle {QStringLiteral("bench.js"),
        QStringLiteral("function onMessage(msg, ctx) {}\n"), ScriptSource::DefaultBudgetMs};

    FloodServer flood(messages, MessageSize);
    QList<double> plain;
    QList<double> scripted;
    for (int i = 0; i < Runs; ++i) { // interleaved, so both see the same machine load
        plain << engineIngest(flood.port(), messages).rate;
        scripted << engineIngest(flood.port(), messages, {}, idle).rate;
        std::fprintf(stderr, "run %d: with script %.3f M/s, without %.3f M/s\n", i + 1,
            scripted.last() / 1e6, plain.last() / 1e6);
    }
    const double with = median(scripted);
    const double without = median(plain);
    row("Script ingest, 1M x 64 B text, onMessage does nothing (msgs/s, median of 3)",
        QString::number(with / 1e6, 'f', 3) + " M",
        QString::number(without / 1e6, 'f', 2) + " M (no script)",
        QString::number(with / without, 'f', 3) + "x", "reported");
    return 0;
}
