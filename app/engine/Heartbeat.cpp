#include "Heartbeat.h"

#include <QtEndian>

namespace {
// "SSCP" + big-endian sequence: recognisable in a capture and cheap to match.
constexpr char Magic[] = {'S', 'S', 'C', 'P'};
constexpr int PayloadSize = 8;
// A long stall at a short interval must not grow the list without bound.
constexpr int MaxPendingPings = 1024;
} // namespace

Heartbeat::Heartbeat(const EventClock &clock, QObject *parent) : QObject(parent), m_clock(clock)
{
    m_pingTimer.setTimerType(Qt::PreciseTimer);
    m_timeoutTimer.setTimerType(Qt::PreciseTimer);
    m_timeoutTimer.setSingleShot(true);
    connect(&m_pingTimer, &QTimer::timeout, this, &Heartbeat::sendPing);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &Heartbeat::onTimeout);
}

QByteArray Heartbeat::payloadFor(quint32 sequence)
{
    QByteArray payload(PayloadSize, Qt::Uninitialized);
    memcpy(payload.data(), Magic, sizeof(Magic));
    qToBigEndian(sequence, payload.data() + sizeof(Magic));
    return payload;
}

bool Heartbeat::sequenceOf(const QByteArray &payload, quint32 *sequence)
{
    if (payload.size() != PayloadSize || memcmp(payload.constData(), Magic, sizeof(Magic)) != 0)
        return false;
    *sequence = qFromBigEndian<quint32>(payload.constData() + sizeof(Magic));
    return true;
}

void Heartbeat::setSettings(const HeartbeatSettings &settings)
{
    m_settings = settings;
    if (m_sendPing)
        schedule();
}

void Heartbeat::start(const PingSender &sendPing)
{
    m_sendPing = sendPing;
    m_pending.clear();
    m_stalled = false;
    schedule();
}

void Heartbeat::stop()
{
    m_sendPing = nullptr;
    m_pingTimer.stop();
    m_timeoutTimer.stop();
    m_pending.clear();
    m_stalled = false;
}

void Heartbeat::schedule()
{
    if (!m_settings.enabled) {
        m_pingTimer.stop();
        m_timeoutTimer.stop();
        m_pending.clear();
        m_stalled = false;
        return;
    }
    // Restarting the timer applies a new interval from now, with no reconnect.
    m_pingTimer.start(m_settings.intervalMs);
    armTimeout();
}

void Heartbeat::pingNow()
{
    if (m_sendPing)
        sendPing();
}

void Heartbeat::sendPing()
{
    const quint32 sequence = m_nextSequence++;
    const QByteArray payload = payloadFor(sequence);
    const qint64 now = m_clock.elapsedUs();
    m_sendPing(payload);
    if (m_pending.size() >= MaxPendingPings)
        m_pending.removeFirst();
    m_pending.append({sequence, now});
    Q_EMIT pingSent(sequence, payload, now);
    if (!m_timeoutTimer.isActive() && !m_stalled && m_settings.enabled)
        armTimeout();
}

void Heartbeat::handlePong(const QByteArray &payload)
{
    const qint64 now = m_clock.elapsedUs();
    quint32 sequence = 0;
    qint64 sentUs = -1;
    if (sequenceOf(payload, &sequence)) {
        // A pong answers its ping and implies the earlier ones are settled too.
        while (!m_pending.isEmpty() && m_pending.first().sequence <= sequence) {
            if (m_pending.first().sequence == sequence)
                sentUs = m_pending.first().sentUs;
            m_pending.removeFirst();
        }
    }
    const bool matched = sentUs >= 0;
    m_stalled = false;
    Q_EMIT pongReceived(sequence, matched ? now - sentUs : -1, payload, now, matched);
    armTimeout();
}

void Heartbeat::armTimeout()
{
    if (m_pending.isEmpty() || m_stalled || !m_settings.enabled) {
        m_timeoutTimer.stop();
        return;
    }
    const qint64 deadlineUs = m_pending.first().sentUs + qint64(m_settings.timeoutMs) * 1000;
    const qint64 remainingMs = (deadlineUs - m_clock.elapsedUs() + 999) / 1000;
    m_timeoutTimer.start(int(qMax<qint64>(0, remainingMs)));
}

void Heartbeat::onTimeout()
{
    if (m_pending.isEmpty() || !m_sendPing)
        return;
    const PendingPing oldest = m_pending.first();
    const qint64 waitedUs = m_clock.elapsedUs() - oldest.sentUs;
    if (waitedUs < qint64(m_settings.timeoutMs) * 1000) { // timeout was lengthened meanwhile
        armTimeout();
        return;
    }
    m_stalled = true;
    Q_EMIT pongOverdue(oldest.sequence, waitedUs);
}
