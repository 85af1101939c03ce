#pragma once

#include <QList>

// Round-trip times of the last minutes of pongs, with missed pings marked, for the live chart and
// its min / median / p95 / max.
class RttSeries
{
public:
    struct Sample
    {
        qint64 timeUs; // when the pong arrived (or the ping was declared missed)
        qint64 rttUs; // -1: missed
    };
    struct Stats
    {
        int pongs = 0;
        int missed = 0;
        qint64 minUs = 0;
        qint64 medianUs = 0;
        qint64 p95Us = 0;
        qint64 maxUs = 0;
        qint64 lastUs = -1;
    };

    explicit RttSeries(qint64 windowUs = 5LL * 60 * 1000000);

    void addPong(qint64 timeUs, qint64 rttUs);
    void addMissed(qint64 timeUs);
    void clear() { m_samples.clear(); }
    const QList<Sample> &samples() const { return m_samples; }
    qint64 windowUs() const { return m_windowUs; }
    Stats stats() const;

private:
    void prune(qint64 nowUs);

    qint64 m_windowUs;
    QList<Sample> m_samples;
};
