#include "JsonCheck.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

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

// How the text ends when it ends too early: inside a string, or after a complete name or value
// with a container still open (Qt reports all of these as one of a few unrelated errors).
struct TextEnd
{
    int tokenStart = -1; // where the last token (string, word or number) starts; -1 none
    bool inString = false; // the text ends inside a string that starts at tokenStart
    bool afterName = false; // the last token is an object's name
    bool afterValue = false; // the last token is a complete value, or a closed container
    QChar open; // the innermost container still open, or 0
    int openAt = -1;
    QChar last; // the last character outside strings that is not whitespace
};

TextEnd textEnd(const QString &text)
{
    TextEnd end;
    QList<std::pair<QChar, int>> stack;
    QChar previous; // the last character outside strings that is not whitespace
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isSpace())
            continue;
        if (c == QLatin1Char('"')) {
            const bool name = !stack.isEmpty() && stack.back().first == QLatin1Char('{')
                && (previous == QLatin1Char('{') || previous == QLatin1Char(','));
            end = {};
            end.tokenStart = i;
            end.inString = true;
            for (++i; i < text.size(); ++i) {
                if (text.at(i) == QLatin1Char('\\')) {
                    ++i;
                } else if (text.at(i) == QLatin1Char('"')) {
                    end.inString = false;
                    break;
                }
            }
            end.afterName = !end.inString && name;
            end.afterValue = !end.inString && !name;
            previous = QLatin1Char('"');
            continue;
        }
        if (c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('+')
            || c == QLatin1Char('.')) {
            if (!(previous.isLetterOrNumber() || previous == QLatin1Char('-')
                    || previous == QLatin1Char('+') || previous == QLatin1Char('.'))
                || end.tokenStart < 0 || text.at(i - 1).isSpace()) {
                end = {};
                end.tokenStart = i;
            }
            previous = c;
            continue;
        }
        end = {};
        if (c == QLatin1Char('{') || c == QLatin1Char('['))
            stack.append({c, i});
        else if ((c == QLatin1Char('}') || c == QLatin1Char(']')) && !stack.isEmpty())
            stack.removeLast();
        end.afterValue = c == QLatin1Char('}') || c == QLatin1Char(']');
        previous = c;
    }
    if (!end.inString && end.tokenStart >= 0 && !end.afterName && !end.afterValue) {
        // A word or number: complete only if it is one.
        static const QRegularExpression value(
            QStringLiteral("^(true|false|null|-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?)$"));
        end.afterValue = value.match(text.mid(end.tokenStart).trimmed()).hasMatch();
    }
    end.last = previous;
    if (!stack.isEmpty()) {
        end.open = stack.back().first;
        end.openAt = stack.back().second;
    }
    return end;
}

std::pair<int, int> lineColumnAt(const QString &text, int position)
{
    return {1 + int(text.left(position).count(QLatin1Char('\n'))),
        position - int(text.lastIndexOf(QLatin1Char('\n'), position - 1))};
}

QString lineAndColumn(const QString &text, int position)
{
    const auto [line, column] = lineColumnAt(text, position);
    return line == 1 ? QStringLiteral("column %1").arg(column)
                     : QStringLiteral("line %1, column %2").arg(line).arg(column);
}

void setLineAndColumn(JsonCheck &result, const QString &text)
{
    std::tie(result.line, result.column) = lineColumnAt(text, result.position);
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
    // The parser ran out of text (in the last token, or after it): say what is missing at the end.
    const TextEnd end = textEnd(text);
    if ((end.tokenStart >= 0 && position > end.tokenStart)
        || position >= int(text.trimmed().size())) {
        result.position = end.inString ? end.tokenStart : int(text.size());
        if (end.inString)
            result.problem = QStringLiteral("this string is never closed with \u201c\"\u201d");
        else if (end.afterName)
            result.problem
                = QStringLiteral("expected \u201c:\u201d between the name and its value");
        else if (end.open == QLatin1Char('{') && end.tokenStart < 0 && end.last == QLatin1Char(','))
            result.problem = QStringLiteral("expected a name in double quotes after \u201c,\u201d");
        else if (end.open == QLatin1Char('[') && end.tokenStart < 0
            && (end.last == QLatin1Char(',') || end.last == QLatin1Char('[')))
            result.problem = QStringLiteral("expected a value, or \u201c]\u201d to close the list");
        else if (end.afterValue && !end.open.isNull())
            result.problem
                = QStringLiteral("the %1 opened at %2 is never closed with \u201c%3\u201d")
                      .arg(end.open == QLatin1Char('{') ? QStringLiteral("object")
                                                        : QStringLiteral("list"),
                          lineAndColumn(text, end.openAt),
                          end.open == QLatin1Char('{') ? QStringLiteral("}") : QStringLiteral("]"));
    }
    if (!result.problem.isEmpty()) {
        setLineAndColumn(result, text);
        return result;
    }
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
    setLineAndColumn(result, text);
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
