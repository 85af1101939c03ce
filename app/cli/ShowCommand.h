#pragma once

#include <QString>

// `sockscope show FILE [--messages] [--raw]`: what a recording holds (URL, start, duration, counts
// by kind, bytes) and, with --messages, every message with its time. Malformed lines are reported
// on stderr as FILE:LINE: what is wrong; the exit status is 0 when the file could be read.
namespace ShowCommand {

// Payloads are escaped for the terminal unless raw.
int run(const QString &path, bool messages, bool raw);

} // namespace ShowCommand
