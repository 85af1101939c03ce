#include "ConnectCommand.h"

#include "ConnectionHandle.h"
#include "ExitStatus.h"
#include "RecordingFormat.h"
#include "SessionRecorder.h"
#include "SignalWatcher.h"
#include "StandardOutput.h"
#include "StdinLineReader.h"
#include "TerminalText.h"
#include "TrafficBatchBuilder.h"
#include "Version.h"

#include <QCoreApplication>

#include <cerrno>
#include <csignal>
#include <cstdio>

namespace {

// A close request gets this long to finish before the process exits anyway (target: 200 ms).
constexpr int ForceExitMs = 150;
// At the end, how long the connection thread gets to hand over its last events.
constexpr int FinalShutdownMs = 1000;

void writeErr(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void writeErr(const QString &line)
{
    TerminalText::writeLine(stderr, line);
}

} // namespace

ConnectCommand::ConnectCommand(
    const ConnectionSettings &settings, const MessagePrinter::Options &printing, QObject *parent)
    : QObject(parent), m_settings(settings), m_printer(printing)
{
    m_forceExit.setSingleShot(true);
    connect(&m_forceExit, &QTimer::timeout, this,
        [this] { quit(m_outputError ? ExitStatus::FileError : ExitStatus::Interrupted); });
}

void ConnectCommand::setRecording(const QString &path, SecretRedaction::Policy policy)
{
    m_recordPath = path;
    m_recordPolicy = policy;
}

void ConnectCommand::setReplay(const ReplayPlan &plan, int lingerMs)
{
    m_replay = plan;
    m_replaying = true;
    m_lingerMs = lingerMs;
}

void ConnectCommand::setScript(const ScriptSource &script, const QString &junitPath)
{
    m_script = script;
    m_junitPath = junitPath;
    m_tests = ScriptTestReport(script.name);
    MessagePrinter::Options printing = m_printer.options();
    printing.scriptName = script.name;
    m_printer = MessagePrinter(printing);
}

ConnectCommand::~ConnectCommand()
{
    delete m_recorder;
    delete m_connection; // joins the connection thread
}

int ConnectCommand::exec()
{
    m_connection = new ConnectionHandle(m_settings);
    // Before anything is printed: a Ctrl+C right after the first line is still a clean end.
    m_signals = new SignalWatcher({SIGINT, SIGTERM}, this);
    connect(m_signals, &SignalWatcher::signalReceived, this, &ConnectCommand::onSignal);
    if (!m_recordPath.isEmpty()) {
        // Opened and its header written before connecting: a file that cannot be written is
        // known before anything happens on the network.
        m_recorder = new SessionRecorder(m_recordPath,
            RecordingFormat::headerFor(m_settings, QStringLiteral("sockscope " SOCKSCOPE_VERSION),
                m_connection->clock().wallOriginMs()),
            m_recordPolicy, this);
        if (!m_recorder->isOpen()) {
            writeErr(QStringLiteral("sockscope: %1").arg(m_recorder->error()));
            return ExitStatus::FileError;
        }
        connect(m_recorder, &SessionRecorder::failed, this, &ConnectCommand::onRecordingFailed);
        connect(
            m_recorder, &SessionRecorder::backlogChanged, this, [](bool behind, qint64 waiting) {
                writeErr(behind ? QStringLiteral("! the disk is not keeping up with the recording: "
                                                 "%L1 events waiting to be written (none will be "
                                                 "lost)")
                                      .arg(waiting)
                                : QStringLiteral("* the recording caught up with the traffic"));
            });
        writeErr(QStringLiteral("* recording to %1").arg(m_recordPath));
    }
    connect(m_connection, &ConnectionHandle::eventsReceived, this, &ConnectCommand::onEvents);
    connect(m_connection, &ConnectionHandle::stateChanged, this, &ConnectCommand::onStateChanged);

    if (m_replaying) {
        m_linger.setSingleShot(true);
        connect(&m_linger, &QTimer::timeout, this, [this] { closeOrCancel(); });
        connect(m_connection, &ConnectionHandle::replayFinished, this, [this](bool completed) {
            if (completed)
                m_linger.start(m_lingerMs); // replies may still be on their way
            else
                closeOrCancel(); // nothing more will be sent: do not wait forever
        });
        m_connection->startReplay(m_replay);
    } else {
        m_stdin = new StdinLineReader(this);
        connect(m_stdin, &StdinLineReader::lineRead, this, &ConnectCommand::onLine);
        connect(m_stdin, &StdinLineReader::endOfInput, this, &ConnectCommand::onEndOfInput);
        connect(m_stdin, &StdinLineReader::lineSkipped, this, [] {
            writeErr(QStringLiteral("! a line of standard input is longer than %1 MiB: it is "
                                    "skipped, not sent")
                         .arg(StdinLineReader::MaxLineBytes / (1024LL * 1024)));
        });
    }

    if (!m_script.isEmpty())
        m_connection->loadScript(m_script); // queued before the open: loaded before it
    writeErr(
        QStringLiteral("* connecting to %1").arg(SecretRedaction::url(m_settings.url).toString()));
    m_connection->open();
    if (m_stdin)
        m_stdin->start();
    return finishScript(finishRecording(QCoreApplication::exec()));
}

int ConnectCommand::finishScript(int status)
{
    if (m_script.isEmpty())
        return status;
    // The script's last words (onClose) come with the connection's last events.
    if (!m_connection->isShutDown()) {
        disconnect(m_connection, &ConnectionHandle::stateChanged, this, nullptr);
        m_connection->beginShutdown();
        m_connection->waitForShutdown(QDeadlineTimer(FinalShutdownMs));
        QCoreApplication::sendPostedEvents(m_connection);
        QCoreApplication::sendPostedEvents(this);
    }
    QString error;
    if (!m_tests.finish(m_junitPath, &error)) {
        writeErr(QStringLiteral("! %1").arg(error));
        return ExitStatus::FileError;
    }
    return m_tests.exitStatus(status);
}

int ConnectCommand::finishRecording(int status)
{
    if (!m_recorder)
        return status;
    // The connection's last events (a close on shutdown) go into the file too.
    disconnect(m_connection, &ConnectionHandle::stateChanged, this, nullptr);
    m_connection->beginShutdown();
    m_connection->waitForShutdown(QDeadlineTimer(FinalShutdownMs));
    QCoreApplication::sendPostedEvents(m_connection);
    QCoreApplication::sendPostedEvents(this);
    const qint64 recorded = m_recorder->eventsRecorded();
    const bool written = m_recorder->finish();
    if (!written || m_recordingFailed) {
        if (!m_recordingFailed)
            writeErr(QStringLiteral("! %1: the recording is incomplete").arg(m_recorder->error()));
        return ExitStatus::FileError;
    }
    writeErr(QStringLiteral("* %L1 events written to %2").arg(recorded).arg(m_recordPath));
    return status;
}

void ConnectCommand::quit(int status)
{
    std::fflush(stdout);
    QCoreApplication::exit(status);
}

void ConnectCommand::closeOrCancel()
{
    if (m_connection->state() == ConnectionState::Open)
        m_connection->requestClose(1000);
    else if (m_connection->state() == ConnectionState::Closed)
        quit(m_status < 0 ? ExitStatus::Ok : m_status);
    else
        m_connection->cancel();
}

void ConnectCommand::onRecordingFailed(const QString &message)
{
    if (m_recordingFailed)
        return;
    m_recordingFailed = true;
    writeErr(QStringLiteral("! %1: the recording is stopped, the lines written before are "
                            "intact")
                 .arg(message));
    closeOrCancel();
    m_forceExit.start(ForceExitMs);
}

void ConnectCommand::onEvents(const TrafficBatch &batch)
{
    if (m_recorder && !m_recordingFailed)
        m_recorder->record(batch);
    if (!m_script.isEmpty()) {
        const bool loaded = !m_tests.loadFailed();
        m_tests.add(batch);
        if (loaded && m_tests.loadFailed()) { // it loaded when checked, not now: end at once
            closeOrCancel();
            m_forceExit.start(ForceExitMs);
        }
    }
    QByteArray out;
    // Room for the batch's lines as they usually are, plus one line escaped at its worst: a flood
    // is printed without a reallocation unless much of it needs escaping.
    out.reserve(batch.payloads.size() + batch.events.size() * 4
        + TrafficBatchBuilder::MaxPackedBytes * TerminalText::MaxEscapedRatio);
    // Once standard output is gone nothing more is printed; the recording and the close go on.
    const auto flushOut = [&] {
        if (!out.isEmpty() && !m_outputFailed && !StandardOutput::write(out))
            onOutputFailed(errno);
        out.truncate(0);
    };
    const qsizetype count = batch.events.size();
    for (qsizetype i = m_printer.appendTextLines(out, batch, 0); i < count;
         i = m_printer.appendTextLines(out, batch, i + 1)) {
        const TrafficEvent &e = batch.events.at(i);
        if (e.kind == TrafficEvent::Kind::Close)
            m_status = ExitStatus::fromClose(e);
        if (!m_outputFailed)
            m_printer.appendLine(out, batch, e);
        const QByteArray status = m_printer.status(batch, e);
        if (!status.isEmpty()) {
            flushOut(); // keep stdout and stderr in the order things happened
            writeErr(status);
        }
    }
    flushOut();
}

void ConnectCommand::onOutputFailed(int error)
{
    m_outputFailed = true;
    m_outputError = !StandardOutput::readerWentAway(error);
    writeErr(StandardOutput::failureText(error));
    endSession();
}

void ConnectCommand::onStateChanged(ConnectionState state)
{
    if (state == ConnectionState::Open) {
        for (const QString &line : std::exchange(m_queued, {}))
            m_connection->sendText(line);
        if (m_inputEnded || m_interrupted || m_recordingFailed) // raced with the opening
            m_connection->requestClose(1000);
    } else if (state == ConnectionState::Closed) {
        int status = m_status < 0 ? ExitStatus::AbnormalClose : m_status;
        // Interrupted while no connection was open (connecting, or waiting to reconnect).
        if (m_interruptedBeforeOpen)
            status = ExitStatus::Interrupted;
        if (m_recordingFailed || m_outputError)
            status = ExitStatus::FileError;
        quit(status);
    }
}

void ConnectCommand::onLine(const QString &line)
{
    if (m_connection->state() == ConnectionState::Open)
        m_connection->sendText(line);
    else
        m_queued.append(line);
}

void ConnectCommand::onEndOfInput()
{
    if (!m_script.isEmpty())
        return; // the script decides when the session ends
    m_inputEnded = true;
    if (m_connection->state() == ConnectionState::Open)
        m_connection->requestClose(1000);
    // Otherwise sent and closed once open, or already closing.
}

void ConnectCommand::onSignal(int)
{
    if (m_interrupted) { // a second Ctrl+C: leave now
        quit(ExitStatus::Interrupted);
        return;
    }
    endSession();
}

void ConnectCommand::endSession()
{
    if (m_interrupted)
        return;
    m_interrupted = true;
    m_interruptedBeforeOpen = m_connection->state() != ConnectionState::Open
        && m_connection->state() != ConnectionState::Closing;
    closeOrCancel();
    m_forceExit.start(ForceExitMs);
}
