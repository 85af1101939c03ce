#include "RecordingFormat.h"

#include <QDateTime>
#include <QJsonArray>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace RecordingFormat {

namespace {

const char *const kindNames[] = {"text", "binary", "ping", "pong", "connecting", "open", "close",
    "error", "pong-timeout", "heartbeat", "note", "handshake", "close-frame", "fault"};
static_assert(std::size(kindNames) == int(Kind::Fault) + 1, "one file name per kind");

// Appends s as a JSON string literal.
void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    qsizetype runStart = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const uchar c = uchar(utf8.at(i));
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(utf8.data() + runStart, i - runStart);
        runStart = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out.append(utf8.data() + runStart, utf8.size() - runStart);
    out += '"';
}

void appendJsonString(QByteArray &out, const QString &s)
{
    appendJsonString(out, QByteArrayView(s.toUtf8()));
}

const char *directionName(Direction d)
{
    return d == Direction::Incoming ? "in" : d == Direction::Outgoing ? "out" : "local";
}

} // namespace

bool isSecretHeader(const QByteArray &name)
{
    const QByteArray lower = name.toLower();
    return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie"
        || lower == "sec-websocket-key";
}

QList<HttpHeader> redactedHeaders(const QList<HttpHeader> &headers, bool keepSecrets)
{
    QList<HttpHeader> result = headers;
    if (!keepSecrets) {
        for (HttpHeader &h : result) {
            if (isSecretHeader(h.name))
                h.value = Redacted;
        }
    }
    return result;
}

QByteArray redactedHead(const QByteArray &head, bool keepSecrets)
{
    if (keepSecrets)
        return head;
    QList<QByteArray> lines = head.split('\n');
    for (QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        if (isSecretHeader(name) || name.compare("set-cookie", Qt::CaseInsensitive) == 0)
            line = name + ": " + Redacted + (line.endsWith('\r') ? "\r" : "");
    }
    return lines.join('\n');
}

TrafficBatch redactedForRecording(const TrafficBatch &batch, bool keepSecrets)
{
    if (keepSecrets)
        return batch;
    TrafficBatch result = batch;
    bool changed = false;
    for (TrafficEvent &e : result.events) {
        if (e.kind != Kind::Handshake)
            continue;
        e.data = redactedHead(e.data, false);
        e.text = QString::fromLatin1(redactedHead(e.text.toLatin1(), false));
        changed = true;
    }
    return changed ? result : batch;
}

QString kindName(Kind kind)
{
    return QString::fromLatin1(kindNames[int(kind)]);
}

bool kindFromName(const QString &name, Kind *kind)
{
    for (int i = 0; i < int(std::size(kindNames)); ++i) {
        if (name == QLatin1String(kindNames[i])) {
            *kind = Kind(i);
            return true;
        }
    }
    return false;
}

QByteArray headerLine(const RecordingHeader &header)
{
    QByteArray out = "{\"format\":\"";
    out += FormatName;
    out += "\",\"version\":" + QByteArray::number(Version) + ",\"app\":";
    appendJsonString(out, header.app);
    out += ",\"url\":";
    appendJsonString(out, header.url.toString());
    out += ",\"requestHeaders\":[";
    for (qsizetype i = 0; i < header.requestHeaders.size(); ++i) {
        out += i ? ",[" : "[";
        appendJsonString(out, QByteArrayView(header.requestHeaders.at(i).name));
        out += ',';
        appendJsonString(out, QByteArrayView(header.requestHeaders.at(i).value));
        out += ']';
    }
    out += "],\"offeredSubprotocols\":[";
    for (qsizetype i = 0; i < header.offeredSubprotocols.size(); ++i) {
        if (i)
            out += ',';
        appendJsonString(out, header.offeredSubprotocols.at(i));
    }
    out += "],\"subprotocol\":";
    appendJsonString(out, header.subprotocol);
    out += ",\"startTime\":";
    appendJsonString(out,
        QDateTime::fromMSecsSinceEpoch(header.startWallMs, Qt::UTC).toString(Qt::ISODateWithMs));
    out += ",\"startUnixMs\":" + QByteArray::number(header.startWallMs) + "}\n";
    return out;
}

void appendEventLines(const TrafficBatch &batch, QByteArray &out)
{
    for (const TrafficEvent &e : batch.events) {
        out += "{\"timeUs\":";
        out += QByteArray::number(e.timeUs);
        out += ",\"direction\":\"";
        out += directionName(e.direction);
        out += "\",\"kind\":\"";
        out += kindNames[int(e.kind)];
        out += '"';
        if (e.hasPayload()) {
            out += ",\"size\":" + QByteArray::number(e.size) + ",\"payload\":";
            if (e.kind == Kind::Text) {
                if (e.payloadOffset >= 0)
                    appendJsonString(out, batch.payloadView(e));
                else
                    appendJsonString(out, e.text);
            } else {
                out += '"' + batch.payloadView(e).toByteArray().toBase64() + '"';
            }
        }
        if (e.hasWireInfo()) {
            // How it was framed: [frames, bytes on the wire, first opcode, FrameFlag bits].
            out += ",\"wire\":[" + QByteArray::number(e.frames) + ','
                + QByteArray::number(e.wireSize) + ',' + QByteArray::number(e.opcode) + ','
                + QByteArray::number(e.frameFlags) + ']';
        }
        switch (e.kind) {
        case Kind::CloseFrame:
            out += ",\"code\":" + QByteArray::number(e.code) + ",\"reason\":";
            appendJsonString(out, e.text);
            break;
        case Kind::Handshake:
            out += ",\"httpStatus\":" + QByteArray::number(e.code) + ",\"request\":";
            appendJsonString(out, QString::fromLatin1(e.data));
            out += ",\"response\":";
            appendJsonString(out, e.text);
            break;
        case Kind::Ping:
        case Kind::Pong:
        case Kind::PongTimeout:
            out += ",\"sequence\":" + QByteArray::number(e.sequence);
            if (e.durationUs >= 0)
                out += (e.kind == Kind::Pong ? ",\"rttUs\":" : ",\"waitedUs\":")
                    + QByteArray::number(e.durationUs);
            break;
        case Kind::Close:
            out += ",\"code\":" + QByteArray::number(e.code) + ",\"reason\":";
            appendJsonString(out, e.text);
            out += ",\"closedBy\":\"";
            out += TrafficEvent::closerName(e.closedBy).toLatin1();
            out += '"';
            if (e.transportEnd != TrafficEvent::TransportEnd::Unknown) {
                out += ",\"transport\":";
                appendJsonString(out, TrafficEvent::transportEndName(e.transportEnd));
            }
            break;
        case Kind::Error:
            if (e.code)
                out += ",\"httpStatus\":" + QByteArray::number(e.code);
            Q_FALLTHROUGH();
        default:
            if (!e.text.isEmpty() && e.kind != Kind::Text) {
                out += ",\"text\":";
                appendJsonString(out, e.text);
            }
            break;
        }
        out += "}\n";
    }
}

bool parseHeader(const QJsonObject &o, RecordingHeader *header, QString *error)
{
    if (o.value(QStringLiteral("format")).toString() != QLatin1String(FormatName)) {
        *error = QStringLiteral(
            "it is JSON, but not a Sockscope recording (the first line has no \"format\": \"%1\")")
                     .arg(QLatin1String(FormatName));
        return false;
    }
    const int version = o.value(QStringLiteral("version")).toInt(0);
    if (version < 1) {
        *error = QStringLiteral("its header has no valid \"version\"");
        return false;
    }
    if (version > Version) {
        *error = QStringLiteral("it is a version %1 recording; this Sockscope reads version %2 "
                                "(update Sockscope to open it)")
                     .arg(version)
                     .arg(Version);
        return false;
    }
    header->version = version;
    header->app = o.value(QStringLiteral("app")).toString();
    header->url = QUrl(o.value(QStringLiteral("url")).toString());
    header->subprotocol = o.value(QStringLiteral("subprotocol")).toString();
    header->startWallMs = qint64(o.value(QStringLiteral("startUnixMs")).toDouble());
    if (header->startWallMs == 0) {
        const QDateTime start = QDateTime::fromString(
            o.value(QStringLiteral("startTime")).toString(), Qt::ISODateWithMs);
        header->startWallMs = start.isValid() ? start.toMSecsSinceEpoch() : 0;
    }
    header->requestHeaders.clear();
    for (const QJsonValue &pair : o.value(QStringLiteral("requestHeaders")).toArray()) {
        const QJsonArray a = pair.toArray();
        if (a.size() == 2)
            header->requestHeaders.append(
                {a.at(0).toString().toLatin1(), a.at(1).toString().toUtf8()});
    }
    header->offeredSubprotocols.clear();
    for (const QJsonValue &p : o.value(QStringLiteral("offeredSubprotocols")).toArray())
        header->offeredSubprotocols << p.toString();
    return true;
}

bool parseEvent(const QJsonObject &o, TrafficEvent *event, QString *error)
{
    const QJsonValue time = o.value(QStringLiteral("timeUs"));
    if (!time.isDouble()) {
        *error = QStringLiteral("no \"timeUs\" number");
        return false;
    }
    TrafficEvent e;
    e.timeUs = qint64(time.toDouble());
    const QString kind = o.value(QStringLiteral("kind")).toString();
    if (!kindFromName(kind, &e.kind)) {
        if (kind.isEmpty()) {
            *error = QStringLiteral("no \"kind\"");
            return false;
        }
        e.kind = Kind::Note; // a kind from a later version 1 writer: keep it as a note
        e.text = QStringLiteral("%1 event").arg(kind);
    }
    const QString direction = o.value(QStringLiteral("direction")).toString();
    e.direction = direction == QLatin1String("in") ? Direction::Incoming
        : direction == QLatin1String("out")        ? Direction::Outgoing
                                                   : Direction::Local;
    if (e.hasPayload()) {
        const QJsonValue payload = o.value(QStringLiteral("payload"));
        if (!payload.isString()) {
            *error = QStringLiteral("a %1 event without a \"payload\" string").arg(kind);
            return false;
        }
        if (e.kind == Kind::Text) {
            e.text = payload.toString();
            e.size = utf8Size(e.text);
        } else {
            auto decoded = QByteArray::fromBase64Encoding(
                payload.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded) {
                *error = QStringLiteral("the payload of a %1 event is not base64").arg(kind);
                return false;
            }
            e.data = *decoded;
            e.size = e.data.size();
        }
    }
    e.sequence = quint32(o.value(QStringLiteral("sequence")).toInteger());
    if (o.contains(QStringLiteral("rttUs")))
        e.durationUs = o.value(QStringLiteral("rttUs")).toInteger();
    if (o.contains(QStringLiteral("waitedUs")))
        e.durationUs = o.value(QStringLiteral("waitedUs")).toInteger();
    if (e.kind == Kind::Close) {
        e.code = quint16(o.value(QStringLiteral("code")).toInt());
        e.text = o.value(QStringLiteral("reason")).toString();
        const QString by = o.value(QStringLiteral("closedBy")).toString();
        e.closedBy = by == QLatin1String("client") ? TrafficEvent::Closer::Local
            : by == QLatin1String("server")        ? TrafficEvent::Closer::Peer
            : by == QLatin1String("network")       ? TrafficEvent::Closer::Network
                                                   : TrafficEvent::Closer::None;
    } else if (!e.hasPayload() && o.contains(QStringLiteral("text"))) {
        e.text = o.value(QStringLiteral("text")).toString();
    }
    if (e.kind == Kind::Error || e.kind == Kind::Handshake)
        e.code = quint16(o.value(QStringLiteral("httpStatus")).toInt());
    if (e.kind == Kind::Handshake) {
        e.data = o.value(QStringLiteral("request")).toString().toLatin1();
        e.text = o.value(QStringLiteral("response")).toString();
    } else if (e.kind == Kind::CloseFrame) {
        e.code = quint16(o.value(QStringLiteral("code")).toInt());
        e.text = o.value(QStringLiteral("reason")).toString();
    } else if (e.kind == Kind::Close) {
        const QString transport = o.value(QStringLiteral("transport")).toString();
        for (int i = 1; i <= int(TrafficEvent::TransportEnd::Timeout); ++i) {
            if (transport == TrafficEvent::transportEndName(TrafficEvent::TransportEnd(i)))
                e.transportEnd = TrafficEvent::TransportEnd(i);
        }
    }
    const QJsonArray wire = o.value(QStringLiteral("wire")).toArray();
    if (wire.size() == 4) {
        e.frames = quint32(qBound<qint64>(0, wire.at(0).toInteger(), 0xffffffff));
        e.wireSize = qMax<qint64>(0, wire.at(1).toInteger());
        e.opcode = quint8(wire.at(2).toInt() & 0x0f);
        e.frameFlags = quint8(wire.at(3).toInt() & 0xff) | TrafficEvent::WireInfo;
    }
    *event = e;
    return true;
}

} // namespace RecordingFormat
