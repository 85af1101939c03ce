#include "ConnectCommand.h"

#include "CloseCode.h"
#include "ConnectionHandle.h"
#include "ExitStatus.h"
#include "MessagePrinter.h"
#include "SignalWatcher.h"
#include "StdinLineReader.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

namespace {

// A close request gets this long to finish before the process exits anyway (target: 200 ms).
constexpr int ForceExitMs = 150;

void writeErr(const QString &line)
{
    const QByteArray bytes = line.toLocal8Bit() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

QString describeClose(const TrafficEvent &e)
{
    using Cause = TrafficEvent::CloseCause;
    const QString reason = e.text.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(e.text);
    switch (e.cause) {
    case Cause::PeerClosed:
        return QStringLiteral("closed by the server: %1%2")
            .arg(CloseCode::describe(e.code), reason);
    case Cause::Requested:
    case Cause::Shutdown:
    case Cause::HeartbeatTimeout:
    case Cause::ProtocolError:
        return QStringLiteral("closed by the client: %1%2")
            .arg(CloseCode::describe(e.code), reason);
    case Cause::Dropped:
        return QStringLiteral("connection lost without a close frame: %1")
            .arg(CloseCode::describe(e.code));
    case Cause::Cancelled:
        return QStringLiteral("connect cancelled");
    case Cause::ConnectFailed:
    case Cause::ConnectTimeout:
    case Cause::None:
        return QStringLiteral("not connected");
    }
    return {};
}

} // namespace

ConnectCommand::ConnectCommand(
    const ConnectionSettings &settings, bool showPings, const QString &recordPath, QObject *parent)
    : QObject(parent), m_settings(settings), m_showPings(showPings), m_recordPath(recordPath)
{
    m_forceExit.setSingleShot(true);
    connect(&m_forceExit, &QTimer::timeout, this, [this] { quit(ExitStatus::Interrupted); });
}

void ConnectCommand::setReplay(const ReplayPlan &plan, int lingerMs)
{
    m_replay = plan;
    m_replaying = true;
    m_lingerMs = lingerMs;
}

ConnectCommand::~ConnectCommand()
{
    delete m_connection; // joins the connection thread
}

int ConnectCommand::exec()
{
    m_signals = new SignalWatcher({SIGINT, SIGTERM}, this);
    connect(m_signals, &SignalWatcher::signalReceived, this, &ConnectCommand::onSignal);

    m_connection = new ConnectionHandle(m_settings);
    connect(m_connection, &ConnectionHandle::eventsReceived, this, &ConnectCommand::onEvents);
    connect(m_connection, &ConnectionHandle::stateChanged, this, &ConnectCommand::onStateChanged);

    if (m_replaying) {
        m_linger.setSingleShot(true);
        connect(&m_linger, &QTimer::timeout, this, [this] { m_connection->requestClose(1000); });
        connect(m_connection, &ConnectionHandle::replayFinished, this, [this](bool completed) {
            if (completed)
                m_linger.start(m_lingerMs); // replies may still be on their way
        });
        m_connection->startReplay(m_replay);
    } else {
        m_stdin = new StdinLineReader(this);
        connect(m_stdin, &StdinLineReader::lineRead, this, &ConnectCommand::onLine);
        connect(m_stdin, &StdinLineReader::endOfInput, this, &ConnectCommand::onEndOfInput);
    }

    writeErr(QStringLiteral("* connecting to %1").arg(m_settings.url.toString()));
    if (!m_recordPath.isEmpty())
        m_connection->startRecording(m_recordPath, m_settings.recording.keepSecrets);
    m_connection->open();
    if (m_stdin)
        m_stdin->start();
    return QCoreApplication::exec();
}

void ConnectCommand::quit(int status)
{
    std::fflush(stdout);
    QCoreApplication::exit(status);
}

void ConnectCommand::onEvents(const TrafficBatch &batch)
{
    using Kind = TrafficEvent::Kind;
    QByteArray out;
    for (const TrafficEvent &e : batch.events) {
        switch (e.kind) {
        case Kind::Text:
        case Kind::Binary:
        case Kind::Pong:
            out += MessagePrinter::line(batch, e, m_showPings, m_replaying);
            break;
        case Kind::Open:
            writeErr(e.text.isEmpty()
                    ? QStringLiteral("* connected")
                    : QStringLiteral("* connected (subprotocol: %1)").arg(e.text));
            break;
        case Kind::Close:
            m_status = ExitStatus::fromClose(e);
            writeErr(QStringLiteral("* ") + describeClose(e));
            break;
        case Kind::Error:
            writeErr(QStringLiteral("! error: ") + e.text);
            break;
        case Kind::PongTimeout:
            writeErr(QStringLiteral("! ") + e.text);
            break;
        case Kind::Note:
        case Kind::HeartbeatChange:
            writeErr(QStringLiteral("* ") + e.text);
            break;
        case Kind::Ping:
        case Kind::Connecting:
            break;
        }
    }
    if (!out.isEmpty()) {
        std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
        std::fflush(stdout);
    }
}

void ConnectCommand::onStateChanged(ConnectionState state)
{
    if (state == ConnectionState::Open) {
        for (const QString &line : std::exchange(m_queued, {}))
            m_connection->sendText(line);
        if (m_inputEnded)
            m_connection->requestClose(1000);
        if (m_interrupted) // Ctrl+C raced with the connection opening
            m_connection->requestClose(1000);
    } else if (state == ConnectionState::Closed) {
        int status = m_status < 0 ? ExitStatus::AbnormalClose : m_status;
        if (m_interrupted && status == ExitStatus::Interrupted)
            status = ExitStatus::Interrupted;
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
    m_inputEnded = true;
    switch (m_connection->state()) {
    case ConnectionState::Open:
        m_connection->requestClose(1000);
        break;
    case ConnectionState::Idle:
    case ConnectionState::Connecting:
    case ConnectionState::Reconnecting:
        break; // sent and closed once open
    case ConnectionState::Closing:
    case ConnectionState::Closed:
        break;
    }
}

void ConnectCommand::onSignal(int)
{
    if (m_interrupted) { // a second Ctrl+C: leave now
        quit(ExitStatus::Interrupted);
        return;
    }
    m_interrupted = true;
    if (m_connection->state() == ConnectionState::Open)
        m_connection->requestClose(1000);
    else
        m_connection->cancel();
    m_forceExit.start(ForceExitMs);
}
