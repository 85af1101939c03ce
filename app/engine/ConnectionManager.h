#pragma once

#include "ConnectionSettings.h"

#include <QList>
#include <QObject>

class ConnectionHandle;

// Owns every connection of the application and shuts them all down together, in parallel and in
// bounded time, whatever state each is in.
class ConnectionManager : public QObject
{
    Q_OBJECT
public:
    static constexpr int ShutdownTimeoutMs = 3000;

    explicit ConnectionManager(QObject *parent = nullptr);
    ~ConnectionManager() override;

    ConnectionHandle *createConnection(const ConnectionSettings &settings);
    void removeConnection(ConnectionHandle *connection);
    const QList<ConnectionHandle *> &connections() const { return m_connections; }

    // Returns true when every thread was joined within timeoutMs.
    bool shutdownAll(int timeoutMs = ShutdownTimeoutMs);

Q_SIGNALS:
    void connectionAdded(ConnectionHandle *connection);
    void connectionRemoved(ConnectionHandle *connection);

private:
    QList<ConnectionHandle *> m_connections;
};
