#pragma once

#include <QStringList>

// Picks the subcommand and runs it. Used by main() for anything that is not the window.
namespace CommandLine {

// True when the arguments ask for a command-line mode (a subcommand, --help, --version).
bool isCommandLine(const QStringList &arguments);
// Runs it inside an existing QCoreApplication; returns the exit status.
int run(const QStringList &arguments);
// What `sockscope --help` prints.
QString helpText();

} // namespace CommandLine
