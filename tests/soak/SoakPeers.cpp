#include "SoakPeers.h"

bool SoakPeers::start()
{
    m_echo = std::make_unique<TestServer>(TestServer::Mode::Echo);
    m_silent = std::make_unique<TestServer>(TestServer::Mode::Silent);
    struct Start
    {
        PeerProcess *peer;
        bool python;
        QStringList arguments;
    };
    const Start peers[] = {
        {&m_pythonEcho, true, {QStringLiteral("echo")}},
        {&m_pythonStall, true, {QStringLiteral("echo")}},
        {&m_pythonDropMid, true, {QStringLiteral("dropmid")}},
        {&m_nodeEcho, false, {QStringLiteral("echo")}},
        {&m_nodeFlood, false,
            {QStringLiteral("flood"), QString::number(NodeFloodCount),
                QString::number(NodeFloodSize)}},
    };
    for (const Start &s : peers) {
        const bool started
            = s.python ? s.peer->startPython(s.arguments) : s.peer->startNode(s.arguments);
        if (!started) {
            m_error = s.peer->errorText();
            return false;
        }
    }
    return true;
}
