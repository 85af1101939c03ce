#include "EventBatcher.h"

EventBatcher::EventBatcher(QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &EventBatcher::flush);
}

void EventBatcher::armTimer()
{
    m_timerArmed = true;
    m_timer.start();
}

void EventBatcher::flush()
{
    if (m_timerArmed) {
        m_timerArmed = false;
        m_timer.stop();
    }
    if (m_builder.isEmpty())
        return;
    Q_EMIT batchReady(m_builder.take());
}
