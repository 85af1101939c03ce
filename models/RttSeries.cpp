#include "RttSeries.h"

#include <algorithm>

RttSeries::RttSeries(qint64 windowUs) : m_windowUs(windowUs) { }

void RttSeries::addPong(qint64 timeUs, qint64 rttUs)
{
    m_samples.append({timeUs, rttUs});
    prune(timeUs);
}

void RttSeries::addMissed(qint64 timeUs)
{
    m_samples.append({timeUs, -1});
    prune(timeUs);
}

void RttSeries::prune(qint64 nowUs)
{
    const auto first = std::find_if(m_samples.cbegin(), m_samples.cend(),
        [&](const Sample &s) { return s.timeUs >= nowUs - m_windowUs; });
    m_samples.remove(0, first - m_samples.cbegin());
}

RttSeries::Stats RttSeries::stats() const
{
    Stats stats;
    QList<qint64> rtts;
    rtts.reserve(m_samples.size());
    for (const Sample &s : m_samples) {
        if (s.rttUs < 0) {
            ++stats.missed;
        } else {
            rtts.append(s.rttUs);
            stats.lastUs = s.rttUs;
        }
    }
    stats.pongs = int(rtts.size());
    if (rtts.isEmpty())
        return stats;
    std::sort(rtts.begin(), rtts.end());
    stats.minUs = rtts.first();
    stats.maxUs = rtts.last();
    stats.medianUs = rtts.at(rtts.size() / 2);
    stats.p95Us = rtts.at(qMin(rtts.size() - 1, qsizetype(rtts.size() * 0.95)));
    return stats;
}
