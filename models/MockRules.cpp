#include "MockRules.h"

#include "BoundedFile.h"
#include "CloseCode.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace {

// RFC 6901: "/a/0/b~1c" in doc; false when a step is missing.
bool resolvePointer(const QJsonValue &doc, const QString &pointer, QJsonValue *out)
{
    QJsonValue at = doc;
    if (!pointer.isEmpty()) {
        const QStringList steps = pointer.mid(1).split(QLatin1Char('/'));
        for (QString step : steps) {
            step.replace(QLatin1String("~1"), QLatin1String("/"))
                .replace(QLatin1String("~0"), QLatin1String("~"));
            if (at.isObject()) {
                const QJsonObject object = at.toObject();
                if (!object.contains(step))
                    return false;
                at = object.value(step);
            } else if (at.isArray()) {
                bool ok = false;
                const int index = step.toInt(&ok);
                if (!ok || index < 0 || index >= at.toArray().size())
                    return false;
                at = at.toArray().at(index);
            } else {
                return false;
            }
        }
    }
    *out = at;
    return true;
}

QString textOf(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    // Numbers, booleans and null as JSON writes them.
    const QByteArray wrapped = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

struct Request
{
    const QByteArray &text;
    QJsonValue doc; // undefined when the message is not JSON
};

QJsonValue lookUp(const Request &request, const QString &pointer)
{
    if (pointer.isNull())
        return QJsonValue(QString::fromUtf8(request.text)); // {{request}}: the whole message
    QJsonValue value;
    if (request.doc.isUndefined() || !resolvePointer(request.doc, pointer, &value))
        return QJsonValue(QJsonValue::Null);
    return value;
}

const QRegularExpression &placeholder()
{
    static const QRegularExpression re(QStringLiteral("\\{\\{request(?::([^}]*))?\\}\\}"));
    return re;
}

QString fillText(const QString &pattern, const Request &request)
{
    QString out;
    qsizetype last = 0;
    auto it = placeholder().globalMatch(pattern);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(pattern).mid(last, m.capturedStart() - last);
        out += textOf(lookUp(request, m.captured(1)));
        last = m.capturedEnd();
    }
    out += QStringView(pattern).mid(last);
    return out;
}

QJsonValue fillJson(const QJsonValue &pattern, const Request &request)
{
    if (pattern.isString()) {
        const QString s = pattern.toString();
        const QRegularExpressionMatch whole = placeholder().match(s);
        if (whole.hasMatch() && whole.capturedStart() == 0 && whole.capturedLength() == s.size())
            return lookUp(request, whole.captured(1));
        return fillText(s, request);
    }
    if (pattern.isArray()) {
        QJsonArray out;
        const QJsonArray in = pattern.toArray();
        for (const auto &v : in)
            out.append(fillJson(v, request));
        return out;
    }
    if (pattern.isObject()) {
        QJsonObject out;
        const QJsonObject in = pattern.toObject();
        for (auto it = in.begin(); it != in.end(); ++it)
            out.insert(it.key(), fillJson(it.value(), request));
        return out;
    }
    return pattern;
}

} // namespace

bool MockRules::load(const QString &path, QString *error)
{
    QByteArray json;
    if (!BoundedFile::read(path, MaxFileBytes, QStringLiteral("the rules file"), &json, error))
        return false;
    QString problem;
    if (!parse(json, &problem)) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return false;
    }
    return true;
}

bool MockRules::parse(const QByteArray &json, QString *error)
{
    m_rules.clear();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("not JSON at byte %1: %2")
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return false;
    }
    if (!doc.isArray()) {
        *error = QStringLiteral("expected a JSON list of rules");
        return false;
    }
    const QJsonArray rules = doc.array();
    if (rules.isEmpty()) {
        *error = QStringLiteral("the list holds no rule");
        return false;
    }
    if (rules.size() > MaxRules) {
        *error = QStringLiteral("%1 rules: at most %2 are taken").arg(rules.size()).arg(MaxRules);
        return false;
    }
    for (int i = 0; i < rules.size(); ++i) {
        if (!parseRule(rules.at(i), i, error)) {
            m_rules.clear();
            return false;
        }
    }
    return true;
}

bool MockRules::parseRule(const QJsonValue &value, int index, QString *error)
{
    const auto fail = [&](const QString &what) {
        *error = QStringLiteral("rule %1: %2").arg(index + 1).arg(what);
        return false;
    };
    if (!value.isObject())
        return fail(QStringLiteral("expected an object"));
    const QJsonObject object = value.toObject();
    static const QStringList known = {QStringLiteral("match"), QStringLiteral("reply"),
        QStringLiteral("delay"), QStringLiteral("close")};
    for (const QString &key : object.keys()) {
        if (!known.contains(key))
            return fail(QStringLiteral("unknown key '%1' (known: %2)")
                            .arg(key, known.join(QStringLiteral(", "))));
    }
    Rule rule;
    if (object.contains(QLatin1String("match"))) {
        const QJsonValue match = object.value(QLatin1String("match"));
        if (!match.isObject())
            return fail(QStringLiteral("'match' must be an object with pointer and equals or "
                                       "regex"));
        const QJsonObject m = match.toObject();
        rule.hasMatch = true;
        if (m.contains(QLatin1String("pointer"))) {
            const QJsonValue pointer = m.value(QLatin1String("pointer"));
            if (!pointer.isString()
                || (!pointer.toString().isEmpty() && !pointer.toString().startsWith(u'/')))
                return fail(QStringLiteral("'pointer' must be a JSON Pointer such as \"/op\""));
            rule.hasPointer = true;
            rule.pointer = pointer.toString();
        }
        const bool hasEquals = m.contains(QLatin1String("equals"));
        const bool hasRegex = m.contains(QLatin1String("regex"));
        if (hasEquals == hasRegex)
            return fail(QStringLiteral("'match' needs exactly one of 'equals' and 'regex'"));
        if (hasEquals) {
            if (!rule.hasPointer)
                return fail(QStringLiteral("'equals' compares the value at a 'pointer'"));
            rule.hasEquals = true;
            rule.equals = m.value(QLatin1String("equals"));
        } else {
            const QJsonValue regex = m.value(QLatin1String("regex"));
            if (!regex.isString())
                return fail(QStringLiteral("'regex' must be a string"));
            rule.regex = QRegularExpression(regex.toString());
            if (!rule.regex.isValid())
                return fail(QStringLiteral("'regex' is not a valid regular expression: %1")
                                .arg(rule.regex.errorString()));
            rule.regex.optimize();
        }
        for (const QString &key : m.keys()) {
            if (key != QLatin1String("pointer") && key != QLatin1String("equals")
                && key != QLatin1String("regex"))
                return fail(QStringLiteral("unknown key '%1' in 'match'").arg(key));
        }
    }
    if (object.contains(QLatin1String("reply"))) {
        rule.reply = object.value(QLatin1String("reply"));
        if (!rule.reply.isString() && !rule.reply.isObject() && !rule.reply.isArray())
            return fail(QStringLiteral("'reply' must be a text or a JSON object or list"));
        rule.hasReply = true;
    }
    if (object.contains(QLatin1String("delay"))) {
        const QJsonValue delay = object.value(QLatin1String("delay"));
        const double ms = delay.toDouble(-1);
        if (!delay.isDouble() || ms < 0 || ms > MaxDelayMs)
            return fail(
                QStringLiteral("'delay' must be a number of ms from 0 to %1").arg(MaxDelayMs));
        rule.delayMs = int(ms);
    }
    if (object.contains(QLatin1String("close"))) {
        const QJsonValue close = object.value(QLatin1String("close"));
        if (close.isBool()) {
            rule.close = close.toBool();
        } else if (close.isObject()) {
            rule.close = true;
            const QJsonObject c = close.toObject();
            const QJsonValue codeValue = c.value(QLatin1String("code"));
            const double code = codeValue.toDouble(1000);
            // Range first: converting a double outside int's range is undefined behaviour.
            if ((!codeValue.isUndefined() && !codeValue.isDouble()) || code < 1000 || code > 4999
                || code != std::floor(code) || !CloseCode::isSendable(int(code)))
                return fail(QStringLiteral("'close' code must be a code a close frame may carry "
                                           "(1000, 1001, 1003, ..., 3000-4999)"));
            const QJsonValue reason = c.value(QLatin1String("reason"));
            if (!reason.isUndefined() && !reason.isString())
                return fail(QStringLiteral("'close' reason must be a text"));
            rule.closeCode = quint16(code);
            rule.closeReason = CloseCode::truncateReason(reason.toString());
        } else {
            return fail(
                QStringLiteral("'close' must be true or {\"code\": N, \"reason\": \"...\"}"));
        }
    }
    if (!rule.hasReply && !rule.close)
        return fail(QStringLiteral("a rule needs a 'reply', a 'close' or both"));
    m_rules.append(rule);
    return true;
}

MockRules::Answer MockRules::answer(const QByteArray &message, bool binary) const
{
    Answer answer;
    QJsonValue doc = QJsonValue::Undefined;
    bool parsed = false;
    const auto document = [&]() -> const QJsonValue & {
        if (!parsed && !binary) {
            parsed = true;
            QJsonParseError e;
            const QJsonDocument d = QJsonDocument::fromJson(message, &e);
            if (e.error == QJsonParseError::NoError)
                doc = d.isObject() ? QJsonValue(d.object()) : QJsonValue(d.array());
        }
        return doc;
    };
    for (int i = 0; i < m_rules.size(); ++i) {
        const Rule &rule = m_rules.at(i);
        if (rule.hasMatch) {
            if (binary)
                continue;
            QJsonValue value;
            if (rule.hasPointer) {
                if (document().isUndefined() || !resolvePointer(document(), rule.pointer, &value))
                    continue;
            } else {
                value = QString::fromUtf8(message);
            }
            if (rule.hasEquals ? value != rule.equals : !rule.regex.match(textOf(value)).hasMatch())
                continue;
        }
        answer.matched = true;
        answer.rule = i;
        answer.delayMs = rule.delayMs;
        answer.close = rule.close;
        answer.closeCode = rule.closeCode;
        answer.closeReason = rule.closeReason;
        if (rule.hasReply) {
            answer.hasReply = true;
            const Request request {message, binary ? QJsonValue() : document()};
            answer.reply = rule.reply.isString() ? fillText(rule.reply.toString(), request).toUtf8()
                                                 : textOf(fillJson(rule.reply, request)).toUtf8();
        }
        return answer;
    }
    return answer;
}
