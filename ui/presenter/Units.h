#pragma once

#include <QString>

// How the window writes durations: one formatter, so every panel reads the same way. Sizes are
// written by MessageLogModel::formatSize, shared with the command line.
namespace Units {

// An interval measured in µs, in the unit that suits it: "850 µs", "12.35 ms", "2.88 s", "4 min 5
// s".
QString duration(qint64 us);
// Elapsed time as a clock: "01:02:03".
QString clock(qint64 us);

} // namespace Units
