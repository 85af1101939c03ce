#pragma once

#include "OwnedThread.h"
#include <QByteArray>

#include <QObject>

class FloodServerCore;

// A WebSocket server that answers the upgrade and then sends a fixed number of identical text
// messages (then a close frame) as fast as the client reads them: the frames are built once and
// written as one block, so the client, not the server, sets the pace. Runs in its own thread.
class FloodServer : public QObject
{
    Q_OBJECT
public:
    // With deflate, a client that offers permessage-deflate gets the same messages compressed
    // (one deflate stream, context takeover, as browsers and servers do by default).
    FloodServer(int messages, int messageSize, bool deflate = false, QObject *parent = nullptr);
    ~FloodServer() override;
    quint16 port() const { return m_port; }

private:
    OwnedThread m_thread;
    quint16 m_port = 0;
};
