#include "LoopLagProbe.h"

using namespace std::chrono;

LoopLagProbe::LoopLagProbe(int intervalMs, QObject *parent)
    : QObject(parent), m_intervalMs(intervalMs)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LoopLagProbe::onTimeout);
}

void LoopLagProbe::start()
{
    m_last = steady_clock::now();
    m_lag = {};
    m_timer.start();
}

void LoopLagProbe::stop()
{
    m_timer.stop();
}

LoopLag LoopLagProbe::take()
{
    const LoopLag lag = m_lag;
    m_lag.maxUs = m_lag.lastUs;
    return lag;
}

void LoopLagProbe::onTimeout()
{
    const auto now = steady_clock::now();
    const qint64 sinceLastUs = duration_cast<microseconds>(now - m_last).count();
    m_last = now;
    m_lag.lastUs = qMax<qint64>(0, sinceLastUs - qint64(m_intervalMs) * 1000);
    m_lag.maxUs = qMax(m_lag.maxUs, m_lag.lastUs);
    Q_EMIT sampled(m_lag.lastUs);
}
