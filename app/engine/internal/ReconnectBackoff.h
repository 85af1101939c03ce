#pragma once

#include "ConnectionSettings.h"

class QRandomGenerator;

// Delays between automatic reconnection attempts: the first is random in [0, initial] so that
// many clients dropped at once don't return at once; after that the delay doubles up to a cap.
class ReconnectBackoff
{
public:
    explicit ReconnectBackoff(
        const ReconnectSettings &settings = {}, QRandomGenerator *random = nullptr);

    void setSettings(const ReconnectSettings &settings) { m_settings = settings; }
    int nextDelayMs(); // counts an attempt
    int attempts() const { return m_attempts; }
    bool exhausted() const
    {
        return m_settings.maxAttempts > 0 && m_attempts >= m_settings.maxAttempts;
    }
    void reset() { m_attempts = 0; }

private:
    ReconnectSettings m_settings;
    QRandomGenerator *m_random;
    int m_attempts = 0;
};
