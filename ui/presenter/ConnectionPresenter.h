#pragma once

#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "HeartbeatTracker.h"
#include "LoopLag.h"
#include "MessageLogModel.h"
#include "ReplayPlan.h"
#include "ScriptLineLog.h"
#include "ScriptSource.h"

#include <QObject>

class ConnectionHandle;
class ConnectionManager;

// One connection as the window presents it, without any widget: it owns the connection handle
// and the traffic log, and derives from the events what the page shows — the state and how the
// last attempt ended, the handshake as sent and answered, per-attempt statistics and rates, the
// heartbeat's round trips and stalls, and the recording. The page binds to it; tests drive it
// with hand-made batches.
class ConnectionPresenter : public QObject
{
    Q_OBJECT
public:
    struct AttemptStatistics
    {
        int attempt = 0; // from 1; 0 before the first
        qint64 messagesIn = 0;
        qint64 messagesOut = 0;
        qint64 bytesIn = 0;
        qint64 bytesOut = 0;
        qint64 startedAtUs = -1;
        qint64 openedAtUs = -1;
        qint64 endedAtUs = -1;
    };
    // A script's error, log() line or test result, as the Script and Tests panels list them.
    using ScriptLine = ScriptLineLog::Line;
    static constexpr int MaxScriptLines = ScriptLineLog::MaxLines; // the oldest go first
    struct Ending
    {
        bool ended = false;
        TrafficEvent::Closer closedBy = TrafficEvent::Closer::None;
        TrafficEvent::CloseCause cause = TrafficEvent::CloseCause::None;
        TrafficEvent::TransportEnd transportEnd = TrafficEvent::TransportEnd::Unknown;
        quint16 code = 0;
        QString reason;
    };

    explicit ConnectionPresenter(ConnectionManager *manager, QObject *parent = nullptr);
    ~ConnectionPresenter() override; // shuts its connection down

    MessageLogModel *model() const { return m_model; }
    ConnectionHandle *connection() const { return m_connection; }
    ConnectionState state() const { return m_state; }
    const ConnectionSettings &settings() const { return m_settings; }
    qint64 nowUs() const;

    // Opens (or reopens) the connection with these settings; they must be valid.
    void open(const ConnectionSettings &settings);
    void close(quint16 code = 1000, const QString &reason = {});
    void cancel();
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);
    void setHeartbeat(const HeartbeatSettings &settings);
    void pingNow();
    bool startRecording(const QString &path, bool keepSecrets);
    void stopRecording();
    QString recordingPath() const { return m_recordingPath; }
    qint64 recordingBytes() const { return m_recordingBytes; }
    bool replay(const ReplayPlan &plan);
    void stopReplay();
    QString replayStatus() const { return m_replayStatus; }
    bool isReplaying() const { return m_replaying; } // started and not yet finished or stopped
    // Runs the script on the connection (now, or when it is opened); an empty source stops it.
    // The lines of the previous run are cleared.
    void setScript(const ScriptSource &source);
    const ScriptSource &script() const { return m_script; }
    const QList<ScriptLine> &scriptLines() const { return m_scriptLog.lines(); }
    int testsPassed() const { return m_scriptLog.testsPassed(); }
    int testsFailed() const { return m_scriptLog.testsFailed(); }

    const AttemptStatistics &attempt() const { return m_attempt; }
    const Ending &ending() const { return m_ending; }
    const HeartbeatTracker &heartbeat() const { return m_heartbeat; }
    LoopLag socketLag() const { return m_socketLag; }
    double rateIn() const { return m_rateIn; }
    double rateOut() const { return m_rateOut; }
    QString lastError() const { return m_error; }

    // "closed by the server: 4001 (bye) · TCP FIN"; empty until an attempt ended.
    QString endingText() const;
    // What the state label says: "open", "connecting…", or how the connection ended.
    QString stateText() const;
    QString handshakeText() const;
    QString statusText() const; // the status line

    // host:port/path?query, so two tabs on the same endpoint with different queries differ.
    static QString titleFor(const QUrl &url);
    static QString suggestedRecordingName(const QUrl &url, const QDateTime &at);
    // The upgrade request as it will be sent, from the settings (until the engine reports it).
    static QString requestHead(const ConnectionSettings &settings);

public Q_SLOTS:
    void ingest(const TrafficBatch &batch, const LoopLag &socketLag = {});
    void setState(ConnectionState state);
    void tick(); // the UI clock: rates and the recording's size

Q_SIGNALS:
    void stateChanged(ConnectionState state);
    void endingChanged();
    void handshakeChanged();
    void errorChanged(const QString &error);
    void attemptStarted(int attempt);
    void heartbeatChanged();
    void scriptLinesChanged(); // at most once per batch

private:
    void setError(const QString &error);

    ConnectionManager *m_manager;
    ConnectionHandle *m_connection = nullptr;
    MessageLogModel *m_model;
    ConnectionState m_state = ConnectionState::Idle;
    ConnectionSettings m_settings;
    AttemptStatistics m_attempt;
    int m_attempts = 0;
    Ending m_ending;
    HeartbeatTracker m_heartbeat;
    LoopLag m_socketLag;
    QString m_error;
    QString m_request;
    QString m_response;
    bool m_handshakeReported = false;
    QString m_recordingPath;
    qint64 m_recordingBytes = 0;
    QString m_replayStatus;
    bool m_replayConnected = false;
    bool m_replaying = false;
    qint64 m_lastEventUs = 0;
    AttemptStatistics m_lastRateSample;
    qint64 m_lastRateUs = -1;
    double m_rateIn = 0;
    double m_rateOut = 0;
    ScriptSource m_script;
    ScriptLineLog m_scriptLog;
};
