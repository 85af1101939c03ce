#include "HeartbeatTracker.h"

#include "Units.h"

namespace {
constexpr int MaxSpans = 1000;
}

void HeartbeatTracker::addPong(qint64 timeUs, qint64 rttUs)
{
    if (rttUs >= 0)
        m_series.addPong(timeUs, rttUs);
    if (isStalled())
        m_spans.last().endUs = timeUs; // pongs are back
}

void HeartbeatTracker::addPongTimeout(qint64 timeUs, quint32 sequence, qint64 waitedUs)
{
    m_series.addMissed(timeUs);
    if (isStalled())
        return;
    m_spans.append({timeUs - qMax<qint64>(0, waitedUs), -1}); // overdue since the ping went out
    m_stalledSequence = sequence;
    if (m_spans.size() > MaxSpans)
        m_spans.removeFirst();
}

void HeartbeatTracker::endSession(qint64 timeUs)
{
    if (isStalled())
        m_spans.last().endUs = timeUs;
}

void HeartbeatTracker::reset()
{
    m_series.clear();
    m_spans.clear();
}

QString HeartbeatTracker::stallText(qint64 nowUs) const
{
    if (!isStalled())
        return {};
    return QStringLiteral("Stalled: no pong for %1 (since ping #%2)")
        .arg(Units::duration(nowUs - m_spans.constLast().startUs))
        .arg(m_stalledSequence);
}

QString HeartbeatTracker::statsText() const
{
    const RttSeries::Stats st = m_series.stats();
    if (st.pongs == 0)
        return st.missed > 0 ? QStringLiteral("RTT: no pongs yet, %1 missed").arg(st.missed)
                             : QStringLiteral("RTT: no measurements yet");
    return QStringLiteral("RTT last %1 \u00b7 min %2 \u00b7 median %3\np95 %4 \u00b7 max %5 \u00b7 "
                          "%6 pongs, %7 missed")
        .arg(Units::duration(st.lastUs), Units::duration(st.minUs), Units::duration(st.medianUs),
            Units::duration(st.p95Us), Units::duration(st.maxUs))
        .arg(st.pongs)
        .arg(st.missed);
}
