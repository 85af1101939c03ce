#pragma once

#include <QString>
#include <QStringList>

// How the window writes durations: one formatter, so every panel reads the same way. Sizes are
// written by MessageLogModel::formatSize, shared with the command line.
namespace Units {

// An interval measured in µs, in the unit that suits it: "850 µs", "12.35 ms", "2.88 s", "4 min 5
// s".
QString duration(qint64 us);
// Elapsed time as a clock: "01:02:03".
QString clock(qint64 us);
// Facts in a header that wraps: joined by the separator, each kept whole (its own spaces do not
// break), so a line breaks only between facts ("out 3 msgs (22 B)" never splits).
QString joinFacts(const QStringList &facts, const QString &separator);

} // namespace Units
