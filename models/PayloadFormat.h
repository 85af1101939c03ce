#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// Turning payloads into text a person reads, and text a person typed into payloads. Only ever
// applied to what is on screen or being sent, never on the per-message path.
namespace PayloadFormat {

// "00000010  48 65 6c 6c 6f 20 77 6f  72 6c 64 21 0a 00 01 02  |Hello world!....|"
QString hexDump(QByteArrayView data, qint64 firstOffset = 0);

// True when the text starts like a JSON object or array.
bool looksLikeJson(QStringView text);
// Indented JSON, or an empty string with *error saying where and what is wrong.
QString prettyJson(const QString &text, QString *error = nullptr);
QString compactJson(const QString &text, QString *error = nullptr);
// "line 3, column 7: unterminated string" for a JSON parse error at a byte offset of the UTF-8.
QString describeJsonError(
    const QString &text, int utf8Offset, const QString &message, int *charPosition = nullptr);

// Hex digits, with any whitespace, commas, "0x" prefixes or colons between bytes.
QByteArray parseHex(const QString &text, QString *error, int *errorPosition = nullptr);
QByteArray parseBase64(const QString &text, QString *error);

} // namespace PayloadFormat
