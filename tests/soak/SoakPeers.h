#pragma once

#include "PeerProcess.h"
#include "TestServer.h"

#include <QUrl>

#include <memory>

// Every local peer the soak test talks to, started once for the whole run, on 127.0.0.1 only:
// in-process servers (echo with bursts and server-side closes, a silent one) and real peers
// (python3-websockets: echo with drop-mid, a second echo that stalls its whole loop on request,
// one that drops TCP in the middle of a frame right after the upgrade; node-ws: echo, and a
// server that floods each client and closes).
class SoakPeers
{
public:
    static constexpr int NodeFloodCount = 300;
    static constexpr int NodeFloodSize = 256;

    // False with the reason in errorText() when a peer did not come up.
    bool start();
    QString errorText() const { return m_error; }

    QUrl echo() const { return m_echo->url(QStringLiteral("/soak")); }
    QUrl silent() const { return m_silent->url(); }
    QUrl pythonEcho() const { return m_pythonEcho.url(); }
    QUrl pythonStall() const { return m_pythonStall.url(); }
    QUrl pythonDropMid() const { return m_pythonDropMid.url(); }
    QUrl nodeEcho() const { return m_nodeEcho.url(); }
    QUrl nodeFlood() const { return m_nodeFlood.url(); }

private:
    std::unique_ptr<TestServer> m_echo;
    std::unique_ptr<TestServer> m_silent;
    PeerProcess m_pythonEcho;
    PeerProcess m_pythonStall;
    PeerProcess m_pythonDropMid;
    PeerProcess m_nodeEcho;
    PeerProcess m_nodeFlood;
    QString m_error;
};
