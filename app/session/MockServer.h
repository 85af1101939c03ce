#pragma once

#include "ConnectionSettings.h"
#include "MockRules.h"
#include "OwnedThread.h"
#include "RecordingReader.h"
#include "ScriptSource.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

class MockServerCore;

// Serves a recording as a mock WebSocket server, in a thread of its own. Each client is served
// independently:
//   Timed  the recorded server-to-client messages, with their original timing from the open
//   Reply  the recorded server messages that came before the first client message at once, then
//          after each client message the recorded server messages that followed it
// A script (one engine per client, in the server's thread) and mock rules may answer too: for each
// client message the script's onMessage runs first and its result is sent back (DROP holds back
// every other answer to that message), then the first matching rule answers, then the recording.
class MockServer : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Timed, Reply };
    struct Message
    {
        qint64 offsetUs; // after the open
        bool fromServer;
        bool binary;
        QByteArray payload;
    };

    explicit MockServer(QObject *parent = nullptr);
    ~MockServer() override; // stops and joins its thread

    // The messages of recorded events, timed from the open event (or the first message).
    static QList<Message> messagesOf(const QList<TrafficBatch> &batches);

    // Taken by the next listen(); empty: none.
    void setScript(const ScriptSource &script) { m_script = script; }
    void setRules(const MockRules &rules) { m_rules = rules; }
    // How long a client may take to send its upgrade request (taken by the next listen()).
    void setHandshakeTimeout(int ms) { m_handshakeTimeoutMs = ms; }

    bool listen(const QList<Message> &messages, Mode mode,
        const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0,
        QString *error = nullptr);
    void stop();
    quint16 port() const { return m_port; }
    QUrl url() const;
    QStringList clients() const { return m_clients; }

Q_SIGNALS:
    void clientConnected(const QString &peer);
    // why: "closed", "connection lost", or why the server dropped the client.
    void clientDisconnected(const QString &peer, const QString &why);
    // What the clients' scripts said (Script events), in batches.
    void scriptEvents(const TrafficBatch &batch);

private:
    OwnedThread m_thread;
    QHostAddress m_address;
    quint16 m_port = 0;
    QStringList m_clients;
    ScriptSource m_script;
    MockRules m_rules;
    int m_handshakeTimeoutMs = ConnectionSettings::DefaultUpgradeRequestTimeoutMs;
};
