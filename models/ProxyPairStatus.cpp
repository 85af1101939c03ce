#include "ProxyPairStatus.h"

QString proxyPairStateName(ProxyPairState state)
{
    switch (state) {
    case ProxyPairState::Handshaking:
        return QStringLiteral("handshaking");
    case ProxyPairState::Open:
        return QStringLiteral("open");
    case ProxyPairState::Closing:
        return QStringLiteral("closing");
    case ProxyPairState::Closed:
        return QStringLiteral("closed");
    }
    return {};
}
