#pragma once

#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "EventClock.h"
#include "LoopLag.h"
#include "OwnedThread.h"
#include "ReplayPlan.h"
#include "ScriptSource.h"
#include "TrafficBatch.h"

#include <QObject>

class ConnectionWorker;

// The GUI-side face of one connection, and the thread boundary: it owns the connection's QThread
// and its ConnectionWorker, forwards requests to the worker as queued calls, and re-emits what the
// worker reports in this object's thread. Nothing else in the app talks to the worker.
class ConnectionHandle : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionHandle(const ConnectionSettings &settings, QObject *parent = nullptr);
    // Shuts the worker down and joins its thread.
    ~ConnectionHandle() override;

    const ConnectionSettings &settings() const { return m_settings; }
    ConnectionState state() const { return m_state; }
    const EventClock &clock() const { return m_clock; }
    // The script last given to loadScript() (empty: none).
    const ScriptSource &script() const { return m_script; }

    // Shutting down many connections in parallel: begin on all, then wait on all.
    void beginShutdown();
    bool waitForShutdown(QDeadlineTimer deadline); // joins the thread: isShutDown() after
    bool isShutDown() const;

public Q_SLOTS:
    void open(); // with the current settings
    void openWith(const ConnectionSettings &settings);
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);
    void setHeartbeat(const HeartbeatSettings &settings);
    void pingNow();
    void requestClose(quint16 code = 1000, const QString &reason = {});
    void cancel();
    void startRecording(const QString &path, bool keepSecrets = false);
    void stopRecording();
    void startReplay(const ReplayPlan &plan);
    void cancelReplay();
    // Runs the script in the connection's thread from now on, replacing the one running; an
    // empty source stops it. Its errors, log() lines and test results arrive as Script events.
    void loadScript(const ScriptSource &source);

Q_SIGNALS:
    void eventsReceived(const TrafficBatch &batch, const LoopLag &socketThreadLag);
    void stateChanged(ConnectionState state);
    void replayProgress(int sent, int total);
    void replayFinished(bool completed, const QString &detail);

private:
    template<typename F> void post(F &&call);

    ConnectionSettings m_settings;
    EventClock m_clock;
    OwnedThread m_thread;
    ConnectionWorker *m_worker;
    ConnectionState m_state = ConnectionState::Idle;
    ScriptSource m_script;
    bool m_shutdownBegun = false;
};
