#pragma once

#include "TrafficEvent.h"

// Exit statuses of the command line, documented in --help and the man page.
namespace ExitStatus {

enum : int {
    Ok = 0, // closed normally: by us, or by the server with 1000 or 1001
    ConnectFailed = 1, // refused, unreachable, TLS failure, upgrade rejected (e.g. HTTP 302);
                       // or an input file with nothing usable in it
    Usage = 2, // bad arguments, a malformed URL or header, a --script that cannot be loaded
    Timeout = 3, // no connection within the connect timeout
    AbnormalClose = 4, // dropped without a close frame, or closed with any other code
    HeartbeatClose = 5, // closed because pongs stopped (--on-ping-timeout close)
    FileError = 6, // an output file could not be written (record -o, convert OUT), disk full
    Skipped = 7, // convert: the input was read, but parts of it were skipped (each reported)
    ScriptFailed = 8, // --script: a test() failed
    Interrupted = 130, // Ctrl+C or SIGTERM before the connection was open
};

inline int fromClose(const TrafficEvent &close)
{
    using Cause = TrafficEvent::CloseCause;
    switch (close.cause) {
    case Cause::Requested:
    case Cause::Shutdown:
        return Ok;
    case Cause::PeerClosed:
        return (close.code == 1000 || close.code == 1001) ? Ok : AbnormalClose;
    case Cause::Cancelled:
        return Interrupted;
    case Cause::ConnectFailed:
        return ConnectFailed;
    case Cause::ConnectTimeout:
        return Timeout;
    case Cause::HeartbeatTimeout:
        return HeartbeatClose;
    case Cause::Dropped:
    case Cause::ProtocolError:
    case Cause::None:
        return AbnormalClose;
    }
    return AbnormalClose;
}

inline const char *helpText()
{
    return "Exit status:\n"
           "  0    closed normally: by you (EOF or Ctrl+C) or by the server with 1000/1001;\n"
           "       show, convert: the input was read\n"
           "  1    could not connect: refused, unreachable, TLS failure, upgrade rejected;\n"
           "       or nothing usable could be read from the input file\n"
           "  2    bad arguments, URL or header; a --script that cannot be read or loaded\n"
           "  3    connect timeout\n"
           "  4    abnormal close: dropped without a close frame, or another close code\n"
           "  5    closed because the server stopped answering pings\n"
           "  6    an output file could not be written (record -o, convert OUT, disk full)\n"
           "  7    convert: the input was read, but parts of it were skipped\n"
           "  8    --script: a test() failed\n"
           "  130  interrupted (Ctrl+C, SIGTERM) before the connection was open\n";
}

// `sockscope test` answers CI's question instead: did the server behave as recorded?
namespace Test {

enum : int {
    Passed = 0, // every step matched
    Mismatch = 1, // a message differed, was missing or extra
    Usage = 2, // bad arguments, or a recording that cannot be read or holds nothing to send
    ConnectFailed = 3, // no connection: refused, unreachable, TLS, upgrade rejected, timeout
    EndedEarly = 4, // the connection ended before every message was sent and answered
};

inline const char *helpText()
{
    return "Exit status:\n"
           "  0    every step matched\n"
           "  1    a mismatch: a message differed, was missing or extra\n"
           "  2    bad arguments, an unreadable recording or one without client messages,\n"
           "       or a --junit or --ignore-file FILE that cannot be written or read\n"
           "  3    could not connect (refused, unreachable, TLS, upgrade rejected, timeout)\n"
           "  4    the connection ended before every message was sent and answered\n"
           "  130  interrupted (Ctrl+C, SIGTERM)\n";
}

} // namespace Test

} // namespace ExitStatus
