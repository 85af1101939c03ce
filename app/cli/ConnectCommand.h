#pragma once

#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "LoopLag.h"
#include "MessagePrinter.h"
#include "ReplayPlan.h"
#include "ScriptSource.h"
#include "ScriptTestReport.h"
#include "SecretRedaction.h"
#include "TrafficBatch.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

class ConnectionHandle;
class SessionRecorder;
class SignalWatcher;
class StdinLineReader;

// `sockscope connect URL`: every stdin line goes out as a text message, every message received
// is printed, status goes to stderr. EOF closes with 1000; Ctrl+C or SIGTERM closes (or cancels a
// pending connect) and exits at once. The connection runs in its own thread like in the window.
class ConnectCommand : public QObject
{
    Q_OBJECT
public:
    ConnectCommand(const ConnectionSettings &settings, const MessagePrinter::Options &printing,
        QObject *parent = nullptr);
    // `sockscope record`: everything is also recorded to path, with the redaction policy. The
    // file is opened before connecting (exec() fails at once if it cannot be written), and is
    // complete when exec() returns; a write that fails (disk full) ends the session.
    void setRecording(const QString &path, SecretRedaction::Policy policy);
    // `sockscope replay`: instead of reading stdin, sends the plan with its timing, prints what it
    // sends and receives, waits lingerMs for replies after the last message, then closes with 1000.
    void setReplay(const ReplayPlan &plan, int lingerMs);
    // --script: runs the script on the connection; EOF on stdin no longer closes (the script, the
    // server or Ctrl+C ends the session). Test results are summed up at the end, written as JUnit
    // to junitPath if given, and a failed test (or a script that did not load) exits with 8.
    void setScript(const ScriptSource &script, const QString &junitPath);
    ~ConnectCommand() override;

    int exec(); // runs until the connection is over; returns the exit status

private:
    void onEvents(const TrafficBatch &batch);
    void onStateChanged(ConnectionState state);
    void onLine(const QString &line);
    void onEndOfInput();
    void onSignal(int signalNumber);
    void onOutputFailed(int error); // errno of the failed write to stdout
    void endSession(); // as on the first Ctrl+C: close, or cancel what is under way
    void onRecordingFailed(const QString &message);
    void closeOrCancel();
    void quit(int status);
    int finishRecording(int status);
    int finishScript(int status);

    ConnectionSettings m_settings;
    MessagePrinter m_printer;
    QString m_recordPath;
    SecretRedaction::Policy m_recordPolicy = SecretRedaction::Policy::Redact;
    SessionRecorder *m_recorder = nullptr;
    bool m_recordingFailed = false;
    ReplayPlan m_replay;
    bool m_replaying = false;
    int m_lingerMs = 1000;
    ScriptSource m_script;
    QString m_junitPath;
    ScriptTestReport m_tests;
    QTimer m_linger;
    ConnectionHandle *m_connection = nullptr;
    StdinLineReader *m_stdin = nullptr;
    SignalWatcher *m_signals = nullptr;
    QStringList m_queued; // lines typed before the connection opened
    bool m_inputEnded = false;
    bool m_interrupted = false;
    bool m_interruptedBeforeOpen = false;
    bool m_outputFailed = false; // stdout cannot be written: printing stopped
    bool m_outputError = false; // ... and not because its reader went away (exit 6)
    int m_status = -1; // from the latest close event
    QTimer m_forceExit;
};
