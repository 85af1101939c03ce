#pragma once

#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "LoopLag.h"
#include "MessagePrinter.h"
#include "RecordingTest.h"

#include <QObject>
#include <QTimer>

class ConnectionHandle;
class SignalWatcher;

// `sockscope test FILE --to URL`: replays the recording's client messages on a connection thread,
// each after the replies recorded before it arrived (or --timeout passed), and checks every server
// message against the recorded one (RecordingTest). Prints a line per step as each step ends, the
// differences under a failed one, a summary, and optionally a JUnit file. Exit statuses are
// ExitStatus::Test's.
class TestCommand : public QObject
{
    Q_OBJECT
public:
    TestCommand(const ConnectionSettings &settings, const QList<TrafficBatch> &recording,
        const RecordingTest::Options &options, double speed, int timeoutMs,
        QObject *parent = nullptr);
    ~TestCommand() override;

    int clientMessages() const { return m_test.clientMessages(); }
    // Writes JUnit XML to path at the end, as suite suiteName.
    void setJUnit(const QString &path, const QString &suiteName);
    int exec(); // runs until the connection is over; returns the exit status

private:
    void onEvents(const TrafficBatch &batch);
    void onStateChanged(ConnectionState state);
    void onReplayFinished(bool completed);
    void onSignal();
    void printResults();
    int finish();

    ConnectionSettings m_settings;
    RecordingTest m_test;
    ReplayPlan m_plan;
    MessagePrinter m_printer; // connection status on stderr
    QString m_junitPath;
    QString m_suiteName;
    ConnectionHandle *m_connection = nullptr;
    SignalWatcher *m_signals = nullptr;
    bool m_opened = false;
    bool m_replayDone = false; // every message sent and its replies waited for
    bool m_interrupted = false;
    qint64 m_lastEventUs = 0;
    QTimer m_forceExit;
};
