#pragma once

#include <QList>
#include <QString>
#include <QStringList>

// A JSON Pointer (RFC 6901) in which a `*` token stands for any key or index: "/ts",
// "/items/*/id". It matches the value it points to and everything under it, so "/meta" ignores a
// whole object. "" points to the whole document.
class JsonPointerPattern
{
public:
    // False, with a message, when text is not a JSON Pointer (it must be empty or start with '/',
    // and '~' must be followed by 0 or 1).
    static bool parse(const QString &text, JsonPointerPattern *pattern, QString *error);
    // Patterns one a line; blank lines and lines starting with '#' are skipped. Each bad line is
    // reported as "NAME:LINE: what is wrong" and skipped.
    static QList<JsonPointerPattern> parseLines(
        const QString &content, const QString &name, QStringList *problems);

    // True when the path (unescaped tokens, from the root) is this pattern's target or under it.
    bool matches(const QStringList &path) const;
    static bool anyMatches(const QList<JsonPointerPattern> &patterns, const QStringList &path);

    const QString &text() const { return m_text; }
    // The pointer for a path: "/items/0/id", with '~' and '/' in keys escaped.
    static QString pointerFor(const QStringList &path);

private:
    QString m_text;
    QStringList m_tokens; // unescaped; "*" is the wildcard
};
