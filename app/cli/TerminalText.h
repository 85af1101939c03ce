#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdio>

// Text from the network on its way to a terminal: control characters (C0, DEL and the C1 range
// that some terminals read as escape sequences) are shown escaped, as \e, \n, \r, \t or \xHH
// (\u0080 to \u009f for C1), so a payload can neither reprogram the terminal nor forge a line.
// Backslashes are left alone: what looks like an escape in the output may be one the sender typed.
namespace TerminalText {

void appendEscaped(QByteArray &out, QByteArrayView utf8);
// The same written to p, which has room for MaxEscapedRatio bytes per byte of utf8; returns
// the end. No allocation: the flood path of printing.
constexpr qsizetype MaxEscapedRatio = 4; // a control byte becomes \xHH
char *putEscaped(char *p, QByteArrayView utf8);
QByteArray escaped(QByteArrayView utf8);
QByteArray escaped(const QString &text);
// One line of a message for the user, escaped, ended and flushed: file names, URLs and a
// file's own text go into messages too.
void writeLine(FILE *stream, const QString &line);

} // namespace TerminalText
