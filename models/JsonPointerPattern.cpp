#include "JsonPointerPattern.h"

namespace {

constexpr QLatin1String Wildcard("*");

} // namespace

bool JsonPointerPattern::parse(const QString &text, JsonPointerPattern *pattern, QString *error)
{
    JsonPointerPattern p;
    p.m_text = text;
    if (!text.isEmpty() && !text.startsWith(QLatin1Char('/'))) {
        *error = QStringLiteral("'%1' is not a JSON Pointer: it must start with '/' (like /ts or "
                                "/items/*/id)")
                     .arg(text);
        return false;
    }
    const QStringList raw = text.mid(1).split(QLatin1Char('/'));
    for (qsizetype i = 0; !text.isEmpty() && i < raw.size(); ++i) {
        const QString &token = raw.at(i);
        QString unescaped;
        unescaped.reserve(token.size());
        for (qsizetype c = 0; c < token.size(); ++c) {
            if (token.at(c) != QLatin1Char('~')) {
                unescaped.append(token.at(c));
                continue;
            }
            const QChar next = c + 1 < token.size() ? token.at(c + 1) : QChar();
            if (next != QLatin1Char('0') && next != QLatin1Char('1')) {
                *error = QStringLiteral("'%1' is not a JSON Pointer: '~' must be followed by 0 "
                                        "(for ~) or 1 (for /)")
                             .arg(text);
                return false;
            }
            unescaped.append(next == QLatin1Char('0') ? QLatin1Char('~') : QLatin1Char('/'));
            ++c;
        }
        p.m_tokens.append(unescaped);
    }
    *pattern = p;
    return true;
}

QList<JsonPointerPattern> JsonPointerPattern::parseLines(
    const QString &content, const QString &name, QStringList *problems)
{
    QList<JsonPointerPattern> patterns;
    const QStringList lines = content.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')))
            continue;
        JsonPointerPattern pattern;
        QString error;
        if (parse(trimmed, &pattern, &error))
            patterns.append(pattern);
        else
            problems->append(QStringLiteral("%1:%2: %3").arg(name).arg(i + 1).arg(error));
    }
    return patterns;
}

bool JsonPointerPattern::matches(const QStringList &path) const
{
    if (m_tokens.size() > path.size())
        return false;
    for (qsizetype i = 0; i < m_tokens.size(); ++i) {
        if (m_tokens.at(i) != Wildcard && m_tokens.at(i) != path.at(i))
            return false;
    }
    return true;
}

bool JsonPointerPattern::anyMatches(
    const QList<JsonPointerPattern> &patterns, const QStringList &path)
{
    for (const JsonPointerPattern &p : patterns) {
        if (p.matches(path))
            return true;
    }
    return false;
}

QString JsonPointerPattern::pointerFor(const QStringList &path)
{
    QString pointer;
    for (QString token : path) {
        token.replace(QLatin1Char('~'), QLatin1String("~0"));
        token.replace(QLatin1Char('/'), QLatin1String("~1"));
        pointer += QLatin1Char('/') + token;
    }
    return pointer;
}
