#pragma once

#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "LoopLag.h"
#include "ReplayPlan.h"
#include "TrafficBatch.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

class ConnectionHandle;
class SignalWatcher;
class StdinLineReader;

// `sockscope connect URL`: every stdin line goes out as a text message, every message received
// is printed, status goes to stderr. EOF closes with 1000; Ctrl+C or SIGTERM closes (or cancels a
// pending connect) and exits at once. The connection runs in its own thread like in the window.
class ConnectCommand : public QObject
{
    Q_OBJECT
public:
    // With a recordPath, everything is also recorded to that file (`sockscope record`); the file
    // is complete when exec() returns.
    ConnectCommand(const ConnectionSettings &settings, bool showPings,
        const QString &recordPath = {}, QObject *parent = nullptr);
    // `sockscope replay`: instead of reading stdin, sends the plan with its timing, prints what it
    // sends and receives, waits lingerMs for replies after the last message, then closes with 1000.
    void setReplay(const ReplayPlan &plan, int lingerMs);
    ~ConnectCommand() override;

    int exec(); // runs until the connection is over; returns the exit status

private:
    void onEvents(const TrafficBatch &batch);
    void onStateChanged(ConnectionState state);
    void onLine(const QString &line);
    void onEndOfInput();
    void onSignal(int signalNumber);
    void quit(int status);

    ConnectionSettings m_settings;
    bool m_showPings;
    QString m_recordPath;
    ReplayPlan m_replay;
    bool m_replaying = false;
    int m_lingerMs = 1000;
    QTimer m_linger;
    ConnectionHandle *m_connection = nullptr;
    StdinLineReader *m_stdin = nullptr;
    SignalWatcher *m_signals = nullptr;
    QStringList m_queued; // lines typed before the connection opened
    bool m_inputEnded = false;
    bool m_interrupted = false;
    int m_status = -1; // from the latest close event
    QTimer m_forceExit;
};
