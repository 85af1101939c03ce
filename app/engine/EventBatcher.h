#pragma once

#include "TrafficEvent.h"

#include <QObject>
#include <QTimer>

// Collects events made in the connection's thread and hands them on in batches: one queued
// signal per batch instead of one per message, flushed every FlushIntervalMs or as soon as a
// batch is full. Lives in the connection's thread.
class EventBatcher : public QObject
{
    Q_OBJECT
public:
    static constexpr int FlushIntervalMs = 30;
    static constexpr int MaxBatchSize = 4096;

    explicit EventBatcher(QObject *parent = nullptr);

    void append(TrafficEvent &&event)
    {
        m_pending.append(std::move(event));
        if (m_pending.size() >= MaxBatchSize)
            flush();
        else if (!m_timerArmed)
            armTimer();
    }
    bool isEmpty() const { return m_pending.isEmpty(); }

public Q_SLOTS:
    void flush();

Q_SIGNALS:
    void batchReady(const TrafficEventList &events);

private:
    void armTimer();

    TrafficEventList m_pending;
    QTimer m_timer;
    bool m_timerArmed = false;
};
