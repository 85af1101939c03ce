#pragma once

#include <QMetaType>
#include <QString>

// Where a proxied pair (a client and its upstream connection) is in its life.
enum class ProxyPairState : quint8 {
    Handshaking, // the client's upgrade request is read, or the upstream is being reached
    Open, // both WebSocket connections are up: frames are relayed
    Closing, // a close frame went one way or the other, or one TCP side ended
    Closed, // both TCP connections are gone; nothing more will happen on this pair
};

QString proxyPairStateName(ProxyPairState state);

// The figures of one pair, as the proxy tab lists them. Sent with each batch of events (never
// per message) and on each state change.
struct ProxyPairStatus
{
    int pairId = 0;
    ProxyPairState state = ProxyPairState::Handshaking;
    QString clientAddress; // "127.0.0.1:53012"
    QString upstream; // the URL the pair was relayed to, path and query included
    qint64 messagesFromClient = 0; // text and binary messages, control frames not counted
    qint64 messagesFromServer = 0;
    // The payload of those messages (as logged: inflated when compressed).
    qint64 payloadBytesFromClient = 0;
    qint64 payloadBytesFromServer = 0;
    // Everything on the wire after the upgrade: every frame, control frames and headers included.
    qint64 wireBytesFromClient = 0;
    qint64 wireBytesFromServer = 0;
    // The latest ping round trip in each direction: the time the other side took to answer a
    // ping (µs; -1 when none was answered yet). clientPingRttUs: the client pinged, the server
    // answered.
    qint64 clientPingRttUs = -1;
    qint64 serverPingRttUs = -1;
    int heldFromClient = 0; // messages held by intercept, waiting for a decision
    int heldFromServer = 0;
    // When the client was accepted (wall clock, ms since the epoch): time 0 of the pair's events.
    qint64 startedWallMs = 0;
};

Q_DECLARE_METATYPE(ProxyPairState)
Q_DECLARE_METATYPE(ProxyPairStatus)
