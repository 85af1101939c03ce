#pragma once

#include "TrafficEvent.h"

// Events as a test writes them by hand, to feed a model, presenter or window the way the engine
// would (including kinds and fields the engine may not emit yet).
namespace HandMade {

inline TrafficEvent event(TrafficEvent::Kind kind, qint64 timeUs,
    TrafficEvent::Direction direction = TrafficEvent::Direction::Local)
{
    TrafficEvent e;
    e.kind = kind;
    e.timeUs = timeUs;
    e.direction = direction;
    return e;
}

inline TrafficEvent text(const QString &text, TrafficEvent::Direction direction, qint64 timeUs)
{
    TrafficEvent e = event(TrafficEvent::Kind::Text, timeUs, direction);
    e.text = text;
    e.size = utf8Size(text);
    return e;
}

} // namespace HandMade
