#pragma once

#include "OwnedThread.h"
#include <QAtomicInt>

#include <QObject>
#include <QUrl>

class TestServerCore;

// An in-process server for engine tests, running in its own thread so that a test may block its
// own (GUI) thread without stopping the server. Modes:
//   Echo     QWebSocketServer echoing; text commands: "close CODE REASON", "burst N SIZE"
//            (N text messages of SIZE bytes, each starting with its number), "binary N" (one binary
//            message of N bytes)
//   Silent   accepts TCP, never answers
//   Redirect answers the upgrade with 302 Found and a Location header, keeps TCP open
//   Trickle  completes the upgrade, announces a 64 MiB binary frame and sends it slowly
class TestServer : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Echo, Silent, Redirect, Trickle };

    explicit TestServer(Mode mode = Mode::Echo, QObject *parent = nullptr);
    ~TestServer() override;

    quint16 port() const { return m_port; }
    QUrl url(const QString &path = QStringLiteral("/")) const;
    int accepted() const { return m_accepted.loadAcquire(); }
    int clientsGone() const { return m_gone.loadAcquire(); }

private:
    friend class TestServerCore;
    OwnedThread m_thread;
    quint16 m_port = 0;
    QAtomicInt m_accepted;
    QAtomicInt m_gone;
};
