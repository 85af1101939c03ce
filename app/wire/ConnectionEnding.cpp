#include "ConnectionEnding.h"

using TransportEnd = TrafficEvent::TransportEnd;
using Closer = TrafficEvent::Closer;
using Cause = TrafficEvent::CloseCause;

namespace ConnectionEnding {

namespace {

Cause causeOf(LocalReason reason)
{
    switch (reason) {
    case LocalReason::Requested:
        return Cause::Requested;
    case LocalReason::HeartbeatTimeout:
        return Cause::HeartbeatTimeout;
    case LocalReason::ProtocolError:
        return Cause::ProtocolError;
    case LocalReason::Shutdown:
        return Cause::Shutdown;
    case LocalReason::None:
        break;
    }
    return Cause::Requested;
}

QString droppedReason(TransportEnd transport, bool midMessage)
{
    const QString where = midMessage ? QStringLiteral(" in the middle of a message") : QString();
    switch (transport) {
    case TransportEnd::Reset:
        return QStringLiteral("the connection was reset (RST)%1 without a close frame").arg(where);
    case TransportEnd::TlsCloseNotify:
        return QStringLiteral("the server ended TLS (close_notify)%1 without a close frame")
            .arg(where);
    case TransportEnd::Fin:
        return QStringLiteral("the server closed TCP%1 without a close frame").arg(where);
    case TransportEnd::Timeout:
    case TransportEnd::LocalClose:
    case TransportEnd::Unknown:
        break;
    }
    return QStringLiteral("the connection was lost%1 without a close frame").arg(where);
}

} // namespace

Outcome classify(const Facts &f)
{
    Outcome o;
    if (f.closeSent && !f.peerClosedFirst) {
        // We started the close handshake: the code and reason are ours, whatever the peer did.
        o.closedBy = Closer::Local;
        o.code = f.sentCode;
        o.reason = f.sentReason;
        o.cause = causeOf(f.localReason);
        if (!f.closeReceived) {
            if (f.transport == TransportEnd::Timeout)
                o.detail = QStringLiteral(
                    "the server did not answer our close frame in time; TCP was cut");
            else if (f.transport == TransportEnd::Reset)
                o.detail = QStringLiteral(
                    "the server reset the connection (RST) instead of answering our close frame");
            else if (f.transport == TransportEnd::Fin
                || f.transport == TransportEnd::TlsCloseNotify)
                o.detail = QStringLiteral(
                    "the server closed the connection without answering our close frame");
        } else if (f.receivedCode != f.sentCode && f.receivedCode != 1005) {
            o.detail
                = QStringLiteral("the server answered our close frame with %1").arg(f.receivedCode);
        }
        return o;
    }
    if (f.closeReceived) {
        o.closedBy = Closer::Peer;
        o.code = f.receivedCode;
        o.reason = f.receivedReason;
        o.cause = Cause::PeerClosed;
        if (f.transport == TransportEnd::Reset)
            o.detail
                = QStringLiteral("after its close frame the server reset the connection (RST)");
        return o;
    }
    o.closedBy = Closer::Network;
    o.code = 1006;
    o.reason = droppedReason(f.transport, f.midMessage);
    o.cause = f.localReason == LocalReason::Shutdown ? Cause::Shutdown : Cause::Dropped;
    return o;
}

} // namespace ConnectionEnding
