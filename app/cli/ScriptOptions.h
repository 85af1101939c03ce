#pragma once

#include "ScriptSource.h"

#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;

// --script FILE.js, --script-budget MS and --junit FILE, taken by connect, record and serve:
// declared once, and the script file read (size-checked) in one place.
namespace ScriptOptions {

QList<QCommandLineOption> options();
QCommandLineOption rulesOption(); // serve --rules FILE.json
// The script the options name (an empty source when there is none); false with a message
// naming the file and what is wrong: unreadable, too large, not UTF-8, or it cannot be loaded
// ("FILE:LINE: message"). Each is bad input: exit status 2.
bool read(const QCommandLineParser &parser, ScriptSource *source, QString *error);
QString junitPath(const QCommandLineParser &parser);

} // namespace ScriptOptions
