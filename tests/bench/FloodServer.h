#pragma once

#include <QByteArray>
#include <QObject>

class QThread;
class FloodServerCore;

// A WebSocket server that answers the upgrade and then sends a fixed number of identical text
// messages as fast as the client reads them: the frames are built once and written as one block,
// so the client, not the server, sets the pace. Runs in its own thread.
class FloodServer : public QObject
{
    Q_OBJECT
public:
    FloodServer(int messages, int messageSize, QObject *parent = nullptr);
    ~FloodServer() override;
    quint16 port() const { return m_port; }

private:
    QThread *m_thread;
    FloodServerCore *m_core;
    quint16 m_port = 0;
};
