#include "TestCommand.h"

#include "ConnectionHandle.h"
#include "ExitStatus.h"
#include "SecretRedaction.h"
#include "SignalWatcher.h"
#include "TerminalText.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

namespace {

using TerminalText::writeLine;

// A close request gets this long to finish before the process exits anyway.
constexpr int ForceExitMs = 150;
// At the end, how long the connection thread gets to hand over its last events.
constexpr int FinalShutdownMs = 1000;

void write(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

TestCommand::TestCommand(const ConnectionSettings &settings, const QList<TrafficBatch> &recording,
    const RecordingTest::Options &options, double speed, int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_test(recording, options)
    , m_plan(m_test.plan(speed, timeoutMs))
{
    // A lost connection is a failed test, never a reason to connect again.
    m_settings.reconnect.enabled = false;
    if (m_settings.heartbeat.onTimeout == HeartbeatSettings::TimeoutAction::Reconnect)
        m_settings.heartbeat.onTimeout = HeartbeatSettings::TimeoutAction::Close;
    m_forceExit.setSingleShot(true);
    connect(&m_forceExit, &QTimer::timeout, this, [] { QCoreApplication::exit(); });
}

TestCommand::~TestCommand()
{
    delete m_connection; // joins the connection thread
}

void TestCommand::setJUnit(const QString &path, const QString &suiteName)
{
    m_junitPath = path;
    m_suiteName = suiteName;
}

int TestCommand::exec()
{
    m_connection = new ConnectionHandle(m_settings);
    m_signals = new SignalWatcher({SIGINT, SIGTERM}, this);
    connect(m_signals, &SignalWatcher::signalReceived, this, &TestCommand::onSignal);
    connect(m_connection, &ConnectionHandle::eventsReceived, this, &TestCommand::onEvents);
    connect(m_connection, &ConnectionHandle::stateChanged, this, &TestCommand::onStateChanged);
    connect(m_connection, &ConnectionHandle::replayFinished, this,
        [this](bool completed) { onReplayFinished(completed); });
    m_connection->startReplay(m_plan); // starts in the connection's thread once it is open
    writeLine(stderr,
        QStringLiteral("* testing %1 step(s) against %2")
            .arg(m_test.clientMessages())
            .arg(SecretRedaction::url(m_settings.url).toString()));
    m_connection->open();
    QCoreApplication::exec();
    return finish();
}

void TestCommand::onEvents(const TrafficBatch &batch)
{
    m_test.addLive(batch);
    for (const TrafficEvent &e : batch.events) {
        m_lastEventUs = e.timeUs;
        if (!e.isMessage()) {
            const QByteArray status = m_printer.status(batch, e);
            if (!status.isEmpty())
                write(stderr, status);
        }
    }
    printResults();
}

void TestCommand::printResults()
{
    for (const RecordingTest::StepResult &result : m_test.takeNewResults()) {
        for (const QString &line : result.lines())
            writeLine(stdout, line);
    }
}

void TestCommand::onStateChanged(ConnectionState state)
{
    if (state == ConnectionState::Open)
        m_opened = true;
    else if (state == ConnectionState::Closed)
        QCoreApplication::exit();
}

void TestCommand::onReplayFinished(bool completed)
{
    m_replayDone = completed;
    if (m_connection->state() == ConnectionState::Open)
        m_connection->requestClose(1000);
}

void TestCommand::onSignal()
{
    if (m_interrupted) { // a second Ctrl+C: leave now
        QCoreApplication::exit();
        return;
    }
    m_interrupted = true;
    if (m_connection->state() == ConnectionState::Open)
        m_connection->requestClose(1000);
    else
        m_connection->cancel();
    m_forceExit.start(ForceExitMs);
}

int TestCommand::finish()
{
    // The connection's last events (its close) count too.
    disconnect(m_connection, &ConnectionHandle::stateChanged, this, nullptr);
    m_connection->beginShutdown();
    m_connection->waitForShutdown(QDeadlineTimer(FinalShutdownMs));
    QCoreApplication::sendPostedEvents(m_connection);
    QCoreApplication::sendPostedEvents(this);
    m_test.finish(m_lastEventUs);
    printResults();

    const int steps = int(m_test.results().size());
    const int failed = m_test.failedSteps();
    writeLine(stdout,
        failed == 0
            ? QStringLiteral("%1 all %2 steps matched").arg(QChar(0x2713)).arg(steps)
            : QStringLiteral("%1 %2 of %3 steps failed").arg(QChar(0x2717)).arg(failed).arg(steps));

    int status = ExitStatus::Test::Passed;
    if (m_interrupted)
        status = ExitStatus::Interrupted;
    else if (!m_opened)
        status = ExitStatus::Test::ConnectFailed;
    else if (!m_replayDone)
        status = ExitStatus::Test::EndedEarly;
    else if (failed > 0)
        status = ExitStatus::Test::Mismatch;
    if (status == ExitStatus::Test::EndedEarly)
        writeLine(stderr,
            QStringLiteral("! the connection ended before every message was sent and answered"));

    if (!m_junitPath.isEmpty()) {
        QString error;
        const JUnitReport report
            = m_test.junit(m_suiteName, SecretRedaction::url(m_settings.url).toString());
        if (report.writeFile(m_junitPath, &error)) {
            writeLine(stderr, QStringLiteral("* JUnit report written to %1").arg(m_junitPath));
        } else {
            writeLine(stderr, QStringLiteral("sockscope: %1").arg(error));
            if (status == ExitStatus::Test::Passed)
                status = ExitStatus::Test::Usage;
        }
    }
    return status;
}
