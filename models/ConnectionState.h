#pragma once

#include <QMetaType>
#include <QString>

// The life cycle of one connection as the rest of the app sees it.
enum class ConnectionState : quint8 {
    Idle, // never opened
    Connecting, // TCP, TLS or the HTTP upgrade in progress
    Open,
    Closing, // a close was requested and is being carried out
    Reconnecting, // closed, waiting for the next automatic attempt
    Closed,
};

QString connectionStateName(ConnectionState state);

Q_DECLARE_METATYPE(ConnectionState)
