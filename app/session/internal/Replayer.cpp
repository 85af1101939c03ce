#include "Replayer.h"

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

Replayer::Replayer(const EventClock &clock, QObject *parent) : QObject(parent), m_clock(clock)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Replayer::fire);
    m_replyTimeout.setSingleShot(true);
    // No reply in time: go on as if the replies had arrived now.
    connect(&m_replyTimeout, &QTimer::timeout, this, &Replayer::stopWaiting);
}

void Replayer::start(const ReplayPlan &plan)
{
    m_plan = plan;
    m_next = 0;
    m_shiftUs = 0;
    m_running = true;
    m_waitingForReply = false;
    m_startUs = m_clock.elapsedUs();
    m_lastProgressUs = 0;
    m_replyTimeout.setInterval(plan.replyTimeoutMs);
    reportProgress(true);
    if (plan.waitForReply && plan.initialReplies > 0) {
        // The server's greeting comes before the first message.
        awaitReplies(plan.initialReplies);
        return;
    }
    scheduleNext();
}

void Replayer::cancel()
{
    if (!m_running)
        return;
    m_running = false;
    m_timer.stop();
    m_replyTimeout.stop();
    reportProgress(true);
    Q_EMIT finished(false,
        QStringLiteral("replay cancelled after %1 of %2 messages")
            .arg(m_next)
            .arg(m_plan.items.size()));
}

qint64 Replayer::dueUs(int index) const
{
    // Offsets are bounded on reading (RecordingFormat::MaxTimeUs), so this cannot overflow.
    const qint64 offset
        = m_plan.speed > 0 ? qint64(double(m_plan.items.at(index).offsetUs) / m_plan.speed) : 0;
    return m_startUs + m_shiftUs + offset;
}

void Replayer::scheduleNext()
{
    if (!m_running || m_waitingForReply)
        return;
    if (m_next >= m_plan.items.size()) {
        m_running = false;
        reportProgress(true);
        Q_EMIT finished(
            true, QStringLiteral("replay finished: %1 messages sent").arg(m_plan.items.size()));
        return;
    }
    // 64-bit time throughout; a QTimer takes an int of milliseconds, so a long wait (a recorded gap
    // of 25 days and more) is done in steps of at most MaxTimerStepMs.
    const qint64 waitUs = dueUs(m_next) - m_clock.elapsedUs();
    m_timer.start(int(qBound(qint64(0), waitUs / 1000, qint64(MaxTimerStepMs))));
}

void Replayer::fire()
{
    if (!m_running)
        return;
    if (dueUs(m_next) - m_clock.elapsedUs() > 2000) { // one step of a long wait
        scheduleNext();
        return;
    }
    // A precise timer may fire up to a millisecond early: wait out the rest of it.
    while (m_clock.elapsedUs() < dueUs(m_next)) { }
    Q_EMIT sendRequested(m_plan.items.at(m_next));
    ++m_next;
    reportProgress(false);
    const int replies = m_plan.items.at(m_next - 1).replies;
    if (m_plan.waitForReply && replies > 0
        && (m_next < m_plan.items.size() || m_plan.waitAfterLast)) {
        awaitReplies(replies);
        return;
    }
    scheduleNext();
}

void Replayer::awaitReplies(int count)
{
    m_waitingForReply = true;
    m_repliesAwaited = count;
    m_replyTimeout.start();
}

void Replayer::messageReceived()
{
    if (!m_waitingForReply || !m_running)
        return;
    if (--m_repliesAwaited <= 0)
        stopWaiting();
}

void Replayer::stopWaiting()
{
    if (!m_waitingForReply || !m_running)
        return;
    m_waitingForReply = false;
    m_replyTimeout.stop();
    // The next message goes out at its recorded time, or now if the reply took longer.
    const qint64 lateUs = m_next < m_plan.items.size() ? m_clock.elapsedUs() - dueUs(m_next) : 0;
    if (lateUs > 0)
        m_shiftUs += lateUs;
    scheduleNext();
}

void Replayer::reportProgress(bool force)
{
    const qint64 now = m_clock.elapsedUs();
    if (force || now - m_lastProgressUs >= ProgressIntervalMs * 1000LL) {
        m_lastProgressUs = now;
        Q_EMIT progress(m_next, int(m_plan.items.size()));
    }
}
