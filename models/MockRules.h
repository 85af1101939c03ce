#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QRegularExpression>
#include <QString>

// Mock rules without code (`serve --rules FILE.json`): a JSON list of
//   {"match": {"pointer": "/op", "equals": "ping"} | {"pointer": "/text", "regex": "^hi"},
//    "reply": "text with {{request:/id}}" | {JSON template}, "delay": ms,
//    "close": true | {"code": 1000, "reason": "bye"}}
// For each client message the first rule that matches answers. A rule without "match" matches
// every message; a pointer matches only JSON messages that hold it. In a text reply a placeholder
// becomes the request's value (strings as they are, anything else as JSON); in a JSON reply a
// string that is only a placeholder becomes the value itself, of any type.
class MockRules
{
public:
    static constexpr qint64 MaxFileBytes = 1024LL * 1024;
    static constexpr int MaxRules = 1000;
    static constexpr int MaxDelayMs = 600'000;

    struct Answer
    {
        bool matched = false;
        int rule = -1; // 0-based
        bool hasReply = false;
        QByteArray reply; // UTF-8 text
        int delayMs = 0;
        bool close = false;
        quint16 closeCode = 1000;
        QString closeReason;
    };

    // Parses the rules; on failure says which rule and what is wrong.
    bool parse(const QByteArray &json, QString *error);
    bool load(const QString &path, QString *error);
    int size() const { return int(m_rules.size()); }
    // The answer of the first matching rule to a client message.
    Answer answer(const QByteArray &message, bool binary) const;

private:
    struct Rule
    {
        bool hasMatch = false;
        QString pointer; // empty with hasMatch: the whole message
        bool hasPointer = false;
        bool hasEquals = false;
        QJsonValue equals;
        QRegularExpression regex;
        bool hasReply = false;
        QJsonValue reply; // a string (text template) or an object/array (JSON template)
        int delayMs = 0;
        bool close = false;
        quint16 closeCode = 1000;
        QString closeReason;
    };

    bool parseRule(const QJsonValue &value, int index, QString *error);

    QList<Rule> m_rules;
};
