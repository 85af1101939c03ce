#pragma once

#include <QByteArray>
#include <QTcpSocket>

// Two clients of a server of ours that never finish their upgrade request, as a slowloris
// attack holds connections: one sends nothing, one sends half a request.
class SlowlorisClients
{
public:
    // Connects both to port on 127.0.0.1; false when they could not connect.
    bool connectTo(quint16 port);
    // Whether the server let both go within timeoutMs.
    bool waitUntilDropped(int timeoutMs = 5000);
    // What the server answered the half request.
    QByteArray answer() { return m_trickling.readAll(); }

private:
    QTcpSocket m_idle;
    QTcpSocket m_trickling;
};
