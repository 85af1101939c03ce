#pragma once

#include "TrafficBatch.h"

// How the command line prints messages: "< text" received, "> text" sent, binary as
// "(binary, N bytes) hex ...", pongs with their round trip. Shared by connect, record, replay,
// show.
namespace MessagePrinter {

// The line for an event, or an empty array for events that are not printed this way.
QByteArray line(
    const TrafficBatch &batch, const TrafficEvent &event, bool showPings, bool showSent);

} // namespace MessagePrinter
