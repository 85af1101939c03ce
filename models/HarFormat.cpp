#include "HarFormat.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <cmath>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace HarFormat {

namespace {

constexpr int OpcodeText = 1;
constexpr int OpcodeBinary = 2;
constexpr int OpcodeClose = 8;

QString subprotocolHeader()
{
    return QStringLiteral("Sec-WebSocket-Protocol");
}

QString headerValue(const QJsonArray &headers, const QString &name)
{
    for (const auto &h : headers) {
        if (h[QStringLiteral("name")].toString().compare(name, Qt::CaseInsensitive) == 0)
            return h[QStringLiteral("value")].toString();
    }
    return {};
}

// A close frame's payload: the code (big-endian) and the UTF-8 reason.
QByteArray closePayload(quint16 code, const QString &reason)
{
    QByteArray payload(2, '\0');
    qToBigEndian(code, payload.data());
    return payload + reason.toUtf8();
}

// Reads one session entry; problems are named with prefix ("entry 3").
bool importEntry(
    const QJsonObject &entry, const QString &prefix, Session *session, QStringList *problems)
{
    const QJsonValue messagesValue = entry.value(QStringLiteral("_webSocketMessages"));
    if (!messagesValue.isArray()) {
        problems->append(
            QStringLiteral("%1: \"_webSocketMessages\" is not an array: skipped").arg(prefix));
        return false;
    }
    const QJsonObject request = entry.value(QStringLiteral("request")).toObject();
    const QJsonObject response = entry.value(QStringLiteral("response")).toObject();
    session->header.app = QStringLiteral("HAR import");
    const QString urlText = request.value(QStringLiteral("url")).toString();
    session->header.url = QUrl(urlText, QUrl::StrictMode);
    if (!session->header.url.isValid()) {
        problems->append(
            QStringLiteral("%1: the URL '%2' is not valid: left out").arg(prefix, urlText));
        session->header.url = QUrl();
    }
    const QJsonArray requestHeaders = request.value(QStringLiteral("headers")).toArray();
    for (int i = 0; i < requestHeaders.size(); ++i) {
        const QJsonObject header = requestHeaders.at(i).toObject();
        const QString name = header.value(QStringLiteral("name")).toString();
        const QString value = header.value(QStringLiteral("value")).toString();
        if (!ConnectionSettings::isValidToken(name) || value.contains(QLatin1Char('\r'))
            || value.contains(QLatin1Char('\n')) || value.contains(QChar(0))) {
            problems->append(
                QStringLiteral("%1, request header %2: not a valid header name and value: "
                               "skipped")
                    .arg(prefix)
                    .arg(i + 1));
            continue;
        }
        if (name.compare(subprotocolHeader(), Qt::CaseInsensitive) == 0) {
            for (const QString &p : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
                session->header.offeredSubprotocols << p.trimmed();
            continue;
        }
        session->header.requestHeaders.append({name.toLatin1(), value.toUtf8()});
    }

    // Time 0: when the request started, unless a message claims to be earlier.
    const QJsonArray messages = messagesValue.toArray();
    const QDateTime started = QDateTime::fromString(
        entry.value(QStringLiteral("startedDateTime")).toString(), Qt::ISODateWithMs);
    double originMs = started.isValid() ? double(started.toMSecsSinceEpoch()) : qInf();
    auto validTime = [](const QJsonValue &v) {
        return v.isDouble() && std::isfinite(v.toDouble()) && v.toDouble() >= 0
            && v.toDouble() * 1000 <= double(RecordingFormat::MaxWallMs);
    };
    for (const auto &m : messages) {
        const QJsonValue time = m[QStringLiteral("time")];
        if (validTime(time))
            originMs = qMin(originMs, std::floor(time.toDouble() * 1000));
    }
    if (!std::isfinite(originMs))
        originMs = 0;
    session->header.startWallMs = qint64(originMs);
    auto offsetUs
        = [originMs](double seconds) { return qRound64(seconds * 1e6 - originMs * 1000); };

    TrafficEventList &events = session->events.events;
    if (response.value(QStringLiteral("status")).toInt() == 101) {
        TrafficEvent open;
        open.kind = Kind::Open;
        open.direction = Direction::Local;
        const double waitMs
            = entry.value(QStringLiteral("timings"))[QStringLiteral("wait")].toDouble(0);
        open.timeUs = started.isValid() && waitMs > 0 && waitMs < 1e9
            ? qRound64((double(started.toMSecsSinceEpoch()) - originMs + waitMs) * 1000)
            : 0;
        open.text
            = headerValue(response.value(QStringLiteral("headers")).toArray(), subprotocolHeader());
        session->header.subprotocol = open.text;
        events.append(open);
    }
    for (int i = 0; i < messages.size(); ++i) {
        const QString where = QStringLiteral("%1, message %2").arg(prefix).arg(i + 1);
        auto skip = [&](const QString &why) {
            problems->append(QStringLiteral("%1: %2: skipped").arg(where, why));
        };
        if (!messages.at(i).isObject()) {
            skip(QStringLiteral("not an object"));
            continue;
        }
        const QJsonObject message = messages.at(i).toObject();
        const QJsonValue opcodeValue = message.value(QStringLiteral("opcode"));
        const int opcode = opcodeValue.isUndefined() ? OpcodeText : opcodeValue.toInt(-1);
        if (opcode != OpcodeText && opcode != OpcodeBinary && opcode != OpcodeClose) {
            skip(QStringLiteral("\"opcode\" %1 is not 1 (text), 2 (binary) or 8 (close)")
                     .arg(opcodeValue.isDouble() ? QString::number(opcodeValue.toDouble())
                                                 : QStringLiteral("(not a number)")));
            continue;
        }
        const QString type = message.value(QStringLiteral("type")).toString();
        if (type != QLatin1String("send") && type != QLatin1String("receive")) {
            skip(QStringLiteral("\"type\" is not \"send\" or \"receive\""));
            continue;
        }
        const QJsonValue time = message.value(QStringLiteral("time"));
        if (!validTime(time)) {
            skip(time.isDouble() ? QStringLiteral("\"time\" is not a date between 1970 and 9999")
                                 : QStringLiteral("\"time\" is missing or not a number"));
            continue;
        }
        const QJsonValue data = message.value(QStringLiteral("data"));
        if (!data.isString()) {
            skip(QStringLiteral("\"data\" is missing or not a string"));
            continue;
        }
        TrafficEvent e;
        e.direction = type == QLatin1String("send") ? Direction::Outgoing : Direction::Incoming;
        e.timeUs = offsetUs(time.toDouble());
        e.wallMs = session->header.startWallMs + e.timeUs / 1000;
        if (opcode == OpcodeText) {
            e.kind = Kind::Text;
            e.text = data.toString();
            e.size = utf8Size(e.text);
        } else {
            auto decoded = QByteArray::fromBase64Encoding(
                data.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded) {
                skip(QStringLiteral("\"data\" is not base64"));
                continue;
            }
            if (opcode == OpcodeBinary) {
                e.kind = Kind::Binary;
                e.data = *decoded;
                e.size = e.data.size();
            } else {
                e.kind = Kind::Close;
                e.code = (*decoded).size() >= 2 ? qFromBigEndian<quint16>((*decoded).constData())
                                                : 1005;
                e.text = QString::fromUtf8((*decoded).mid(2));
                e.closedBy = e.direction == Direction::Outgoing ? TrafficEvent::Closer::Local
                                                                : TrafficEvent::Closer::Peer;
                e.direction = Direction::Local;
            }
        }
        events.append(e);
    }
    std::stable_sort(events.begin(), events.end(),
        [](const TrafficEvent &a, const TrafficEvent &b) { return a.timeUs < b.timeUs; });
    return true;
}

} // namespace

ImportResult import(const QByteArray &json, SecretRedaction::Policy policy)
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
    if (!log.value(QStringLiteral("entries")).isArray()) {
        result.error = QStringLiteral("not a HAR file: no \"log\" with \"entries\"");
        return result;
    }
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    for (int i = 0; i < entries.size(); ++i) {
        const QJsonObject entry = entries.at(i).toObject();
        if (!entry.contains(QStringLiteral("_webSocketMessages"))) {
            ++result.skippedEntries;
            continue;
        }
        Session session;
        if (!importEntry(entry, QStringLiteral("entry %1").arg(i + 1), &session, &result.problems))
            continue;
        session.header = RecordingFormat::redacted(session.header, policy);
        result.sessions.append(session);
    }
    return result;
}

QByteArray exportSessions(const QList<Session> &sessions, bool keepSecrets)
{
    const SecretRedaction::Policy policy
        = keepSecrets ? SecretRedaction::Policy::Keep : SecretRedaction::Policy::Redact;
    QJsonArray entries;
    for (const Session &original : sessions) {
        const RecordingHeader header = RecordingFormat::redacted(original.header, policy);
        QJsonArray headers;
        for (const HttpHeader &h : header.requestHeaders)
            headers.append(QJsonObject {{QStringLiteral("name"), QString::fromLatin1(h.name)},
                {QStringLiteral("value"), QString::fromUtf8(h.value)}});
        if (!header.offeredSubprotocols.isEmpty())
            headers.append(QJsonObject {{QStringLiteral("name"), subprotocolHeader()},
                {QStringLiteral("value"), header.offeredSubprotocols.join(QStringLiteral(", "))}});
        QString subprotocol = header.subprotocol;
        qint64 openUs = -1;
        QJsonArray messages;
        // Seconds since the epoch, exact to the microsecond once rounded.
        auto epochSeconds
            = [&header](qint64 timeUs) { return double(header.startWallMs * 1000 + timeUs) / 1e6; };
        for (const TrafficEvent &e : original.events.events) {
            if (e.kind == Kind::Open && openUs < 0) {
                openUs = e.timeUs;
                if (subprotocol.isEmpty())
                    subprotocol = e.text;
                continue;
            }
            if (e.kind == Kind::Close && e.closedBy != TrafficEvent::Closer::Network
                && e.closedBy != TrafficEvent::Closer::None) {
                messages.append(QJsonObject {
                    {QStringLiteral("type"),
                        e.closedBy == TrafficEvent::Closer::Local ? QStringLiteral("send")
                                                                  : QStringLiteral("receive")},
                    {QStringLiteral("time"), epochSeconds(e.timeUs)},
                    {QStringLiteral("opcode"), OpcodeClose},
                    {QStringLiteral("data"),
                        QString::fromLatin1(closePayload(e.code, e.text).toBase64())},
                });
                continue;
            }
            if (!e.isMessage() || e.direction == Direction::Local)
                continue;
            const QByteArray payload = original.events.payload(e);
            messages.append(QJsonObject {
                {QStringLiteral("type"),
                    e.direction == Direction::Outgoing ? QStringLiteral("send")
                                                       : QStringLiteral("receive")},
                {QStringLiteral("time"), epochSeconds(e.timeUs)},
                {QStringLiteral("opcode"), e.kind == Kind::Binary ? OpcodeBinary : OpcodeText},
                {QStringLiteral("data"),
                    e.kind == Kind::Binary ? QString::fromLatin1(payload.toBase64())
                                           : QString::fromUtf8(payload)},
            });
        }
        QJsonArray responseHeaders;
        if (!subprotocol.isEmpty())
            responseHeaders.append(QJsonObject {{QStringLiteral("name"), subprotocolHeader()},
                {QStringLiteral("value"), subprotocol}});
        const QString started = QDateTime::fromMSecsSinceEpoch(header.startWallMs, Qt::UTC)
                                    .toString(Qt::ISODateWithMs);
        const double waitMs = openUs >= 0 ? openUs / 1000.0 : 0;
        entries.append(QJsonObject {
            {QStringLiteral("startedDateTime"), started},
            {QStringLiteral("time"), waitMs},
            {QStringLiteral("request"),
                QJsonObject {{QStringLiteral("method"), QStringLiteral("GET")},
                    {QStringLiteral("url"), header.url.toString()},
                    {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                    {QStringLiteral("headers"), headers},
                    {QStringLiteral("queryString"), QJsonArray()},
                    {QStringLiteral("cookies"), QJsonArray()}, {QStringLiteral("headersSize"), -1},
                    {QStringLiteral("bodySize"), 0}}},
            {QStringLiteral("response"),
                QJsonObject {{QStringLiteral("status"), openUs >= 0 ? 101 : 0},
                    {QStringLiteral("statusText"),
                        openUs >= 0 ? QStringLiteral("Switching Protocols") : QString()},
                    {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                    {QStringLiteral("headers"), responseHeaders},
                    {QStringLiteral("cookies"), QJsonArray()},
                    {QStringLiteral("content"),
                        QJsonObject {{QStringLiteral("size"), 0},
                            {QStringLiteral("mimeType"), QStringLiteral("x-unknown")}}},
                    {QStringLiteral("redirectURL"), QString()}, {QStringLiteral("headersSize"), -1},
                    {QStringLiteral("bodySize"), -1}}},
            {QStringLiteral("cache"), QJsonObject()},
            {QStringLiteral("timings"),
                QJsonObject {{QStringLiteral("send"), 0}, {QStringLiteral("wait"), waitMs},
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
