#pragma once

#include "ConnectionSettings.h"

// Settings for a test connection: the URL, and no heartbeat unless the test asks for one.
inline ConnectionSettings quietSettings(const QUrl &url)
{
    ConnectionSettings s;
    s.url = url;
    s.heartbeat.enabled = false;
    return s;
}
