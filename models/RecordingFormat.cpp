#include "RecordingFormat.h"

#include "ByteScan.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QtAlgorithms>

#include <array>
#include <cstring>
#include <limits>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace RecordingFormat {

namespace {

const char *const kindNames[] = {"text", "binary", "ping", "pong", "connecting", "open", "close",
    "error", "pong-timeout", "heartbeat", "note", "handshake", "close-frame", "fault", "script"};
static_assert(std::size(kindNames) == int(Kind::Script) + 1, "one file name per kind");

// Appends s as a JSON string literal.
template<qsizetype N> void appendLiteral(QByteArray &out, const char (&text)[N])
{
    out.append(text, N - 1);
}

// "00" to "99": integers are written two digits at a time.
struct DigitPairs
{
    char text[200] = {};
    constexpr DigitPairs()
    {
        for (size_t i = 0; i < 100; ++i) {
            text[2 * i] = char('0' + i / 10);
            text[2 * i + 1] = char('0' + i % 10);
        }
    }
};
constexpr DigitPairs digitPairs;

// The raw-pointer writers of the line formatter: the caller made room for the worst case.
template<qsizetype N> char *put(char *p, const char (&text)[N])
{
    std::memcpy(p, text, N - 1);
    return p + N - 1;
}

// Decimal digits of u: 1 to 20. From the bit length, without a loop (log10(2) ~ 1233 / 4096).
int digitCount(quint64 u)
{
    static constexpr std::array<quint64, 20> powersOfTen = [] {
        std::array<quint64, 20> powers = {};
        quint64 power = 1;
        for (quint64 &p : powers) {
            p = power;
            power *= 10;
        }
        return powers;
    }();
    const int bits = 64 - int(qCountLeadingZeroBits(u | 1));
    const int log10 = ((bits * 1233) >> 12) - int(u < powersOfTen[size_t((bits * 1233) >> 12)]);
    return qMax(log10, 0) + 1;
}

// Written in place from the last digit back, two at a time: no scratch buffer, no copy.
char *putInt(char *p, qint64 value)
{
    if (value < 0)
        *p++ = '-';
    quint64 u = value < 0 ? 0 - quint64(value) : quint64(value);
    char *const end = p + digitCount(u);
    char *d = end;
    while (u >= 100) {
        d -= 2;
        std::memcpy(d, digitPairs.text + 2 * (u % 100), 2);
        u /= 100;
    }
    if (u >= 10)
        std::memcpy(d - 2, digitPairs.text + 2 * u, 2);
    else
        d[-1] = char('0' + u);
    return end;
}

void appendInt(QByteArray &out, qint64 value)
{
    char digits[24];
    out.append(digits, putInt(digits, value) - digits);
}

// Bytes a JSON string cannot hold as they are: controls, the quote and the backslash.
struct JsonSpecials
{
    bool byte[256] = {};
    constexpr JsonSpecials()
    {
        for (int c = 0; c < 0x20; ++c)
            byte[c] = true;
        byte[int('"')] = true;
        byte[int('\\')] = true;
    }
};
constexpr JsonSpecials jsonSpecials;

// The high bit of each byte of word that may need escaping in a JSON string: a control, '"' or
// '\\' (one test for the three; a set bit can be a false alarm after a real one, never a miss).
constexpr quint64 jsonSpecialBits(quint64 word)
{
    using namespace ByteScan;
    const quint64 quote = word ^ (Ones * '"');
    const quint64 backslash = word ^ (Ones * '\\');
    return (((word - Ones * 0x20) & ~word) | ((quote - Ones) & ~quote)
               | ((backslash - Ones) & ~backslash))
        & Highs;
}

// Writes utf8 escaped for a JSON string, without the quotes; needs room for 6 bytes per input byte.
char *putJsonChars(char *p, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    const char *c = utf8.data();
    const char *const end = c + utf8.size();
    for (;;) {
        // Plain text is copied a block at a time as it is checked (the room for escaping the
        // rest covers a block stored past the first special byte).
        ByteScan::copyPlainBlocks(c, end, p, '"', '\\');
        while (end - c >= 8) {
            const quint64 w = ByteScan::load(c);
            if (jsonSpecialBits(w) != 0)
                break;
            std::memcpy(p, &w, 8);
            p += 8;
            c += 8;
        }
        if (c == end)
            break;
        const uchar u = uchar(*c++);
        if (!jsonSpecials.byte[u]) {
            *p++ = char(u);
            continue;
        }
        *p++ = '\\';
        switch (u) {
        case '"':
        case '\\':
            *p++ = char(u);
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        default:
            p = put(p, "u00");
            *p++ = hex[u >> 4];
            *p++ = hex[u & 15];
        }
    }
    return p;
}

char *putBase64(char *p, QByteArrayView bytes)
{
    static const char alphabet[]
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto *b = reinterpret_cast<const uchar *>(bytes.data());
    qsizetype i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const quint32 v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63];
        *p++ = alphabet[v & 63];
    }
    if (i < bytes.size()) {
        const quint32 v = (b[i] << 16) | (i + 1 < bytes.size() ? b[i + 1] << 8 : 0);
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
        *p++ = '=';
    }
    return p;
}

// The "wire" field, when it says more than the event's kind, direction and size do.
char *putWire(char *p, const TrafficEvent &e)
{
    if (e.hasPlainWire())
        return p;
    if (!e.hasWireInfo())
        return e.hasPayload() ? put(p, ",\"wire\":[]") : p;
    // How it was framed: [frames, bytes on the wire, first opcode, FrameFlag bits].
    p = put(p, ",\"wire\":[");
    p = putInt(p, e.frames);
    *p++ = ',';
    p = putInt(p, e.wireSize);
    *p++ = ',';
    p = putInt(p, e.opcode);
    *p++ = ',';
    p = putInt(p, e.frameFlags);
    *p++ = ']';
    return p;
}
constexpr qsizetype MaxWireBytes = 80;

void appendWire(QByteArray &out, const TrafficEvent &e)
{
    char field[MaxWireBytes];
    out.append(field, putWire(field, e) - field);
}

// The start of a message line, up to the first byte of its payload: the messages of one read
// share their time, so in a flood most lines start as the one before did, and it is copied whole.
struct MessageLineStart
{
    // The longest start: a 20-character time, "out" and "binary" (76 bytes).
    static constexpr qsizetype Room = 80;

    qint64 timeUs = std::numeric_limits<qint64>::min();
    Kind kind = Kind::Note;
    Direction direction = Direction::Local;
    char text[Room] = {};
    qsizetype size = 0;

    // Needs Room bytes at p, whatever the start's length: the copy has one fixed size.
    char *write(char *p, const TrafficEvent &e)
    {
        if (e.timeUs != timeUs || e.kind != kind || e.direction != direction) {
            timeUs = e.timeUs;
            kind = e.kind;
            direction = e.direction;
            char *q = put(text, "{\"timeUs\":");
            q = putInt(q, timeUs);
            // No "size": it is the payload's length, which readers take from the payload.
            q = direction == Direction::Incoming ? put(q, ",\"direction\":\"in\"")
                                                 : put(q, ",\"direction\":\"out\"");
            q = kind == Kind::Text ? put(q, ",\"kind\":\"text\",\"payload\":\"")
                                   : put(q, ",\"kind\":\"binary\",\"payload\":\"");
            size = q - text;
        }
        std::memcpy(p, text, Room);
        return p + size;
    }
};

// Room for the longest message line with this payload.
qsizetype messageLineBound(const TrafficEvent &e, qsizetype payloadBytes)
{
    return MessageLineStart::Room + 48 + MaxWireBytes
        + (e.kind == Kind::Text ? payloadBytes * 6 : (payloadBytes + 2) / 3 * 4);
}

// The line of a message whose payload is in the batch's buffer: the flood case, written
// straight to p without a call per field.
char *putMessageLine(
    char *p, QByteArrayView payload, const TrafficEvent &e, MessageLineStart &start)
{
    p = start.write(p, e);
    p = e.kind == Kind::Text ? putJsonChars(p, payload) : putBase64(p, payload);
    *p++ = '"';
    if (!e.hasPlainWire())
        p = putWire(p, e);
    return put(p, "}\n");
}

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

// The events that can hold a URL or request headers.
bool holdsSecrets(const TrafficEvent &e)
{
    return e.kind == Kind::Connecting || e.kind == Kind::Handshake;
}

TrafficEvent redactedEvent(const TrafficEvent &event)
{
    TrafficEvent e = event;
    if (e.kind == Kind::Connecting) {
        e.text = SecretRedaction::urlText(e.text);
    } else if (e.kind == Kind::Handshake) {
        e.data = SecretRedaction::httpHead(e.data);
        e.text = QString::fromUtf8(SecretRedaction::httpHead(e.text.toUtf8()));
    }
    return e;
}

} // namespace

bool isSecretHeader(const QByteArray &name)
{
    return SecretRedaction::isSecretHeader(name);
}

QList<HttpHeader> redactedHeaders(const QList<HttpHeader> &headers, bool keepSecrets)
{
    return keepSecrets ? headers : SecretRedaction::headers(headers);
}

RecordingHeader redacted(const RecordingHeader &header, SecretRedaction::Policy policy)
{
    if (policy == SecretRedaction::Policy::Keep)
        return header;
    RecordingHeader result = header;
    result.url = SecretRedaction::url(header.url);
    result.requestHeaders = SecretRedaction::headers(header.requestHeaders);
    return result;
}

TrafficBatch redacted(const TrafficBatch &batch, SecretRedaction::Policy policy)
{
    if (policy == SecretRedaction::Policy::Keep)
        return batch;
    if (std::none_of(batch.events.cbegin(), batch.events.cend(), holdsSecrets))
        return batch;
    TrafficBatch result = batch;
    for (TrafficEvent &e : result.events) {
        if (holdsSecrets(e))
            e = redactedEvent(e);
    }
    return result;
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

QString numberedPath(const QString &path, int index)
{
    if (index == 0)
        return path;
    const QFileInfo info(path);
    const QString name = info.fileName();
    const qsizetype dot = name.indexOf(QLatin1Char('.'), 1);
    const QString base = dot < 0 ? name : name.left(dot);
    const QString extension = dot < 0 ? QString() : name.mid(dot);
    return info.dir().filePath(QStringLiteral("%1-%2%3").arg(base).arg(index + 1).arg(extension));
}

RecordingHeader headerFor(
    const ConnectionSettings &settings, const QString &app, qint64 startWallMs)
{
    RecordingHeader header;
    header.app = app;
    header.url = settings.url;
    header.requestHeaders = settings.headers;
    if (!settings.origin.isEmpty())
        header.requestHeaders.prepend({"Origin", settings.origin.toUtf8()});
    header.offeredSubprotocols = settings.subprotocols;
    header.startWallMs = startWallMs;
    return header;
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
    out += ",\"startUnixMs\":" + QByteArray::number(header.startWallMs);
    // appendEventLines leaves out the wire info of plain frames: say so to readers.
    out += ",\"plainWireOmitted\":true}\n";
    return out;
}

void appendEventLines(const TrafficBatch &batch, QByteArray &out, SecretRedaction::Policy policy)
{
    // The hot path of recording a flood: message lines are written through a pointer into room
    // made ahead (out grows geometrically and the writer keeps its capacity between flushes);
    // out.size() is only set right when another kind of line is appended, and at the end.
    qsizetype used = out.size();
    MessageLineStart start;
    for (const TrafficEvent &event : batch.events) {
        if (event.isMessage() && event.payloadOffset >= 0 && event.direction != Direction::Local
            && event.origin == TrafficEvent::Origin::Peer) {
            const QByteArrayView payload(
                batch.payloads.constData() + event.payloadOffset, event.size);
            const qsizetype bound = messageLineBound(event, payload.size());
            if (out.size() - used < bound)
                out.resize(used + qMax<qsizetype>(bound, 64 * 1024));
            char *const begin = out.data() + used;
            used += putMessageLine(begin, payload, event, start) - begin;
            continue;
        }
        out.resize(used);
        // Only these events can hold a URL or request headers: redact a copy of them.
        const bool redact = policy == SecretRedaction::Policy::Redact && holdsSecrets(event);
        TrafficEvent redactedCopy;
        if (redact)
            redactedCopy = redactedEvent(event);
        const TrafficEvent &e = redact ? redactedCopy : event;
        appendLiteral(out, "{\"timeUs\":");
        appendInt(out, e.timeUs);
        appendLiteral(out, ",\"direction\":\"");
        const char *direction = directionName(e.direction);
        out.append(direction, qsizetype(std::strlen(direction)));
        appendLiteral(out, "\",\"kind\":\"");
        const char *kind = kindNames[int(e.kind)];
        out.append(kind, qsizetype(std::strlen(kind)));
        out.append('"');
        if (e.hasPayload()) {
            appendLiteral(out, ",\"payload\":");
            if (e.kind == Kind::Text) {
                if (e.payloadOffset >= 0)
                    appendJsonString(out, batch.payloadView(e));
                else
                    appendJsonString(out, e.text);
            } else {
                out.append('"');
                out.append(batch.payloadView(e).toByteArray().toBase64());
                out.append('"');
            }
        }
        appendWire(out, e);
        if (e.isMessage() && e.origin != TrafficEvent::Origin::Peer) {
            appendLiteral(out, ",\"origin\":\"");
            out += TrafficEvent::originName(e.origin).toLatin1();
            out += '"';
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
            if (e.kind == Kind::PongTimeout && !e.text.isEmpty()) {
                out += ",\"text\":";
                appendJsonString(out, e.text);
            }
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
        case Kind::Script:
            // code: TrafficEvent::ScriptNote; sequence: the script's line; reason: why a test
            // failed.
            out += ",\"code\":" + QByteArray::number(e.code)
                + ",\"sequence\":" + QByteArray::number(e.sequence) + ",\"text\":";
            appendJsonString(out, e.text);
            if (!e.data.isEmpty()) {
                out += ",\"reason\":";
                appendJsonString(out, QString::fromUtf8(e.data));
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
        used = out.size();
    }
    out.resize(used);
}

bool parseHeader(
    const QJsonObject &o, RecordingHeader *header, QString *error, QStringList *warnings)
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
    auto warn = [warnings](const QString &text) {
        if (warnings)
            warnings->append(text);
    };
    header->version = version;
    header->app = o.value(QStringLiteral("app")).toString();
    const QString urlText = o.value(QStringLiteral("url")).toString();
    header->url = QUrl(urlText, QUrl::StrictMode);
    if (!urlText.isEmpty() && !header->url.isValid()) {
        warn(QStringLiteral("the header's \"url\" '%1' is not a valid URL (%2)")
                 .arg(urlText, header->url.errorString()));
        header->url = QUrl();
    }
    header->subprotocol = o.value(QStringLiteral("subprotocol")).toString();
    header->startWallMs = 0;
    const QJsonValue unixMs = o.value(QStringLiteral("startUnixMs"));
    if (!unixMs.isUndefined()) {
        const double ms = unixMs.toDouble(-1);
        if (ms >= 0 && ms <= double(MaxWallMs))
            header->startWallMs = qint64(ms);
        else
            warn(QStringLiteral("the header's \"startUnixMs\" is not a time between 1970 and "
                                "9999: the start time is unknown"));
    }
    if (header->startWallMs == 0) {
        const QDateTime start = QDateTime::fromString(
            o.value(QStringLiteral("startTime")).toString(), Qt::ISODateWithMs);
        if (start.isValid() && start.toMSecsSinceEpoch() >= 0
            && start.toMSecsSinceEpoch() <= MaxWallMs)
            header->startWallMs = start.toMSecsSinceEpoch();
    }
    header->requestHeaders.clear();
    const QJsonArray requestHeaders = o.value(QStringLiteral("requestHeaders")).toArray();
    for (const auto &pair : requestHeaders) {
        const QJsonArray a = pair.toArray();
        if (a.size() == 2)
            header->requestHeaders.append(
                {a.at(0).toString().toLatin1(), a.at(1).toString().toUtf8()});
    }
    header->offeredSubprotocols.clear();
    const QJsonArray offered = o.value(QStringLiteral("offeredSubprotocols")).toArray();
    for (const auto &p : offered)
        header->offeredSubprotocols << p.toString();
    header->plainWireOmitted = o.value(QStringLiteral("plainWireOmitted")).toBool(false);
    return true;
}

namespace {

using Field = EventFields::String;

bool isUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const auto *end = p + bytes.size();
    while (p < end) {
        const uchar c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int more = 0;
        uint code = 0;
        if (c >= 0xc2 && c <= 0xdf) {
            more = 1;
            code = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            code = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            code = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= more)
            return false;
        for (int i = 1; i <= more; ++i) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            code = (code << 6) | (p[i] & 0x3f);
        }
        // Overlong forms, surrogates and code points past U+10FFFF.
        if ((more == 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff)))
            || (more == 3 && (code < 0x10000 || code > 0x10ffff)))
            return false;
        p += more + 1;
    }
    return true;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// True when none of the 8 bytes needs a closer look in a JSON string: no byte below 0x20, none
// from 0x80 (UTF-8 to validate), no quote and no backslash.
inline bool isPlainAscii8(quint64 w)
{
    constexpr quint64 ones = 0x0101010101010101ULL;
    constexpr quint64 highs = 0x8080808080808080ULL;
    auto hasZeroByte = [](quint64 v) { return (v - ones) & ~v & highs; };
    return !((w | (((w & ~highs) + ones * (0x80 - 0x20)) ^ highs)) & highs) // < 0x20 or >= 0x80
        && !hasZeroByte(w ^ (ones * '"')) && !hasZeroByte(w ^ (ones * '\\'));
}

// A JSON string starting after its opening quote; pos ends after the closing quote. Escapes are
// decoded into *decoded (untouched when there are none). False when the line needs Qt's parser.
bool scanString(QByteArrayView line, qsizetype &pos, QByteArrayView *view, QByteArray *decoded)
{
    const qsizetype start = pos;
    const char *data = line.data();
    const qsizetype size = line.size();
    qsizetype i = start;
    bool ascii = true;
    // Eight bytes at a time through plain ASCII, the bulk of every payload.
    while (i + 8 <= size) {
        quint64 w;
        memcpy(&w, data + i, 8);
        if (!isPlainAscii8(w))
            break;
        i += 8;
    }
    for (; i < size; ++i) {
        const uchar c = uchar(data[i]);
        if (c == '"' || c == '\\' || c < 0x20)
            break;
        ascii = ascii && c < 0x80;
    }
    if (i < size && data[i] == '"') {
        *view = line.sliced(start, i - start);
        pos = i + 1;
        return ascii || isUtf8(*view);
    }
    if (i >= size || data[i] != '\\')
        return false;
    decoded->clear();
    decoded->append(data + start, i - start);
    while (i < size) {
        const char c = data[i];
        if (c == '"') {
            pos = i + 1;
            *view = QByteArrayView(*decoded);
            return isUtf8(*view);
        }
        if (uchar(c) < 0x20)
            return false;
        if (c != '\\') {
            decoded->append(c);
            ++i;
            continue;
        }
        if (i + 1 >= size)
            return false;
        const char e = data[i + 1];
        i += 2;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            decoded->append(e);
            break;
        case 'b':
            decoded->append('\b');
            break;
        case 'f':
            decoded->append('\f');
            break;
        case 'n':
            decoded->append('\n');
            break;
        case 'r':
            decoded->append('\r');
            break;
        case 't':
            decoded->append('\t');
            break;
        case 'u': {
            if (i + 4 > size)
                return false;
            uint code = 0;
            for (int k = 0; k < 4; ++k) {
                const int v = hexValue(data[i + k]);
                if (v < 0)
                    return false;
                code = code * 16 + uint(v);
            }
            i += 4;
            if (code >= 0xd800 && code <= 0xdfff)
                return false; // surrogate pairs: left to Qt
            const char32_t c32 = code;
            decoded->append(QString::fromUcs4(&c32, 1).toUtf8());
            break;
        }
        default:
            return false;
        }
    }
    return false;
}

bool scanInteger(QByteArrayView line, qsizetype &pos, qint64 *value)
{
    const char *data = line.data();
    const qsizetype size = line.size();
    qsizetype i = pos;
    const bool negative = i < size && data[i] == '-';
    if (negative)
        ++i;
    const qsizetype digitsStart = i;
    quint64 v = 0;
    while (i < size && data[i] >= '0' && data[i] <= '9') {
        if (i - digitsStart >= 17)
            return false; // large numbers: left to Qt (as doubles)
        v = v * 10 + quint64(data[i] - '0');
        ++i;
    }
    if (i == digitsStart || (data[digitsStart] == '0' && i - digitsStart > 1))
        return false;
    if (i < size && (data[i] == '.' || data[i] == 'e' || data[i] == 'E'))
        return false;
    *value = negative ? -qint64(v) : qint64(v);
    pos = i;
    return true;
}

void skipSpace(QByteArrayView line, qsizetype &pos)
{
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t' || line[pos] == '\r'))
        ++pos;
}

// The fields an event line can have: their index in EventFields::strings, or one of these.
enum : int {
    UnknownField = -1,
    TimeField = 100,
    SequenceField,
    CodeField,
    HttpStatusField,
    RttField,
    WaitedField,
    WireField
};

int fieldOf(QByteArrayView key)
{
    static constexpr struct
    {
        QByteArrayView name;
        int field;
    } names[] = {{"timeUs", TimeField}, {"direction", Field::Direction}, {"kind", Field::Kind},
        {"size", UnknownField}, {"payload", Field::Payload}, {"sequence", SequenceField},
        {"rttUs", RttField}, {"waitedUs", WaitedField}, {"code", CodeField},
        {"reason", Field::Reason}, {"closedBy", Field::ClosedBy}, {"text", Field::Text},
        {"httpStatus", HttpStatusField}, {"wire", WireField}, {"request", Field::Request},
        {"response", Field::Response}, {"transport", Field::Transport}, {"origin", Field::Origin}};
    for (const auto &n : names) {
        if (n.name.size() == key.size()
            && memcmp(n.name.data(), key.data(), size_t(key.size())) == 0)
            return n.field;
    }
    return UnknownField;
}

qint64 *integerField(int field, EventFields *f)
{
    switch (field) {
    case SequenceField:
        return &f->sequence;
    case CodeField:
        return &f->code;
    case HttpStatusField:
        return &f->httpStatus;
    case RttField:
        return &f->rttUs;
    case WaitedField:
        return &f->waitedUs;
    default:
        return nullptr;
    }
}

} // namespace

bool scanEventLine(QByteArrayView line, EventFields *f)
{
    qsizetype pos = 0;
    skipSpace(line, pos);
    if (pos >= line.size() || line[pos] != '{')
        return false;
    ++pos;
    QByteArray keyStorage;
    QByteArray scratch;
    for (;;) {
        skipSpace(line, pos);
        if (pos >= line.size() || line[pos] != '"')
            return false;
        ++pos;
        QByteArrayView key;
        if (!scanString(line, pos, &key, &keyStorage) || key.data() == keyStorage.constData())
            return false; // escaped keys: left to Qt
        skipSpace(line, pos);
        if (pos >= line.size() || line[pos] != ':')
            return false;
        ++pos;
        skipSpace(line, pos);
        if (pos >= line.size())
            return false;
        const char c = line[pos];
        const int field = fieldOf(key);
        const bool isString = field >= 0 && field < Field::StringCount;
        if (c == '"') {
            ++pos;
            QByteArray &storage = isString ? f->owned[field] : scratch;
            QByteArrayView value;
            if (!scanString(line, pos, &value, &storage))
                return false;
            if (isString) {
                f->strings[field] = value;
                f->hasString[field] = true;
                if (field == Field::Payload)
                    f->payloadIsString = true;
            }
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            qint64 value = 0;
            if (!scanInteger(line, pos, &value))
                return false;
            if (field == TimeField) {
                f->timeUs = double(value);
                f->hasTime = true;
            } else if (qint64 *target = integerField(field, f)) {
                *target = value;
            } else if (isString) {
                return false; // a number where a string belongs: left to Qt
            }
        } else if (c == '[' && field == WireField) { // [frames, wire bytes, opcode, flags]
            ++pos;
            skipSpace(line, pos);
            const bool empty = pos < line.size() && line[pos] == ']';
            if (empty) {
                ++pos;
                f->wireUnknown = true;
            }
            for (int i = 0; i < 4 && !empty; ++i) {
                skipSpace(line, pos);
                if (!scanInteger(line, pos, &f->wire[i]))
                    return false;
                skipSpace(line, pos);
                if (pos >= line.size() || line[pos] != (i < 3 ? ',' : ']'))
                    return false;
                ++pos;
            }
            f->hasWire = !empty;
        } else {
            return false; // true, false, null, other nested values: left to Qt
        }
        skipSpace(line, pos);
        if (pos >= line.size())
            return false;
        if (line[pos] == ',') {
            ++pos;
            continue;
        }
        if (line[pos] != '}')
            return false;
        ++pos;
        skipSpace(line, pos);
        return pos == line.size();
    }
}

bool fieldsFromObject(const QJsonObject &o, EventFields *f)
{
    const QJsonValue time = o.value(QStringLiteral("timeUs"));
    f->hasTime = time.isDouble();
    f->timeUs = time.toDouble();
    static const char *const stringNames[] = {"kind", "direction", "payload", "reason", "closedBy",
        "text", "request", "response", "transport", "origin"};
    static_assert(std::size(stringNames) == Field::StringCount, "a name per string field");
    for (int i = 0; i < Field::StringCount; ++i) {
        const QJsonValue v = o.value(QLatin1String(stringNames[i]));
        if (v.isUndefined())
            continue;
        f->hasString[i] = true;
        if (i == Field::Payload)
            f->payloadIsString = v.isString();
        f->owned[i] = v.toString().toUtf8();
        f->strings[i] = QByteArrayView(f->owned[i]);
    }
    auto integer = [&o](const char *name, qint64 fallback) {
        const QJsonValue v = o.value(QLatin1String(name));
        return v.isUndefined() ? fallback : v.toInteger(fallback);
    };
    f->sequence = integer("sequence", 0);
    f->code = integer("code", 0);
    f->httpStatus = integer("httpStatus", 0);
    f->rttUs = integer("rttUs", -1);
    f->waitedUs = integer("waitedUs", -1);
    const QJsonValue wireValue = o.value(QStringLiteral("wire"));
    const QJsonArray wire = wireValue.toArray();
    f->hasWire = wire.size() == 4;
    f->wireUnknown = wireValue.isArray() && wire.isEmpty();
    for (int i = 0; f->hasWire && i < 4; ++i)
        f->wire[i] = wire.at(i).toInteger();
    return true;
}

bool eventFromFields(
    const EventFields &f, TrafficEvent *event, QString *error, bool plainWireOmitted)
{
    if (!f.hasTime) {
        *error = QStringLiteral("no \"timeUs\" number");
        return false;
    }
    if (!(f.timeUs >= 0 && f.timeUs <= double(MaxTimeUs))) {
        *error = QStringLiteral("\"timeUs\" %1 is out of range (0 to 100 years in µs)")
                     .arg(f.timeUs, 0, 'g', 17);
        return false;
    }
    TrafficEvent e;
    e.timeUs = qint64(f.timeUs);
    static const auto kindViews = [] {
        std::array<QByteArrayView, std::size(kindNames)> views;
        for (size_t i = 0; i < views.size(); ++i)
            views[i] = QByteArrayView(kindNames[i], qsizetype(strlen(kindNames[i])));
        return views;
    }();
    const QByteArrayView kind = f.strings[Field::Kind];
    bool known = false;
    for (int i = 0; i < int(kindViews.size()); ++i) {
        if (kind == kindViews[size_t(i)]) {
            e.kind = Kind(i);
            known = true;
            break;
        }
    }
    if (!known) {
        if (kind.isEmpty()) {
            *error = QStringLiteral("no \"kind\"");
            return false;
        }
        e.kind = Kind::Note; // a kind from a later version 1 writer: keep it as a note
        e.text = QStringLiteral("%1 event").arg(QString::fromUtf8(kind));
    }
    const QByteArrayView direction = f.strings[Field::Direction];
    e.direction = direction == "in" ? Direction::Incoming
        : direction == "out"        ? Direction::Outgoing
                                    : Direction::Local;
    if (e.hasPayload()) {
        if (!f.hasString[Field::Payload] || !f.payloadIsString) {
            *error = QStringLiteral("a %1 event without a \"payload\" string")
                         .arg(QString::fromUtf8(kind));
            return false;
        }
        if (e.kind == Kind::Text) {
            e.size = f.strings[Field::Payload].size();
        } else {
            auto decoded = QByteArray::fromBase64Encoding(
                f.strings[Field::Payload].toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded) {
                *error = QStringLiteral("the payload of a %1 event is not base64")
                             .arg(QString::fromUtf8(kind));
                return false;
            }
            e.data = *decoded;
            e.size = e.data.size();
        }
    }
    e.sequence = quint32(f.sequence);
    if (f.rttUs >= 0)
        e.durationUs = f.rttUs;
    if (f.waitedUs >= 0)
        e.durationUs = f.waitedUs;
    if (e.kind == Kind::Close) {
        e.code = quint16(f.code);
        e.text = QString::fromUtf8(f.strings[Field::Reason]);
        const QByteArrayView by = f.strings[Field::ClosedBy];
        e.closedBy = by == "client" ? TrafficEvent::Closer::Local
            : by == "server"        ? TrafficEvent::Closer::Peer
            : by == "network"       ? TrafficEvent::Closer::Network
                                    : TrafficEvent::Closer::None;
    } else if (!e.hasPayload() && f.hasString[Field::Text]) {
        e.text = QString::fromUtf8(f.strings[Field::Text]);
    }
    if (e.kind == Kind::Error || e.kind == Kind::Handshake)
        e.code = quint16(f.httpStatus);
    if (e.kind == Kind::Handshake) {
        e.data = f.strings[Field::Request].toByteArray();
        e.text = QString::fromUtf8(f.strings[Field::Response]);
    } else if (e.kind == Kind::CloseFrame) {
        e.code = quint16(f.code);
        e.text = QString::fromUtf8(f.strings[Field::Reason]);
    } else if (e.kind == Kind::Script) {
        e.code = quint16(qBound<qint64>(0, f.code, qint64(TrafficEvent::ScriptNote::LoadFailed)));
        e.data = f.strings[Field::Reason].toByteArray();
    } else if (e.kind == Kind::Close) {
        const QString transport = QString::fromUtf8(f.strings[Field::Transport]);
        for (int i = 1; i <= int(TrafficEvent::TransportEnd::Timeout); ++i) {
            if (transport == TrafficEvent::transportEndName(TrafficEvent::TransportEnd(i)))
                e.transportEnd = TrafficEvent::TransportEnd(i);
        }
    }
    if (e.isMessage()) {
        const QByteArrayView origin = f.strings[Field::Origin];
        e.origin = origin == "injected" ? TrafficEvent::Origin::Injected
            : origin == "edited"        ? TrafficEvent::Origin::Edited
                                        : TrafficEvent::Origin::Peer;
    }
    if (f.hasWire) {
        e.frames = quint32(qBound<qint64>(0, f.wire[0], 0xffffffff));
        e.wireSize = qMax<qint64>(0, f.wire[1]);
        e.opcode = quint8(f.wire[2] & 0x0f);
        e.frameFlags = quint8(f.wire[3] & 0xff) | TrafficEvent::WireInfo;
    } else if (plainWireOmitted && !f.wireUnknown && e.hasPayload()
        && e.direction != Direction::Local) {
        e.setPlainWire();
    }
    *event = e;
    return true;
}

bool parseEvent(const QJsonObject &o, TrafficEvent *event, QString *error, bool plainWireOmitted)
{
    EventFields fields;
    fieldsFromObject(o, &fields);
    if (!eventFromFields(fields, event, error, plainWireOmitted))
        return false;
    if (event->kind == Kind::Text)
        event->text = QString::fromUtf8(fields.strings[EventFields::Payload]);
    return true;
}

} // namespace RecordingFormat
