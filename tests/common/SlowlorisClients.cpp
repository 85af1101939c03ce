#include "SlowlorisClients.h"

#include <QHostAddress>
#include <QTest>

bool SlowlorisClients::connectTo(quint16 port)
{
    m_idle.connectToHost(QHostAddress::LocalHost, port);
    m_trickling.connectToHost(QHostAddress::LocalHost, port);
    if (!m_idle.waitForConnected(5000) || !m_trickling.waitForConnected(5000))
        return false;
    m_trickling.write("GET / HTTP/1.1\r\nHost: x\r\n");
    return true;
}

bool SlowlorisClients::waitUntilDropped(int timeoutMs)
{
    return QTest::qWaitFor(
        [this] {
            return m_idle.state() == QAbstractSocket::UnconnectedState
                && m_trickling.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}
