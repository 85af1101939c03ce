#include "EventBatcher.h"

EventBatcher::EventBatcher(QObject *parent) : QObject(parent), m_buffer(new char[BufferSize])
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &EventBatcher::flush);
}

EventBatcher::~EventBatcher()
{
    delete[] m_buffer;
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
    TrafficBatch batch;
    batch.events.swap(m_pending);
    // An exact-size copy: the receiver may keep it as storage, and the big buffer stays here.
    batch.payloads = QByteArray(m_buffer, m_used);
    m_used = 0;
    m_pending.reserve(qMin<qsizetype>(batch.events.size(), MaxBatchSize));
    Q_EMIT batchReady(batch);
}
