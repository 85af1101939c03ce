#pragma once

#include "TrafficBatchBuilder.h"

#include <QObject>
#include <QTimer>

// Collects events made in the connection's thread and hands them on in batches: one queued
// signal per batch instead of one per message, flushed every FlushIntervalMs or as soon as a
// batch is full. Small payloads are packed into the batch's buffer (TrafficBatchBuilder), so Qt's
// per-message string is freed at once in this thread and the receiver gets one allocation per
// batch. Lives in the connection's thread.
class EventBatcher : public QObject
{
    Q_OBJECT
public:
    static constexpr int FlushIntervalMs = 30;

    explicit EventBatcher(QObject *parent = nullptr);

    // A status event with no payload.
    void append(TrafficEvent &&event)
    {
        if (m_builder.isFull())
            flush();
        m_builder.append(std::move(event));
        commit();
    }
    // A text message, built in place at the end of the batch (the hot path of a flood).
    void appendText(TrafficEvent::Kind kind, TrafficEvent::Direction direction, qint64 timeUs,
        qint64 wallMs, const QString &text)
    {
        if (!m_builder.hasRoomFor(text.size() * 3))
            flush();
        m_builder.setText(m_builder.append(kind, direction, timeUs, wallMs), text);
        commit();
    }
    // A binary message or a ping/pong payload. Returns the event for extra fields; call commit().
    TrafficEvent &appendBytes(TrafficEvent::Kind kind, TrafficEvent::Direction direction,
        qint64 timeUs, qint64 wallMs, const QByteArray &bytes)
    {
        if (!m_builder.hasRoomFor(bytes.size()))
            flush();
        TrafficEvent &e = m_builder.append(kind, direction, timeUs, wallMs);
        m_builder.setBytes(e, bytes);
        return e;
    }
    // A payload straight from the wire (UTF-8 for text): packed into the batch's buffer, no
    // per-message allocation. Returns the event for extra fields; call commit().
    TrafficEvent &appendRaw(TrafficEvent::Kind kind, TrafficEvent::Direction direction,
        qint64 timeUs, qint64 wallMs, const char *data, qsizetype size)
    {
        if (!m_builder.hasRoomFor(size))
            flush();
        TrafficEvent &e = m_builder.append(kind, direction, timeUs, wallMs);
        m_builder.setRaw(e, data, size);
        return e;
    }
    // Flushes a full batch or arms the flush timer.
    void commit()
    {
        if (m_builder.isFull())
            flush();
        else if (!m_timerArmed)
            armTimer();
    }
    bool isEmpty() const { return m_builder.isEmpty(); }

public Q_SLOTS:
    void flush();

Q_SIGNALS:
    void batchReady(const TrafficBatch &batch);

private:
    void armTimer();

    TrafficBatchBuilder m_builder;
    QTimer m_timer;
    bool m_timerArmed = false;
};
