#pragma once

#include <QByteArray>
#include <QString>

// Standard output for the commands that print traffic. SIGPIPE is ignored on the command line
// (CommandLine::run), so a reader that went away (`| head -1`) is an EPIPE here rather than
// a kill: the command then ends its session as after Ctrl+C, with its recordings finished.
namespace StandardOutput {

// Writes and flushes. False when standard output can no longer be written (errno tells why);
// the caller stops printing and ends the session.
bool write(const QByteArray &bytes);
// Whether errno after a failed write means the reader went away (not an error of the user's).
bool readerWentAway(int error);
// The line for stderr after a failed write with errno error.
QString failureText(int error);

} // namespace StandardOutput
