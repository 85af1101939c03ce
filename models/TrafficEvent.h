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
    };
    enum class Direction : quint8 { Incoming, Outgoing, Local };
    enum class Closer : quint8 { None, Local, Peer, Network };
    enum class CloseCause : quint8 {
        None,
        Requested, // the user asked to close (code and reason are ours)
        PeerClosed, // the peer sent a close frame
        Cancelled, // the user cancelled a pending connect
        ConnectFailed, // refused, unreachable, TLS failure or the upgrade was rejected
        ConnectTimeout,
        Dropped, // the TCP connection ended without a close frame (1006)
        HeartbeatTimeout, // closed with 1011 because pongs stopped
        ProtocolError, // Qt closed because the peer broke the protocol or a size limit
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
    quint32 sequence = 0; // heartbeat sequence number of a ping, pong or pong timeout
    quint16 code = 0; // Close: close code; Error: HTTP status of a rejected upgrade
    Kind kind = Kind::Note;
    Direction direction = Direction::Local;
    Closer closedBy = Closer::None;
    CloseCause cause = CloseCause::None;

    bool isMessage() const { return kind == Kind::Text || kind == Kind::Binary; }
    bool hasPayload() const { return isMessage() || kind == Kind::Ping || kind == Kind::Pong; }

    static QString kindName(Kind kind);
    static QString directionName(Direction direction);
    static QString closerName(Closer closer);
};

using TrafficEventList = QList<TrafficEvent>;

// Bytes the string takes as UTF-8, counted without converting it.
qint64 utf8Size(QStringView text);

Q_DECLARE_METATYPE(TrafficEvent)
Q_DECLARE_METATYPE(TrafficEventList)
