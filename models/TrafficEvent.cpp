#include "TrafficEvent.h"

QString TrafficEvent::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Text:
        return QStringLiteral("text");
    case Kind::Binary:
        return QStringLiteral("binary");
    case Kind::Ping:
        return QStringLiteral("ping");
    case Kind::Pong:
        return QStringLiteral("pong");
    case Kind::Connecting:
        return QStringLiteral("connecting");
    case Kind::Open:
        return QStringLiteral("open");
    case Kind::Close:
        return QStringLiteral("close");
    case Kind::Error:
        return QStringLiteral("error");
    case Kind::PongTimeout:
        return QStringLiteral("pong timeout");
    case Kind::HeartbeatChange:
        return QStringLiteral("heartbeat");
    case Kind::Note:
        return QStringLiteral("note");
    case Kind::Handshake:
        return QStringLiteral("handshake");
    case Kind::CloseFrame:
        return QStringLiteral("close frame");
    case Kind::Fault:
        return QStringLiteral("fault");
    case Kind::Script:
        return QStringLiteral("script");
    }
    return {};
}

QString TrafficEvent::originName(Origin origin)
{
    switch (origin) {
    case Origin::Peer:
        return {};
    case Origin::Injected:
        return QStringLiteral("injected");
    case Origin::Edited:
        return QStringLiteral("edited");
    }
    return {};
}

QString TrafficEvent::directionName(Direction direction)
{
    switch (direction) {
    case Direction::Incoming:
        return QStringLiteral("in");
    case Direction::Outgoing:
        return QStringLiteral("out");
    case Direction::Local:
        return QStringLiteral("local");
    }
    return {};
}

QString TrafficEvent::closerName(Closer closer)
{
    switch (closer) {
    case Closer::None:
        return {};
    case Closer::Local:
        return QStringLiteral("client");
    case Closer::Peer:
        return QStringLiteral("server");
    case Closer::Network:
        return QStringLiteral("network");
    }
    return {};
}

QString TrafficEvent::transportEndName(TransportEnd end)
{
    switch (end) {
    case TransportEnd::Unknown:
        return {};
    case TransportEnd::Fin:
        return QStringLiteral("FIN");
    case TransportEnd::Reset:
        return QStringLiteral("RST");
    case TransportEnd::TlsCloseNotify:
        return QStringLiteral("TLS close_notify");
    case TransportEnd::LocalClose:
        return QStringLiteral("closed by us");
    case TransportEnd::Timeout:
        return QStringLiteral("timeout");
    }
    return {};
}

qint64 utf8Size(QStringView text)
{
    // ASCII takes one byte, U+0080..U+07FF two, the rest of the BMP three, and a surrogate pair
    // four: counting one extra byte per unit above 0x7F and a second for non-surrogates above
    // 0x7FF gives exactly that.
    qint64 bytes = text.size();
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= 0x80)
            bytes += (u >= 0x800 && !QChar::isSurrogate(u)) ? 2 : 1;
    }
    return bytes;
}

void TrafficEvent::setPlainWire()
{
    const bool masked = direction == Direction::Outgoing;
    frames = 1;
    opcode = plainOpcode(kind);
    frameFlags = WireInfo | (masked ? Masked : 0);
    wireSize = frameHeaderSize(size, masked) + size;
}
