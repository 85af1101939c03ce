#include "PayloadFormat.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace PayloadFormat {

QString hexDump(QByteArrayView data, qint64 firstOffset)
{
    static const char digits[] = "0123456789abcdef";
    QString out;
    out.reserve((data.size() / 16 + 1) * 78);
    for (qsizetype line = 0; line < data.size(); line += 16) {
        out += QStringLiteral("%1  ").arg(firstOffset + line, 8, 16, QLatin1Char('0'));
        QString ascii;
        for (int i = 0; i < 16; ++i) {
            if (line + i < data.size()) {
                const uchar b = uchar(data.at(line + i));
                out += QLatin1Char(digits[b >> 4]);
                out += QLatin1Char(digits[b & 15]);
                out += QLatin1Char(' ');
                ascii += (b >= 0x20 && b < 0x7f) ? QLatin1Char(char(b)) : QLatin1Char('.');
            } else {
                out += QLatin1String("   ");
            }
            if (i == 7)
                out += QLatin1Char(' ');
        }
        out += QLatin1String(" |") + ascii + QLatin1String("|\n");
    }
    return out;
}

bool looksLikeJson(QStringView text)
{
    for (const QChar c : text) {
        if (c.isSpace())
            continue;
        return c == QLatin1Char('{') || c == QLatin1Char('[');
    }
    return false;
}

QString describeJsonError(
    const QString &text, int utf8Offset, const QString &message, int *charPosition)
{
    const QString before = QString::fromUtf8(text.toUtf8().left(utf8Offset));
    const int line = int(before.count(QLatin1Char('\n'))) + 1;
    const int column = int(before.size() - before.lastIndexOf(QLatin1Char('\n')));
    if (charPosition)
        *charPosition = int(before.size());
    return QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message);
}

// Validates with QJsonDocument, then re-indents the original text. Re-serialising through
// QJsonDocument would sort object keys and respell numbers: an inspector shows what was sent.
static QString reformatJson(const QString &text, bool indent, QString *error)
{
    QJsonParseError parseError;
    QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = describeJsonError(text, parseError.offset, parseError.errorString());
        return {};
    }
    QString out;
    out.reserve(text.size() * 2);
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    auto newline = [&] {
        if (!indent)
            return;
        out += QLatin1Char('\n');
        out += QString(qsizetype(depth) * 2, QLatin1Char(' '));
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == QLatin1Char('\\'))
                escaped = true;
            else if (c == QLatin1Char('"'))
                inString = false;
            continue;
        }
        if (c.isSpace())
            continue;
        switch (c.unicode()) {
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[': {
            qsizetype next = i + 1;
            while (next < text.size() && text.at(next).isSpace())
                ++next;
            const QChar close = c == QLatin1Char('{') ? QLatin1Char('}') : QLatin1Char(']');
            out += c;
            if (next < text.size() && text.at(next) == close) { // {} and [] stay on one line
                out += close;
                i = next;
                break;
            }
            ++depth;
            newline();
            break;
        }
        case '}':
        case ']':
            --depth;
            newline();
            out += c;
            break;
        case ',':
            out += c;
            newline();
            break;
        case ':':
            out += indent ? QStringLiteral(": ") : QStringLiteral(":");
            break;
        default:
            out += c;
            break;
        }
    }
    return out;
}

QString prettyJson(const QString &text, QString *error)
{
    return reformatJson(text, true, error);
}

QString compactJson(const QString &text, QString *error)
{
    return reformatJson(text, false, error);
}

QByteArray parseHex(const QString &text, QString *error, int *errorPosition)
{
    QByteArray out;
    int high = -1;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isSpace() || c == QLatin1Char(',') || c == QLatin1Char(':'))
            continue;
        if (c == QLatin1Char('0') && i + 1 < text.size()
            && text.at(i + 1).toLower() == QLatin1Char('x') && high < 0) {
            ++i;
            continue;
        }
        int value = -1;
        const char16_t u = c.unicode();
        if (u >= '0' && u <= '9')
            value = u - '0';
        else if (u >= 'a' && u <= 'f')
            value = u - 'a' + 10;
        else if (u >= 'A' && u <= 'F')
            value = u - 'A' + 10;
        if (value < 0) {
            *error = QStringLiteral("'%1' at position %2 is not a hex digit").arg(c).arg(i + 1);
            if (errorPosition)
                *errorPosition = i;
            return {};
        }
        if (high < 0) {
            high = value;
        } else {
            out.append(char(high << 4 | value));
            high = -1;
        }
    }
    if (high >= 0) {
        *error = QStringLiteral("odd number of hex digits: the last byte is incomplete");
        if (errorPosition)
            *errorPosition = int(text.size());
        return {};
    }
    return out;
}

QByteArray parseBase64(const QString &text, QString *error)
{
    QByteArray compact = text.toLatin1();
    compact.removeIf([](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
    auto result = QByteArray::fromBase64Encoding(compact, QByteArray::AbortOnBase64DecodingErrors);
    if (!result) {
        result = QByteArray::fromBase64Encoding(
            compact, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        if (!result) {
            *error = QStringLiteral("not valid base64");
            return {};
        }
    }
    return *result;
}

} // namespace PayloadFormat
