#include "HarFormat.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace HarFormat {

ImportResult import(const QByteArray &json)
{
    ImportResult result;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        result.error = QStringLiteral("not JSON: %1 at byte %2")
                           .arg(parseError.errorString())
                           .arg(parseError.offset);
        return result;
    }
    const QJsonObject log = document.object().value(QStringLiteral("log")).toObject();
    if (!log.contains(QStringLiteral("entries"))) {
        result.error = QStringLiteral("not a HAR file: no \"log\" with \"entries\"");
        return result;
    }
    for (const QJsonValue &entryValue : log.value(QStringLiteral("entries")).toArray()) {
        const QJsonObject entry = entryValue.toObject();
        if (!entry.contains(QStringLiteral("_webSocketMessages"))) {
            ++result.skippedEntries;
            continue;
        }
        const QJsonObject request = entry.value(QStringLiteral("request")).toObject();
        Session session;
        session.header.app = QStringLiteral("HAR import");
        session.header.url = QUrl(request.value(QStringLiteral("url")).toString());
        for (const QJsonValue &h : request.value(QStringLiteral("headers")).toArray()) {
            const QJsonObject header = h.toObject();
            session.header.requestHeaders.append(
                {header.value(QStringLiteral("name")).toString().toLatin1(),
                    header.value(QStringLiteral("value")).toString().toUtf8()});
        }
        const QJsonArray messages = entry.value(QStringLiteral("_webSocketMessages")).toArray();
        double firstSeconds = messages.isEmpty()
            ? 0
            : messages.first().toObject().value(QStringLiteral("time")).toDouble();
        for (const QJsonValue &m : messages)
            firstSeconds
                = qMin(firstSeconds, m.toObject().value(QStringLiteral("time")).toDouble());
        session.header.startWallMs = qint64(firstSeconds * 1000);
        if (session.header.startWallMs == 0)
            session.header.startWallMs = QDateTime::fromString(
                entry.value(QStringLiteral("startedDateTime")).toString(), Qt::ISODateWithMs)
                                             .toMSecsSinceEpoch();
        for (const QJsonValue &m : messages) {
            const QJsonObject message = m.toObject();
            TrafficEvent e;
            const int opcode = message.value(QStringLiteral("opcode")).toInt(1);
            if (opcode != 1 && opcode != 2)
                continue; // control frames some browsers list: not messages
            e.kind = opcode == 2 ? Kind::Binary : Kind::Text;
            e.direction = message.value(QStringLiteral("type")).toString() == QLatin1String("send")
                ? Direction::Outgoing
                : Direction::Incoming;
            e.timeUs
                = qint64((message.value(QStringLiteral("time")).toDouble() - firstSeconds) * 1e6);
            e.wallMs = session.header.startWallMs + e.timeUs / 1000;
            const QString data = message.value(QStringLiteral("data")).toString();
            if (e.kind == Kind::Text) {
                e.text = data;
                e.size = utf8Size(data);
            } else {
                e.data = QByteArray::fromBase64(data.toLatin1());
                e.size = e.data.size();
            }
            session.events.events.append(e);
        }
        result.sessions.append(session);
    }
    return result;
}

QByteArray exportSessions(const QList<Session> &sessions, bool keepSecrets)
{
    QJsonArray entries;
    for (const Session &session : sessions) {
        QJsonArray headers;
        for (const HttpHeader &h :
            RecordingFormat::redactedHeaders(session.header.requestHeaders, keepSecrets))
            headers.append(QJsonObject {{QStringLiteral("name"), QString::fromLatin1(h.name)},
                {QStringLiteral("value"), QString::fromUtf8(h.value)}});
        QJsonArray messages;
        for (const TrafficEvent &e : session.events.events) {
            if (!e.isMessage() || e.direction == Direction::Local)
                continue;
            const double time = (session.header.startWallMs * 1000.0 + e.timeUs) / 1e6;
            const QByteArray payload = session.events.payload(e);
            messages.append(QJsonObject {
                {QStringLiteral("type"),
                    e.direction == Direction::Outgoing ? QStringLiteral("send")
                                                       : QStringLiteral("receive")},
                {QStringLiteral("time"), time},
                {QStringLiteral("opcode"), e.kind == Kind::Binary ? 2 : 1},
                {QStringLiteral("data"),
                    e.kind == Kind::Binary ? QString::fromLatin1(payload.toBase64())
                                           : QString::fromUtf8(payload)},
            });
        }
        const QString started = QDateTime::fromMSecsSinceEpoch(session.header.startWallMs, Qt::UTC)
                                    .toString(Qt::ISODateWithMs);
        entries.append(QJsonObject {
            {QStringLiteral("startedDateTime"), started},
            {QStringLiteral("time"), 0},
            {QStringLiteral("request"),
                QJsonObject {{QStringLiteral("method"), QStringLiteral("GET")},
                    {QStringLiteral("url"), session.header.url.toString()},
                    {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                    {QStringLiteral("headers"), headers},
                    {QStringLiteral("queryString"), QJsonArray()},
                    {QStringLiteral("cookies"), QJsonArray()}, {QStringLiteral("headersSize"), -1},
                    {QStringLiteral("bodySize"), 0}}},
            {QStringLiteral("response"),
                QJsonObject {{QStringLiteral("status"), 101},
                    {QStringLiteral("statusText"), QStringLiteral("Switching Protocols")},
                    {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                    {QStringLiteral("headers"), QJsonArray()},
                    {QStringLiteral("cookies"), QJsonArray()},
                    {QStringLiteral("content"),
                        QJsonObject {{QStringLiteral("size"), 0},
                            {QStringLiteral("mimeType"), QStringLiteral("x-unknown")}}},
                    {QStringLiteral("redirectURL"), QString()}, {QStringLiteral("headersSize"), -1},
                    {QStringLiteral("bodySize"), -1}}},
            {QStringLiteral("cache"), QJsonObject()},
            {QStringLiteral("timings"),
                QJsonObject {{QStringLiteral("send"), 0}, {QStringLiteral("wait"), 0},
                    {QStringLiteral("receive"), 0}}},
            {QStringLiteral("_resourceType"), QStringLiteral("websocket")},
            {QStringLiteral("_webSocketMessages"), messages},
        });
    }
    const QJsonObject log {{QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"),
            QJsonObject {{QStringLiteral("name"), QStringLiteral("Sockscope")},
                {QStringLiteral("version"), QStringLiteral("1")}}},
        {QStringLiteral("pages"), QJsonArray()}, {QStringLiteral("entries"), entries}};
    return QJsonDocument(QJsonObject {{QStringLiteral("log"), log}})
        .toJson(QJsonDocument::Indented);
}

} // namespace HarFormat
