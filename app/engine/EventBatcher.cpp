#include "EventBatcher.h"

EventBatcher::EventBatcher(QObject *parent)
    : QObject(parent)
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
    if (m_pending.isEmpty())
        return;
    TrafficEventList batch;
    batch.swap(m_pending);
    // The receiver ends up holding the only reference, so the events are freed in its thread.
    m_pending.reserve(qMin<qsizetype>(batch.size(), MaxBatchSize));
    Q_EMIT batchReady(batch);
}
