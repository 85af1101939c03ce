#pragma once

#include "ScriptSource.h"

#include <QList>
#include <QString>

#include <chrono>
#include <functional>

// Helpers shared by the benchmarks.
namespace Bench {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d);
double median(QList<double> values);
double percentile(QList<double> values, double p);
// Runs the main loop until done(). It must sleep while waiting: processEvents() with a time limit
// spins, and a spinning main thread steals a core from the threads being measured.
void spin(const std::function<bool()> &done, int timeoutMs = 120000);
// msgs/s of a bare QWebSocket in its own thread counting `messages` messages: the baseline.
double bareClientRate(quint16 port, int messages);
struct IngestResult
{
    double rate = 0; // msgs/s
    qint64 messagesInFile = 0; // text messages found in the recording, when recording
};
// msgs/s of `messages` text messages through the whole engine to a consumer in this (the main)
// thread: from the open event until the last message arrived, or, when recordTo is given, until
// the recording of them is complete on disk. With a script, it runs on the connection.
IngestResult engineIngest(
    quint16 port, int messages, const QString &recordTo = {}, const ScriptSource &script = {});
// Resident memory of this process, in bytes.
qint64 residentBytes();
// One Markdown table row: figure | Sockscope | baseline | ratio | target.
void row(const char *figure, const QString &value, const QString &baseline, const QString &ratio,
    const char *target);

} // namespace Bench
