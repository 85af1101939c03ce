#include "EventClock.h"

#include <QDateTime>

EventClock::EventClock()
    : m_origin(Clock::now()), m_wallOriginMs(QDateTime::currentMSecsSinceEpoch())
{ }
