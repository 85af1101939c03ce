#include "ConnectionManager.h"

#include "ConnectionHandle.h"

#include <QDeadlineTimer>

ConnectionManager::ConnectionManager(QObject *parent) : QObject(parent) { }

ConnectionManager::~ConnectionManager()
{
    shutdownAll();
}

ConnectionHandle *ConnectionManager::createConnection(const ConnectionSettings &settings)
{
    auto *connection = new ConnectionHandle(settings);
    m_connections.append(connection);
    Q_EMIT connectionAdded(connection);
    return connection;
}

void ConnectionManager::removeConnection(ConnectionHandle *connection)
{
    if (!m_connections.removeOne(connection))
        return;
    Q_EMIT connectionRemoved(connection);
    delete connection; // shuts down and joins its thread
}

bool ConnectionManager::shutdownAll(int timeoutMs)
{
    const QList<ConnectionHandle *> connections = std::exchange(m_connections, {});
    for (ConnectionHandle *c : connections)
        c->beginShutdown();
    const QDeadlineTimer deadline(timeoutMs);
    bool allJoined = true;
    for (ConnectionHandle *c : connections) {
        allJoined = c->waitForShutdown(deadline) && allJoined;
        Q_EMIT connectionRemoved(c);
        delete c;
    }
    return allJoined;
}
