#include "ConnectionState.h"

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Idle:
        return QStringLiteral("idle");
    case ConnectionState::Connecting:
        return QStringLiteral("connecting");
    case ConnectionState::Open:
        return QStringLiteral("open");
    case ConnectionState::Closing:
        return QStringLiteral("closing");
    case ConnectionState::Reconnecting:
        return QStringLiteral("reconnecting");
    case ConnectionState::Closed:
        return QStringLiteral("closed");
    }
    return {};
}
