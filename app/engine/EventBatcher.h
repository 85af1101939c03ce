#pragma once

#include "TrafficBatch.h"

#include <QObject>
#include <QStringEncoder>
#include <QTimer>

// Collects events made in the connection's thread and hands them on in batches: one queued
// signal per batch instead of one per message, flushed every FlushIntervalMs or as soon as a
// batch is full. Small payloads are copied into the batch's buffer (text encoded straight to
// UTF-8), so Qt's per-message string is freed at once in this thread and the receiver gets one
// allocation per batch. Lives in the connection's thread.
class EventBatcher : public QObject
{
    Q_OBJECT
public:
    static constexpr int FlushIntervalMs = 30;
    static constexpr int MaxBatchSize = 4096;
    static constexpr qsizetype BufferSize = 256 * 1024;
    // Larger payloads stay in their implicitly shared Qt container: copying them gains nothing.
    static constexpr qsizetype MaxPackedBytes = 16 * 1024;

    explicit EventBatcher(QObject *parent = nullptr);
    ~EventBatcher() override;

    // A status event with no payload.
    void append(TrafficEvent &&event)
    {
        m_pending.append(std::move(event));
        commit();
    }
    // A text message: the event is built in place at the end of the batch (this is the hot path
    // of a flood, so nothing is constructed twice); size is the UTF-8 byte count.
    void appendText(TrafficEvent::Kind kind, TrafficEvent::Direction direction, qint64 timeUs,
        qint64 wallMs, const QString &text)
    {
        const qsizetype worstCase = text.size() * 3;
        TrafficEvent &e = emplace(kind, direction, timeUs, wallMs, worstCase);
        if (worstCase > MaxPackedBytes) {
            e.size = utf8Size(text);
            e.text = text;
        } else {
            char *begin = m_buffer + m_used;
            e.payloadOffset = m_used;
            e.size = m_utf8.appendToBuffer(begin, text) - begin;
            m_used += e.size;
        }
        commit();
    }
    // A binary message, or the payload of a ping or pong. Returns the event for extra fields.
    TrafficEvent &appendBytes(TrafficEvent::Kind kind, TrafficEvent::Direction direction,
        qint64 timeUs, qint64 wallMs, const QByteArray &bytes)
    {
        TrafficEvent &e = emplace(kind, direction, timeUs, wallMs, bytes.size());
        e.size = bytes.size();
        if (bytes.size() > MaxPackedBytes) {
            e.data = bytes;
        } else {
            memcpy(m_buffer + m_used, bytes.constData(), size_t(bytes.size()));
            e.payloadOffset = m_used;
            m_used += bytes.size();
        }
        return e;
    }
    // Ends an appendBytes(): flushes a full batch or arms the flush timer.
    void commit()
    {
        if (m_pending.size() >= MaxBatchSize)
            flush();
        else if (!m_timerArmed)
            armTimer();
    }
    bool isEmpty() const { return m_pending.isEmpty(); }

public Q_SLOTS:
    void flush();

Q_SIGNALS:
    void batchReady(const TrafficBatch &batch);

private:
    TrafficEvent &emplace(TrafficEvent::Kind kind, TrafficEvent::Direction direction, qint64 timeUs,
        qint64 wallMs, qsizetype payloadBytes)
    {
        if (payloadBytes <= MaxPackedBytes && m_used + payloadBytes > BufferSize)
            flush(); // the buffer is full: this event starts the next batch
        TrafficEvent &e = m_pending.emplace_back();
        e.kind = kind;
        e.direction = direction;
        e.timeUs = timeUs;
        e.wallMs = wallMs;
        return e;
    }
    void armTimer();

    TrafficEventList m_pending;
    char *m_buffer; // BufferSize bytes, reused for every batch
    qsizetype m_used = 0;
    QStringEncoder m_utf8 {QStringEncoder::Utf8, QStringEncoder::Flag::Stateless};
    QTimer m_timer;
    bool m_timerArmed = false;
};
