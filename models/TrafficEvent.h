#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringView>

// One thing that happened on a connection: a message either way, a ping or pong, or a change of
// state. Events are made in the connection's thread and travel to the window in batches, so the
// record is small and its payload is implicitly shared (copying an event copies no bytes).
struct TrafficEvent
{
    enum class Kind : quint8 {
        Text,
        Binary,
        Ping,
        Pong,
        Connecting, // text: the URL
        Open, // text: negotiated subprotocol
        Close, // code, text (reason), closedBy, cause
        Error, // text: what went wrong; code: HTTP status when the upgrade was answered
        PongTimeout, // sequence of the unanswered ping; durationUs: how long we waited
        HeartbeatChange, // text: the new settings
        Note, // text: anything else worth a line in the log (reconnect scheduled, ...)
        // The HTTP upgrade as it happened: data holds the request head as sent, text the response
        // head as received (status line and every header, CRLF-separated); code: HTTP status.
        Handshake,
        // A close frame on the wire, either way: code (1005 when it carried none), text: reason.
        // The Close event that ends the attempt says who closed and why.
        CloseFrame,
        // Faults and interventions (proxy): text says what was done.
        Fault,
        // What a script said or found (ScriptNote in code): text is the message, or a test's name;
        // sequence is the script's line (0: not known); data holds a failed test's reason (UTF-8).
        Script,
    };
    // Error: a handler threw or was interrupted (the connection goes on); LoadFailed: the script
    // could not be loaded and does not run.
    enum class ScriptNote : quint16 { Log, Error, TestPassed, TestFailed, LoadFailed };
    enum class Direction : quint8 { Incoming, Outgoing, Local };
    enum class Closer : quint8 { None, Local, Peer, Network };
    // How the transport under the WebSocket ended (Close events).
    enum class TransportEnd : quint8 {
        Unknown,
        Fin, // the peer closed TCP in order (FIN)
        Reset, // the peer reset TCP (RST)
        TlsCloseNotify, // the peer sent TLS close_notify
        LocalClose, // we closed TCP after the close handshake or on error
        Timeout, // we cut TCP because the peer did not answer in time
    };
    // How a message, ping, pong or close frame arrived on the wire (frameFlags bits).
    enum FrameFlag : quint8 {
        Rsv1 = 0x01, // on the first frame: for permessage-deflate, "compressed"
        Rsv2 = 0x02,
        Rsv3 = 0x04,
        Masked = 0x08, // the frames carried a masking key
        Compressed = 0x10, // permessage-deflate: the payload was inflated
        WireInfo = 0x80, // frames, wireSize and the bits above are known
    };
    // Where a message came from: the peer that sent it (as every message of a connection), or,
    // in a proxy, the proxy itself (injected by the user or by a script's ctx.send) or the proxy
    // instead of the message that arrived (edited under intercept, replaced by a script).
    enum class Origin : quint8 { Peer, Injected, Edited };
    enum class CloseCause : quint8 {
        None,
        Requested, // the user asked to close (code and reason are ours)
        PeerClosed, // the peer sent a close frame
        Cancelled, // the user cancelled a pending connect
        ConnectFailed, // refused, unreachable, TLS failure or the upgrade was rejected
        ConnectTimeout,
        Dropped, // the TCP connection ended without a close frame (1006)
        HeartbeatTimeout, // closed with 1011 because pongs stopped
        ProtocolError, // we closed because the peer broke the protocol or a size limit
        Shutdown, // the application shut the connection down
    };

    qint64 timeUs = 0; // monotonic, µs since the connection started
    qint64 wallMs = 0; // wall clock, ms since the epoch
    // A message's payload normally lives in its batch's shared buffer (payloadOffset >= 0, see
    // TrafficBatch). Large payloads, and events resolved by TrafficBatch::materialized(), hold it
    // here instead: text for a text message, data for binary, ping and pong.
    QString text; // a text message, or the human-readable detail of any other event
    QByteArray data; // a binary message, or a ping/pong payload
    qint64 payloadOffset = -1;
    qint64 size = 0; // payload bytes on the wire (UTF-8 bytes for text)
    qint64 durationUs = -1; // Pong: round-trip time; PongTimeout: time waited
    qint64 wireSize = -1; // bytes on the wire, frame headers included (-1: not known)
    quint32 frames = 0; // frames the message arrived in (0: not known)
    quint32 sequence = 0; // heartbeat sequence number of a ping, pong or pong timeout
    quint16 code = 0; // Close: close code; Error: HTTP status of a rejected upgrade
    Kind kind = Kind::Note;
    Direction direction = Direction::Local;
    Closer closedBy = Closer::None;
    CloseCause cause = CloseCause::None;
    TransportEnd transportEnd = TransportEnd::Unknown;
    quint8 frameFlags = 0; // FrameFlag bits
    quint8 opcode = 0; // the first frame's opcode, when WireInfo is set
    Origin origin = Origin::Peer; // messages only

    bool isMessage() const { return kind == Kind::Text || kind == Kind::Binary; }
    bool hasPayload() const { return isMessage() || kind == Kind::Ping || kind == Kind::Pong; }

    static QString kindName(Kind kind);
    static QString directionName(Direction direction);
    static QString closerName(Closer closer);
    static QString transportEndName(TransportEnd end);
    static QString originName(Origin origin); // "", "injected", "edited"
    bool hasWireInfo() const { return frameFlags & WireInfo; }

    // A message, ping or pong that went as one frame the ordinary way: FIN, no RSV bit, not
    // compressed, masked exactly when we sent it. Its wire info follows from kind, direction and
    // size, so recordings leave it out (docs/recording-format.md, "plainWireOmitted"). Inline:
    // the recorder asks it of every message of a flood.
    bool hasPlainWire() const
    {
        const bool masked = direction == Direction::Outgoing;
        return hasPayload() && direction != Direction::Local && frames == 1
            && frameFlags == (WireInfo | (masked ? Masked : 0)) && opcode == plainOpcode(kind)
            && wireSize == frameHeaderSize(size, masked) + size;
    }
    // Sets that wire info (for a message, ping or pong whose size is set).
    void setPlainWire();
    // Bytes of a frame header: 2, plus the 16- or 64-bit length, plus the masking key.
    static constexpr qint64 frameHeaderSize(qint64 payloadSize, bool masked)
    {
        return 2 + (payloadSize < 126 ? 0 : payloadSize <= 0xffff ? 2 : 8) + (masked ? 4 : 0);
    }
    // The RFC 6455 opcode of a kind that is one data or control frame (0 for the others).
    static constexpr quint8 plainOpcode(Kind kind)
    {
        switch (kind) {
        case Kind::Text:
            return 0x1;
        case Kind::Binary:
            return 0x2;
        case Kind::Ping:
            return 0x9;
        case Kind::Pong:
            return 0xa;
        default:
            return 0;
        }
    }
};

using TrafficEventList = QList<TrafficEvent>;

// Bytes the string takes as UTF-8, counted without converting it.
qint64 utf8Size(QStringView text);

Q_DECLARE_METATYPE(TrafficEvent)
Q_DECLARE_METATYPE(TrafficEventList)
