#include "MessageComparison.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace {

constexpr QLatin1String Absent("(absent)");

QString shortened(const QString &text)
{
    if (text.size() <= MessageComparison::MaxValueChars)
        return text;
    return text.left(MessageComparison::MaxValueChars - 1) + QChar(0x2026);
}

QString valueText(const QJsonValue &v)
{
    if (v.isUndefined())
        return Absent;
    // As JSON writes it: strings quoted and escaped (a string "1" is not the number 1), numbers
    // in their shortest form.
    const QByteArray json = QJsonDocument(QJsonArray {v}).toJson(QJsonDocument::Compact);
    return shortened(QString::fromUtf8(json.mid(1, json.size() - 2)));
}

bool sameNumber(const QJsonValue &a, const QJsonValue &b)
{
    // Integers Qt keeps exactly compare exactly; anything else by double value.
    const QVariant va = a.toVariant(), vb = b.toVariant();
    if (va.typeId() == QMetaType::LongLong && vb.typeId() == QMetaType::LongLong)
        return va.toLongLong() == vb.toLongLong();
    return a.toDouble() == b.toDouble();
}

// Walks both values side by side and collects the differences outside ignored paths.
class JsonWalker
{
public:
    JsonWalker(const QList<JsonPointerPattern> &ignore, QList<MessageComparison::Difference> *out)
        : m_ignore(ignore), m_out(out)
    { }

    void walk(const QJsonValue &recorded, const QJsonValue &live)
    {
        if (!m_ignore.isEmpty() && JsonPointerPattern::anyMatches(m_ignore, m_path))
            return;
        if (recorded.type() != live.type()) {
            add(recorded, live);
            return;
        }
        switch (recorded.type()) {
        case QJsonValue::Object:
            walkObject(recorded.toObject(), live.toObject());
            break;
        case QJsonValue::Array:
            walkArray(recorded.toArray(), live.toArray());
            break;
        case QJsonValue::Double:
            if (!sameNumber(recorded, live))
                add(recorded, live);
            break;
        default:
            if (recorded != live)
                add(recorded, live);
            break;
        }
    }

    int overflow() const { return m_overflow; }

private:
    void walkObject(const QJsonObject &recorded, const QJsonObject &live)
    {
        // Keys of both, in the recorded order then the live-only ones (QJsonObject sorts them).
        QStringList keys = recorded.keys();
        for (const QString &key : live.keys()) {
            if (!recorded.contains(key))
                keys.append(key);
        }
        for (const QString &key : std::as_const(keys)) {
            m_path.append(key);
            walk(recorded.value(key), live.value(key));
            m_path.removeLast();
        }
    }

    void walkArray(const QJsonArray &recorded, const QJsonArray &live)
    {
        const qsizetype n = std::max(recorded.size(), live.size());
        for (qsizetype i = 0; i < n; ++i) {
            m_path.append(QString::number(i));
            walk(i < recorded.size() ? recorded.at(i) : QJsonValue(QJsonValue::Undefined),
                i < live.size() ? live.at(i) : QJsonValue(QJsonValue::Undefined));
            m_path.removeLast();
        }
    }

    void add(const QJsonValue &recorded, const QJsonValue &live)
    {
        if (m_out->size() >= MessageComparison::MaxDifferences - 1) {
            ++m_overflow;
            return;
        }
        m_out->append(
            {JsonPointerPattern::pointerFor(m_path), valueText(recorded), valueText(live)});
    }

    const QList<JsonPointerPattern> &m_ignore;
    QList<MessageComparison::Difference> *m_out;
    QStringList m_path;
    int m_overflow = 0;
};

// Object or array JSON, or an invalid document.
QJsonDocument structuredJson(const MessageComparison::Message &m)
{
    if (m.binary)
        return {};
    const auto first = std::find_if(m.payload.cbegin(), m.payload.cend(),
        [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; });
    if (first == m.payload.cend() || (*first != '{' && *first != '['))
        return {};
    QJsonParseError error;
    QJsonDocument doc = QJsonDocument::fromJson(m.payload, &error);
    return error.error == QJsonParseError::NoError ? doc : QJsonDocument();
}

QJsonValue rootOf(const QJsonDocument &doc)
{
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

} // namespace

MessageComparison::MessageComparison(const QList<JsonPointerPattern> &ignore) : m_ignore(ignore) { }

QString MessageComparison::describe(const Message &message, qsizetype fromByte)
{
    if (!message.binary)
        return shortened(QString::fromUtf8(message.payload));
    QString text = QStringLiteral("(%1 bytes)").arg(message.payload.size());
    if (fromByte > 0)
        text += QStringLiteral(" at byte %1:").arg(fromByte);
    const QByteArray shown = message.payload.mid(fromByte, 16);
    if (!shown.isEmpty())
        text += QLatin1Char(' ') + QString::fromLatin1(shown.toHex(' '));
    if (fromByte + shown.size() < message.payload.size())
        text += QChar(0x2026);
    return text;
}

QList<MessageComparison::Difference> MessageComparison::compare(
    const Message &recorded, const Message &live) const
{
    QList<Difference> differences;
    if (recorded.binary != live.binary) {
        differences.append({QString(), describe(recorded), describe(live)});
        return differences;
    }
    if (recorded.payload == live.payload)
        return differences; // the common case: no parsing
    if (recorded.binary) {
        const auto mismatch = std::mismatch(recorded.payload.cbegin(), recorded.payload.cend(),
            live.payload.cbegin(), live.payload.cend());
        const qsizetype at = mismatch.first - recorded.payload.cbegin();
        differences.append({QString(), describe(recorded, at), describe(live, at)});
        return differences;
    }
    const QJsonDocument recordedJson = structuredJson(recorded);
    const QJsonDocument liveJson = recordedJson.isNull() ? QJsonDocument() : structuredJson(live);
    if (recordedJson.isNull() || liveJson.isNull()) {
        if (!JsonPointerPattern::anyMatches(m_ignore, {}))
            differences.append({QString(), describe(recorded), describe(live)});
        return differences;
    }
    JsonWalker walker(m_ignore, &differences);
    walker.walk(rootOf(recordedJson), rootOf(liveJson));
    if (walker.overflow() > 0)
        differences.append({QStringLiteral("(%1 more paths differ)").arg(walker.overflow()),
            QString(), QString()});
    return differences;
}
