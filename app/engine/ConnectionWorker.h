#pragma once

#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "EventClock.h"
#include "LoopLag.h"
#include "ReconnectBackoff.h"
#include "Replayer.h"
#include "TrafficBatch.h"

#include <QAbstractSocket>
#include <QObject>
#include <QStringList>

class EventBatcher;
class Heartbeat;
class LoopLagProbe;
class QSslError;
class SessionRecorder;
class QTimer;
class QWebSocket;

// One connection, living in its own QThread. It owns the QWebSocket and every timer of the
// connection, all created in that thread by initialize(); nothing here is ever touched from
// another thread. Requests arrive as queued slot calls; what happens leaves as batches of events.
class ConnectionWorker : public QObject
{
    Q_OBJECT
public:
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

Q_SIGNALS:
    void eventsReady(const TrafficBatch &batch, const LoopLag &lag);
    void stateChanged(ConnectionState state);
    void replayProgress(int sent, int total);
    void replayFinished(bool completed, const QString &detail);

private:
    struct CloseRequest
    {
        bool pending = false;
        quint16 code = 0;
        QString reason;
        TrafficEvent::CloseCause cause = TrafficEvent::CloseCause::None;
    };

    TrafficEvent makeEvent(TrafficEvent::Kind kind, TrafficEvent::Direction direction) const;
    void post(TrafficEvent &&event);
    void note(TrafficEvent::Kind kind, const QString &text);
    void setState(ConnectionState state);

    void connectNow();
    void releaseSocket();
    void closeSocket(quint16 code, const QString &reason, TrafficEvent::CloseCause cause);
    void fail(TrafficEvent::CloseCause cause, const QString &message, int httpStatus = 0);
    void finish(TrafficEvent::Closer closedBy, quint16 code, const QString &reason,
        TrafficEvent::CloseCause cause);
    bool shouldReconnect(TrafficEvent::CloseCause cause) const;

    void onConnected();
    void onDisconnected();
    void onAboutToClose();
    void onSocketError(QAbstractSocket::SocketError error);
    void onSslErrors(const QList<QSslError> &errors);
    void onTextMessage(const QString &message);
    void onBinaryMessage(const QByteArray &message);
    void onPong(quint64 elapsedMs, const QByteArray &payload);
    void onPongOverdue(quint32 sequence, qint64 waitedUs);
    void onConnectTimeout();
    void onLoopSampled();

    ConnectionSettings m_settings;
    const EventClock &m_clock;
    ConnectionState m_state = ConnectionState::Idle;
    ReconnectBackoff m_backoff;

    // Created in the worker thread by initialize(), children of this object.
    QWebSocket *m_socket = nullptr;
    QTimer *m_connectTimer = nullptr;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_closeGraceTimer = nullptr;
    Heartbeat *m_heartbeat = nullptr;
    EventBatcher *m_batcher = nullptr;
    LoopLagProbe *m_lagProbe = nullptr;
    SessionRecorder *m_recorder = nullptr;
    Replayer *m_replayer = nullptr;
    ReplayPlan m_pendingReplay;

    CloseRequest m_closeRequest;
    bool m_closeFrameSeen = false; // a close handshake started that we did not ask for
    bool m_connectionLost = false; // the TCP connection ended under us
    bool m_shuttingDown = false;
    bool m_reconnectAfterHeartbeat = false;
    QStringList m_sslErrors;
    qint64 m_lastReportUs = 0;
};
