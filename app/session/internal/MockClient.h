#pragma once

#include "MockRules.h"
#include "MockServer.h"
#include "ScriptHost.h"
#include "ServerHandshake.h"
#include "WireConnection.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

class TcpTransport;
class QTimer;

// One client of the mock server, in the mock server's thread: our own codec in the server role
// (unmasked frames out, masked frames required in), the handshake, and the client's schedule of
// recorded messages. A client that stops reading is not queued to without bound: the timed
// schedule waits for it to drain, and in reply mode it is dropped with the reason logged.
class MockClient : public QObject, private WireConnection::Listener, private ScriptHost::Connection
{
    Q_OBJECT
public:
    // Bytes queued to a client before the schedule waits (timed) or the client is dropped (reply).
    static constexpr qint64 HighWaterBytes = 8 * 1024 * 1024;

    // script and rules may be empty; they belong to the server and outlive its clients.
    MockClient(qintptr descriptor, const QList<MockServer::Message> &messages,
        MockServer::Mode mode, const ScriptSource &script, const MockRules &rules,
        int handshakeTimeoutMs, QObject *parent);
    ~MockClient() override;

    QString peer() const { return m_peer; }

Q_SIGNALS:
    void opened(const QString &peer);
    void finished(const QString &peer, const QString &why);
    // A Script event (log(), an error, a test result) of this client's script.
    void scriptEvent(const TrafficEvent &event);

private:
    void onReadyRead();
    void onDrained();
    void end(const QString &why);
    void startServing();
    void sendNext(); // timed mode: what is due now, then wait for the next
    int sendServerRun(int index); // reply mode: the recorded answers from index on
    void send(const MockServer::Message &m);
    void flush();

    void messageReceived(
        quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info) override;
    void pingReceived(const char *, qint64, const WireFrameInfo &) override { flush(); }
    void pongReceived(const char *, qint64, const WireFrameInfo &) override { }
    void closeFrameReceived(
        quint16 code, const QString &reason, const WireFrameInfo &, bool answered) override;
    void protocolViolated(quint16 code, const QString &reason, qint64 offset) override;

    // ScriptHost::Connection
    void scriptSend(bool binary, const QByteArray &payload) override;
    void scriptClose(quint16 code, const QString &reason) override;
    void scriptOutput(TrafficEvent::ScriptNote note, const QString &text, int line,
        const QString &detail) override;
    // The script and the rules on a client message; false when DROP holds back the answers.
    bool answerScripted(quint8 opcode, const char *data, qint64 size);
    void closeWith(quint16 code, const QString &reason);

    const QList<MockServer::Message> &m_messages;
    MockServer::Mode m_mode;
    const ScriptSource &m_scriptSource;
    const MockRules &m_rules;
    ScriptHost *m_script = nullptr;
    int m_pendingReplies = 0; // delayed rule answers not sent yet
    TcpTransport *m_transport;
    ServerHandshake m_handshake;
    std::unique_ptr<WireConnection> m_wire;
    QTimer *m_timer;
    QElapsedTimer m_clock;
    int m_next = 0;
    bool m_waitingToDrain = false;
    bool m_ended = false;
    QString m_peer;
};
