#pragma once

#include "RttSeries.h"

#include <QList>
#include <QString>

// What a connection's heartbeat did, derived from its events: the round-trip times, and when pongs
// were overdue. A stall starts when the ping whose pong never came on time went out, and ends when
// a pong arrives again (or the attempt ends); the chart shades those spans.
class HeartbeatTracker
{
public:
    struct Span
    {
        qint64 startUs;
        qint64 endUs; // -1 while it lasts
    };

    void addPong(qint64 timeUs, qint64 rttUs);
    // A pong overdue: the ping went out timeoutUs before timeUs.
    void addPongTimeout(qint64 timeUs, quint32 sequence, qint64 waitedUs);
    void endSession(qint64 timeUs); // the attempt ended: an ongoing stall ends with it
    void reset();

    bool isStalled() const { return !m_spans.isEmpty() && m_spans.constLast().endUs < 0; }
    QString stallText(qint64 nowUs) const; // "Stalled: no pong for 2.9 s (since ping #12)"
    QString
    statsText() const; // "RTT last … · min … · median … · p95 … · max … · N pongs, M missed"
    const RttSeries &series() const { return m_series; }
    const QList<Span> &stalls() const { return m_spans; }

private:
    RttSeries m_series;
    QList<Span> m_spans;
    quint32 m_stalledSequence = 0;
};
