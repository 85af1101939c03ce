#pragma once

#include "OwnedThread.h"

#include <QObject>
#include <QUrl>

class DemoServerCore;

// The built-in demo server: a QWebSocketServer on 127.0.0.1 (random port) in its own thread.
//   /echo                     echoes text and binary
//   /ticker?rate=N            JSON ticks, N per second (default 5, up to 100000)
//   /binary                   a binary frame every 500 ms; echoes binary
//   /stall?seconds=S          echoes; 3 s after connecting, and every 15 s, this connection stops
//                             answering for S seconds (default 3), so pongs stop and resume; the
//                             text "stall" stalls at once. Each /stall connection runs in a thread
//                             of its own, so a stall holds up no other connection.
//   /close?code=C&reason=R    closes with that code and reason half a second after the upgrade
class DemoServer : public QObject
{
    Q_OBJECT
public:
    explicit DemoServer(QObject *parent = nullptr);
    ~DemoServer() override; // stops the server and joins its thread

    bool start(QString *error = nullptr);
    void stop();
    bool isRunning() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    QUrl url(const QString &pathAndQuery) const;

    static QStringList endpoints();

private:
    OwnedThread m_thread;
    quint16 m_port = 0;
};
