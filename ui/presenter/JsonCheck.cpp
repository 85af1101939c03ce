#include "JsonCheck.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace {

// The innermost container open before `position`: '{', '[' or 0 at the top level.
QChar openContainer(const QString &text, int position)
{
    QString stack;
    bool inString = false;
    for (int i = 0; i < position && i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            if (c == QLatin1Char('\\'))
                ++i;
            else if (c == QLatin1Char('"'))
                inString = false;
            continue;
        }
        if (c == QLatin1Char('"'))
            inString = true;
        else if (c == QLatin1Char('{') || c == QLatin1Char('['))
            stack += c;
        else if ((c == QLatin1Char('}') || c == QLatin1Char(']')) && !stack.isEmpty())
            stack.chop(1);
    }
    return stack.isEmpty() ? QChar() : stack.back();
}

} // namespace

JsonCheck JsonCheck::check(const QString &text)
{
    JsonCheck result;
    QJsonParseError error;
    QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error == QJsonParseError::NoError)
        return result;
    result.ok = false;
    // Qt counts UTF-8 bytes and points just past the offending character.
    const QByteArray utf8 = text.toUtf8();
    const int byteOffset = qBound(0, error.offset, int(utf8.size()));
    int position = int(QString::fromUtf8(utf8.left(byteOffset)).size());
    const bool atEnd = error.error == QJsonParseError::TerminationByNumber
        || error.error == QJsonParseError::UnterminatedString;
    if (error.error == QJsonParseError::GarbageAtEnd) {
        while (position < text.size() && text.at(position).isSpace())
            ++position;
    } else if (!atEnd && position > 0) {
        --position;
    }
    if (error.error == QJsonParseError::UnterminatedString) {
        // The string starts at the last quote before the reported position.
        position = qMax(0, int(text.lastIndexOf(QLatin1Char('"'), qMax(0, position - 1))));
    } else if (atEnd) {
        position = int(text.size());
    }
    result.position = qBound(0, position, int(text.size()));

    const QChar container = openContainer(text, result.position);
    QChar before; // the last character before the error that is not whitespace
    for (int i = result.position - 1; i >= 0 && before.isNull(); --i) {
        if (!text.at(i).isSpace())
            before = text.at(i);
    }
    const bool inList = container == QLatin1Char('[');
    switch (error.error) {
    case QJsonParseError::UnterminatedObject:
        result.problem = (before == QLatin1Char('{') || before == QLatin1Char(','))
            ? QStringLiteral(
                "expected a name in double quotes, or \u201c}\u201d to close the object")
            : QStringLiteral(
                "expected \u201c,\u201d or \u201c}\u201d after a value in this object");
        break;
    case QJsonParseError::MissingNameSeparator:
        result.problem = QStringLiteral("expected \u201c:\u201d between the name and its value");
        break;
    case QJsonParseError::UnterminatedArray:
        result.problem
            = QStringLiteral("expected \u201c,\u201d or \u201c]\u201d after a value in this list");
        break;
    case QJsonParseError::MissingValueSeparator:
        result.problem = inList
            ? QStringLiteral("expected \u201c,\u201d or \u201c]\u201d after a value in this list")
            : QStringLiteral(
                "expected \u201c,\u201d or \u201c}\u201d after a value in this object");
        break;
    case QJsonParseError::IllegalValue:
        if (before == QLatin1Char(':')) {
            result.problem = QStringLiteral("expected a value after \u201c:\u201d");
            break;
        }
        result.problem = QStringLiteral(
            "expected a value here: a string in double quotes, a number, an object, a list, true, "
            "false or null");
        break;
    case QJsonParseError::TerminationByNumber:
        result.problem = inList
            ? QStringLiteral("the text ends before the list is closed with \u201c]\u201d")
            : container == QLatin1Char('{')
            ? QStringLiteral("the text ends before the object is closed with \u201c}\u201d")
            : QStringLiteral("the text ends too early");
        break;
    case QJsonParseError::IllegalNumber:
        result.problem = QStringLiteral("this is not a valid number");
        break;
    case QJsonParseError::IllegalEscapeSequence:
        result.problem = QStringLiteral("unknown escape sequence in this string");
        break;
    case QJsonParseError::IllegalUTF8String:
        result.problem = QStringLiteral("invalid character in this string");
        break;
    case QJsonParseError::UnterminatedString:
        result.problem = QStringLiteral("this string is never closed with \u201c\"\u201d");
        break;
    case QJsonParseError::MissingObject:
        if (before == QLatin1Char(':')) {
            result.problem = QStringLiteral("expected a value after \u201c:\u201d");
            break;
        }
        result.problem = inList
            ? QStringLiteral("a value must follow the comma (or remove the trailing comma)")
            : QStringLiteral(
                "a member (\"name\": value) must follow the comma (or remove the trailing comma)");
        break;
    case QJsonParseError::DeepNesting:
        result.problem = QStringLiteral("nested too deeply");
        break;
    case QJsonParseError::DocumentTooLarge:
        result.problem = QStringLiteral("too large to check");
        break;
    case QJsonParseError::GarbageAtEnd:
        result.problem = QStringLiteral("there is more text after the end of the JSON value");
        break;
    default:
        result.problem = error.errorString();
        break;
    }
    result.line = 1 + int(text.left(result.position).count(QLatin1Char('\n')));
    result.column = result.position - int(text.lastIndexOf(QLatin1Char('\n'), result.position - 1));
    return result;
}

QString JsonCheck::describe() const
{
    if (ok)
        return {};
    return QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(problem);
}

QString JsonCheck::compact(const QString &text)
{
    QString out;
    out.reserve(text.size());
    bool inString = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            out += c;
            if (c == QLatin1Char('\\') && i + 1 < text.size())
                out += text.at(++i);
            else if (c == QLatin1Char('"'))
                inString = false;
            continue;
        }
        if (c == QLatin1Char('"'))
            inString = true;
        if (!c.isSpace())
            out += c;
    }
    return out;
}
