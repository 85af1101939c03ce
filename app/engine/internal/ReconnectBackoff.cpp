#include "ReconnectBackoff.h"

#include <QRandomGenerator>

ReconnectBackoff::ReconnectBackoff(const ReconnectSettings &settings, QRandomGenerator *random)
    : m_settings(settings), m_random(random ? random : QRandomGenerator::global())
{ }

int ReconnectBackoff::nextDelayMs()
{
    ++m_attempts;
    const int initial = qMax(0, m_settings.initialDelayMs);
    if (m_attempts == 1)
        return initial == 0 ? 0 : int(m_random->bounded(initial + 1));
    // initial * 2^(attempt-1), computed without overflow.
    qint64 delay = qMax(1, initial);
    for (int i = 1; i < m_attempts && delay < m_settings.maxDelayMs; ++i)
        delay *= 2;
    return int(qMin<qint64>(delay, m_settings.maxDelayMs));
}
