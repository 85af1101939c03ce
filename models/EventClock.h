#pragma once

#include <QtGlobal>

#include <chrono>

// The time base of one connection: a monotonic origin for event times (µs since the connection
// started, immune to wall-clock jumps) and the wall-clock time at that origin, so every event can
// also say when it happened by the calendar without reading the wall clock per message.
class EventClock
{
public:
    using Clock = std::chrono::steady_clock;

    EventClock();

    qint64 elapsedUs() const { return toUs(Clock::now()); }
    qint64 toUs(Clock::time_point t) const
    {
        return std::chrono::duration_cast<std::chrono::microseconds>(t - m_origin).count();
    }
    qint64 wallMsAt(qint64 elapsedUs) const { return m_wallOriginMs + elapsedUs / 1000; }

    Clock::time_point origin() const { return m_origin; }
    qint64 wallOriginMs() const { return m_wallOriginMs; }

private:
    Clock::time_point m_origin;
    qint64 m_wallOriginMs;
};
