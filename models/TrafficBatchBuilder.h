#pragma once

#include "TrafficBatch.h"

#include <QStringEncoder>

// Builds TrafficBatches: events appended in place, small payloads packed into one buffer (text
// encoded straight to UTF-8), larger ones kept in their implicitly shared container. Used by the
// engine on its per-message path and by the recording reader; all inline for that reason.
class TrafficBatchBuilder
{
public:
    static constexpr int MaxEvents = 4096;
    static constexpr qsizetype BufferSize = 256LL * 1024;
    // Larger payloads stay in their implicitly shared Qt container: copying them gains nothing.
    static constexpr qsizetype MaxPackedBytes = 16LL * 1024;

    TrafficBatchBuilder() : m_buffer(new char[BufferSize]) { m_events.reserve(MaxEvents); }
    ~TrafficBatchBuilder() { delete[] m_buffer; }
    TrafficBatchBuilder(const TrafficBatchBuilder &) = delete;
    TrafficBatchBuilder &operator=(const TrafficBatchBuilder &) = delete;

    bool isEmpty() const { return m_events.isEmpty(); }
    bool isFull() const { return m_events.size() >= MaxEvents; }
    // False when an event with this many payload bytes must start the next batch.
    bool hasRoomFor(qsizetype payloadBytes) const
    {
        return !isFull() && (payloadBytes > MaxPackedBytes || m_used + payloadBytes <= BufferSize);
    }

    TrafficEvent &append(
        TrafficEvent::Kind kind, TrafficEvent::Direction direction, qint64 timeUs, qint64 wallMs)
    {
        TrafficEvent &e = m_events.emplace_back();
        e.kind = kind;
        e.direction = direction;
        e.timeUs = timeUs;
        e.wallMs = wallMs;
        return e;
    }
    void append(TrafficEvent &&event) { m_events.append(std::move(event)); }

    // Sets a text payload and its UTF-8 size. Needs hasRoomFor(text.size() * 3).
    void setText(TrafficEvent &e, const QString &text)
    {
        if (text.size() * 3 > MaxPackedBytes) {
            e.size = utf8Size(text);
            e.text = text;
            return;
        }
        char *begin = m_buffer + m_used;
        e.payloadOffset = m_used;
        e.size = m_utf8.appendToBuffer(begin, text) - begin;
        m_used += e.size;
    }
    // Sets a binary payload. Needs hasRoomFor(bytes.size()).
    void setBytes(TrafficEvent &e, const QByteArray &bytes)
    {
        e.size = bytes.size();
        if (bytes.size() > MaxPackedBytes) {
            e.data = bytes;
            return;
        }
        memcpy(m_buffer + m_used, bytes.constData(), size_t(bytes.size()));
        e.payloadOffset = m_used;
        m_used += bytes.size();
    }

    // Sets a payload from raw bytes (UTF-8 for a text message). Needs hasRoomFor(size).
    void setRaw(TrafficEvent &e, const char *data, qsizetype size)
    {
        e.size = size;
        if (size > MaxPackedBytes) {
            if (e.kind == TrafficEvent::Kind::Text)
                e.text = QString::fromUtf8(data, size);
            else
                e.data = QByteArray(data, size);
            return;
        }
        if (size > 0)
            memcpy(m_buffer + m_used, data, size_t(size));
        e.payloadOffset = m_used;
        m_used += size;
    }

    TrafficBatch take()
    {
        TrafficBatch batch;
        batch.events.swap(m_events);
        // An exact-size copy: the receiver may keep it as storage; the big buffer stays here.
        batch.payloads = QByteArray(m_buffer, m_used);
        m_used = 0;
        m_events.reserve(qMin<qsizetype>(batch.events.size(), MaxEvents));
        return batch;
    }

private:
    TrafficEventList m_events;
    char *m_buffer;
    qsizetype m_used = 0;
    QStringEncoder m_utf8 {QStringEncoder::Utf8, QStringEncoder::Flag::Stateless};
};
