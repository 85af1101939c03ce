#pragma once

#include "TrafficEvent.h"

#include <QString>

// Decides how a connection ended from what was seen on the wire: which close frames went each
// way and in what order, and how the transport ended. No socket here and no error strings to
// match: every case is a plain input, unit-tested one by one.
namespace ConnectionEnding {

// Why we sent our close frame (when we did).
enum class LocalReason : quint8 {
    None,
    Requested, // the user asked
    HeartbeatTimeout, // pongs stopped
    ProtocolError, // the peer broke the protocol or a limit
    Shutdown, // the application is closing
};

struct Facts
{
    bool closeSent = false;
    quint16 sentCode = 0;
    QString sentReason;
    LocalReason localReason = LocalReason::None;
    bool closeReceived = false;
    quint16 receivedCode = 0; // 1005 when the frame carried none
    QString receivedReason;
    bool peerClosedFirst = false;
    TrafficEvent::TransportEnd transport = TrafficEvent::TransportEnd::Unknown;
    bool midMessage = false; // the transport ended with a frame or message half-received
};

struct Outcome
{
    TrafficEvent::Closer closedBy = TrafficEvent::Closer::None;
    quint16 code = 0;
    QString reason;
    TrafficEvent::CloseCause cause = TrafficEvent::CloseCause::None;
    // A sentence for the log when the ending needs more than the code and reason (the peer never
    // answered our close frame, the TCP connection was reset, ...); may be empty.
    QString detail;
};

Outcome classify(const Facts &facts);

} // namespace ConnectionEnding
