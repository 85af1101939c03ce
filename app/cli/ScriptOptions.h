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
// naming the file and what is wrong.
bool read(const QCommandLineParser &parser, ScriptSource *source, QString *error);
QString junitPath(const QCommandLineParser &parser);

} // namespace ScriptOptions
