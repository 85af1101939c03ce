#pragma once

#include "ConnectionEnding.h"
#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "EventClock.h"
#include "LoopLag.h"
#include "ReconnectBackoff.h"
#include "Replayer.h"
#include "ScriptHost.h"
#include "ScriptSource.h"
#include "TrafficBatch.h"
#include "Transport.h"
#include "WireConnection.h"

#include <QList>
#include <QObject>

#include <memory>

class ClientHandshake;
class EventBatcher;
class Heartbeat;
class LoopLagProbe;
class LiveRecording;
class QTimer;

// One connection, living in its own QThread. It owns the transport (TCP or TLS), the opening
// handshake, the WebSocket codec and every timer of the connection, all created in that thread;
// nothing here is ever touched from another thread. Requests arrive as queued slot calls; what
// happens leaves as batches of events, each with how it was framed on the wire.
class ConnectionWorker : public QObject,
                         private WireConnection::Listener,
                         private ScriptHost::Connection
{
    Q_OBJECT
public:
    // The worker keeps its own copy of the clock: nothing ties it to the handle's lifetime.
    ConnectionWorker(const ConnectionSettings &settings, const EventClock &clock);
    ~ConnectionWorker() override;

public Q_SLOTS:
    void initialize(); // first thing in the worker thread
    void open(const ConnectionSettings &settings);
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);
    void setHeartbeat(const HeartbeatSettings &settings);
    void pingNow();
    void requestClose(quint16 code, const QString &reason);
    void cancel();
    void shutdown(); // closes whatever state the connection is in, then ends the thread
    // Records from now on (replacing a recording in progress); the file is written by a thread of
    // its own. Secrets in the request headers are redacted unless keepSecrets.
    void startRecording(const QString &path, bool keepSecrets);
    void stopRecording();
    // Sends the plan's messages with their timing once the connection is open.
    void startReplay(const ReplayPlan &plan);
    void cancelReplay();
    // Runs the script on this connection from now on, replacing the one running (an empty
    // source removes it). If the connection is open, its onOpen runs at once.
    void loadScript(const ScriptSource &source);

Q_SIGNALS:
    void eventsReady(const TrafficBatch &batch, const LoopLag &lag);
    void stateChanged(ConnectionState state);
    void replayProgress(int sent, int total);
    void replayFinished(bool completed, const QString &detail);

private:
    struct DelayedPong
    {
        qint64 dueUs;
        qint64 receivedUs;
        QByteArray payload;
    };

    TrafficEvent makeEvent(TrafficEvent::Kind kind, TrafficEvent::Direction direction) const;
    void post(TrafficEvent &&event);
    void note(TrafficEvent::Kind kind, const QString &text);
    void setState(ConnectionState state);

    void connectNow();
    void releaseTransport();
    void closeWith(quint16 code, const QString &reason, ConnectionEnding::LocalReason why);
    void fail(TrafficEvent::CloseCause cause, const QString &message, int httpStatus = 0);
    void finish(TrafficEvent::Closer closedBy, quint16 code, const QString &reason,
        TrafficEvent::CloseCause cause,
        TrafficEvent::TransportEnd transportEnd = TrafficEvent::TransportEnd::Unknown);
    void finishFromWire(TrafficEvent::TransportEnd end);
    bool shouldReconnect(TrafficEvent::CloseCause cause) const;

    void onTransportConnected();
    void onConnectFailed(Transport::ConnectError error, const QString &message);
    void onReadyRead();
    void onTransportEnded();
    void processIncoming(char *data, qint64 size);
    void onHandshakeDone(qint64 consumed, char *data, qint64 size);
    void postHandshakeEvent();
    void flushOutput();
    void postCloseFrame(TrafficEvent::Direction direction, quint16 code, const QString &reason,
        const WireFrameInfo &info);
    void sendPong(const QByteArray &payload, qint64 receivedUs);
    void sendDuePongs();
    void applyPongPolicy();
    void onPongOverdue(quint32 sequence, qint64 waitedUs);
    void onConnectTimeout();
    void onCloseTimeout();
    void onLoopSampled();

    // WireConnection::Listener: called from inside processIncoming().
    void messageReceived(
        quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info) override;
    void pingReceived(const char *data, qint64 size, const WireFrameInfo &info) override;
    void pongReceived(const char *data, qint64 size, const WireFrameInfo &info) override;
    void closeFrameReceived(
        quint16 code, const QString &reason, const WireFrameInfo &info, bool answered) override;
    void protocolViolated(quint16 code, const QString &reason, qint64 offset) override;

    // ScriptHost::Connection
    void scriptSend(bool binary, const QByteArray &payload) override;
    void scriptClose(quint16 code, const QString &reason) override;
    void scriptOutput(TrafficEvent::ScriptNote note, const QString &text, int line,
        const QString &detail) override;
    void runScript(quint8 opcode, const char *data, qint64 size);
    void sendUtf8(const QByteArray &utf8);

    ConnectionSettings m_settings;
    const EventClock m_clock;
    ConnectionState m_state = ConnectionState::Idle;
    ReconnectBackoff m_backoff;

    // Created in the worker thread by initialize() or per attempt, children of this object.
    Transport *m_transport = nullptr;
    std::unique_ptr<ClientHandshake> m_handshake;
    std::unique_ptr<WireConnection> m_wire;
    std::unique_ptr<char[]> m_readBuffer;
    QTimer *m_connectTimer = nullptr;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_closeTimer = nullptr;
    QTimer *m_pongTimer = nullptr;
    Heartbeat *m_heartbeat = nullptr;
    EventBatcher *m_batcher = nullptr;
    LoopLagProbe *m_lagProbe = nullptr;
    LiveRecording *m_recording = nullptr;
    Replayer *m_replayer = nullptr;
    ScriptHost *m_script = nullptr; // none unless a script was loaded: no cost per message
    ReplayPlan m_pendingReplay;

    // The attempt in progress.
    QString m_subprotocol;
    QList<DelayedPong> m_delayedPongs;
    ConnectionEnding::LocalReason m_localReason = ConnectionEnding::LocalReason::None;
    QString m_sentReason;
    bool m_reconnectAfterHeartbeat = false;
    bool m_shuttingDown = false;
    bool m_readScheduled = false;
    qint64 m_nowUs = 0; // when the bytes being parsed arrived
    qint64 m_nowWallMs = 0;
    WireFrameInfo m_controlInfo; // of the pong or ping being handled
    qint64 m_lastReportUs = 0;
};
