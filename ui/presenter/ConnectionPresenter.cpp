#include "ConnectionPresenter.h"

#include "CloseCode.h"
#include "ConnectionHandle.h"
#include "ConnectionManager.h"
#include "Units.h"

#include <QDateTime>
#include <QFileInfo>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Closer = TrafficEvent::Closer;
using CloseCause = TrafficEvent::CloseCause;

ConnectionPresenter::ConnectionPresenter(ConnectionManager *manager, QObject *parent)
    : QObject(parent), m_manager(manager), m_model(new MessageLogModel(this))
{ }

ConnectionPresenter::~ConnectionPresenter()
{
    if (m_connection)
        m_manager->removeConnection(m_connection); // joins the connection thread
}

qint64 ConnectionPresenter::nowUs() const
{
    return m_connection ? m_connection->clock().elapsedUs() : m_lastEventUs;
}

void ConnectionPresenter::open(const ConnectionSettings &settings)
{
    m_settings = settings;
    setError({});
    if (!m_connection) {
        m_connection = m_manager->createConnection(settings);
        m_model->setWallOrigin(m_connection->clock().wallOriginMs());
        connect(
            m_connection, &ConnectionHandle::eventsReceived, this, &ConnectionPresenter::ingest);
        connect(
            m_connection, &ConnectionHandle::stateChanged, this, &ConnectionPresenter::setState);
        connect(
            m_manager, &ConnectionManager::connectionRemoved, this, [this](ConnectionHandle *c) {
                if (c == m_connection)
                    m_connection = nullptr;
            });
        if (!m_script.isEmpty())
            m_connection->loadScript(m_script); // before the open: it sees onOpen
        m_connection->open();
    } else {
        m_connection->openWith(settings);
    }
    m_request = requestHead(settings);
    m_response = tr("(waiting for the server)");
    m_handshakeReported = false;
    Q_EMIT handshakeChanged();
}

void ConnectionPresenter::close(quint16 code, const QString &reason)
{
    if (m_connection)
        m_connection->requestClose(code, reason);
}

void ConnectionPresenter::cancel()
{
    if (m_connection)
        m_connection->cancel();
}

void ConnectionPresenter::sendText(const QString &text)
{
    if (m_connection)
        m_connection->sendText(text);
}

void ConnectionPresenter::sendBinary(const QByteArray &data)
{
    if (m_connection)
        m_connection->sendBinary(data);
}

void ConnectionPresenter::setHeartbeat(const HeartbeatSettings &settings)
{
    m_settings.heartbeat = settings;
    if (m_connection)
        m_connection->setHeartbeat(settings); // live, no reconnect
}

void ConnectionPresenter::pingNow()
{
    if (m_connection)
        m_connection->pingNow();
}

bool ConnectionPresenter::startRecording(const QString &path, bool keepSecrets)
{
    if (!m_connection || path.isEmpty())
        return false;
    m_connection->startRecording(path, keepSecrets);
    m_recordingPath = path;
    m_recordingBytes = 0;
    return true;
}

void ConnectionPresenter::stopRecording()
{
    if (m_connection)
        m_connection->stopRecording();
    m_recordingPath.clear();
    m_recordingBytes = 0;
}

bool ConnectionPresenter::replay(const ReplayPlan &plan)
{
    if (!m_connection)
        return false;
    if (!m_replayConnected) { // Qt::UniqueConnection does not apply to lambdas
        m_replayConnected = true;
        connect(m_connection, &ConnectionHandle::replayProgress, this, [this](int sent, int total) {
            m_replayStatus = tr("replay: %1 of %2 sent").arg(sent).arg(total);
        });
        connect(m_connection, &ConnectionHandle::replayFinished, this,
            [this](bool, const QString &detail) {
                m_replayStatus = detail;
                m_replaying = false;
            });
    }
    m_replayStatus = tr("replay: waiting for the connection");
    m_replaying = true;
    m_connection->startReplay(plan);
    return true;
}

void ConnectionPresenter::stopReplay()
{
    if (m_connection)
        m_connection->cancelReplay();
}

void ConnectionPresenter::setError(const QString &error)
{
    if (m_error == error)
        return;
    m_error = error;
    Q_EMIT errorChanged(error);
}

void ConnectionPresenter::ingest(const TrafficBatch &batch, const LoopLag &socketLag)
{
    m_socketLag = socketLag;
    bool heartbeatChanged = false;
    bool scriptChanged = false;
    for (const TrafficEvent &e : batch.events) {
        switch (e.kind) {
        case Kind::Script:
            m_scriptLog.add(e);
            scriptChanged = true;
            break;
        case Kind::Text:
        case Kind::Binary:
            if (e.direction == Direction::Incoming) {
                ++m_attempt.messagesIn;
                m_attempt.bytesIn += e.size;
            } else {
                ++m_attempt.messagesOut;
                m_attempt.bytesOut += e.size;
            }
            break;
        case Kind::Pong:
            if (e.direction == Direction::Incoming) {
                m_heartbeat.addPong(e.timeUs, e.durationUs);
                heartbeatChanged = true;
            }
            break;
        case Kind::PongTimeout:
            m_heartbeat.addPongTimeout(e.timeUs, e.sequence, e.durationUs);
            heartbeatChanged = true;
            break;
        case Kind::Connecting:
            m_attempt = AttemptStatistics();
            m_attempt.attempt = ++m_attempts;
            m_attempt.startedAtUs = e.timeUs;
            m_lastRateSample = m_attempt;
            m_ending = Ending();
            m_heartbeat.endSession(e.timeUs);
            heartbeatChanged = true;
            Q_EMIT endingChanged();
            break;
        case Kind::Handshake:
            m_request = QString::fromLatin1(e.data).trimmed();
            m_response = e.text.trimmed();
            m_handshakeReported = true;
            Q_EMIT handshakeChanged();
            break;
        case Kind::Open:
            m_attempt.openedAtUs = e.timeUs;
            if (!m_handshakeReported) {
                m_response = e.text.isEmpty()
                    ? tr("HTTP/1.1 101 Switching Protocols\n(no subprotocol negotiated)")
                    : tr("HTTP/1.1 101 Switching Protocols\nSec-WebSocket-Protocol: %1")
                          .arg(e.text);
                Q_EMIT handshakeChanged();
            }
            setError({});
            break;
        case Kind::Error:
            if (m_attempt.openedAtUs < 0) {
                if (!m_handshakeReported) {
                    m_response = e.code > 0
                        ? tr("HTTP status %1 (upgrade refused)\n%2").arg(e.code).arg(e.text)
                        : tr("Failed: %1").arg(e.text);
                    Q_EMIT handshakeChanged();
                }
                setError(e.text);
            }
            break;
        case Kind::Close:
            m_attempt.endedAtUs = e.timeUs;
            m_ending = {true, e.closedBy, e.cause, e.transportEnd, e.code, e.text};
            m_heartbeat.endSession(e.timeUs);
            heartbeatChanged = true;
            Q_EMIT endingChanged();
            break;
        default:
            break;
        }
    }
    if (!batch.isEmpty()) {
        m_lastEventUs = qMax(m_lastEventUs, batch.events.constLast().timeUs);
        m_model->enqueue(batch);
    }
    if (heartbeatChanged)
        Q_EMIT this->heartbeatChanged();
    if (scriptChanged)
        Q_EMIT scriptLinesChanged();
}

void ConnectionPresenter::setScript(const ScriptSource &source)
{
    m_script = source;
    m_scriptLog.clear();
    Q_EMIT scriptLinesChanged();
    if (m_connection)
        m_connection->loadScript(source);
}

void ConnectionPresenter::setState(ConnectionState state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ConnectionPresenter::tick()
{
    const qint64 now = nowUs();
    if (m_lastRateUs < 0 || m_lastRateSample.attempt != m_attempt.attempt) {
        m_lastRateUs = now;
        m_lastRateSample = m_attempt;
    }
    const double dt = (now - m_lastRateUs) / 1e6;
    if (dt > 0.9) {
        // Smoothed so the figure reads steadily.
        m_rateIn = 0.5 * m_rateIn
            + 0.5 * double(m_attempt.messagesIn - m_lastRateSample.messagesIn) / dt;
        m_rateOut = 0.5 * m_rateOut
            + 0.5 * double(m_attempt.messagesOut - m_lastRateSample.messagesOut) / dt;
        m_lastRateSample = m_attempt;
        m_lastRateUs = now;
    }
    if (!m_recordingPath.isEmpty())
        m_recordingBytes = QFileInfo(m_recordingPath).size();
}

QString ConnectionPresenter::endingText() const
{
    if (!m_ending.ended)
        return {};
    const Ending &e = m_ending;
    QString text;
    switch (e.cause) {
    case CloseCause::Cancelled:
        return tr("cancelled");
    case CloseCause::ConnectFailed:
    case CloseCause::ConnectTimeout:
        text = tr("could not connect");
        if (!e.reason.isEmpty())
            text += QStringLiteral(": ") + e.reason;
        return text;
    case CloseCause::Dropped:
        text = tr("connection lost: %1, no close frame").arg(CloseCode::describe(e.code));
        break;
    default: {
        const QString who = e.closedBy == Closer::Local ? tr("you")
            : e.closedBy == Closer::Peer                ? tr("the server")
            : e.closedBy == Closer::Network             ? tr("the network")
                                                        : QString();
        text = who.isEmpty() ? tr("closed: %1").arg(CloseCode::describe(e.code))
                             : tr("closed by %1: %2").arg(who, CloseCode::describe(e.code));
        if (!e.reason.isEmpty())
            text += QStringLiteral(" \u201c%1\u201d").arg(e.reason);
        if (e.cause == CloseCause::HeartbeatTimeout)
            text += tr(" (pongs stopped)");
        break;
    }
    }
    const QString transport = TrafficEvent::transportEndName(e.transportEnd);
    if (!transport.isEmpty())
        text += tr(" \u00b7 TCP: %1").arg(transport);
    return text;
}

QString ConnectionPresenter::stateText() const
{
    if ((m_state == ConnectionState::Closed || m_state == ConnectionState::Idle) && m_ending.ended)
        return endingText();
    return connectionStateName(m_state);
}

QString ConnectionPresenter::handshakeText() const
{
    if (m_request.isEmpty())
        return tr("No connection attempt yet.");
    // Until the engine reports the request it wrote, the request is shown as configured.
    return tr("Request (%1)\n%2\n\nResponse\n%3\n")
        .arg(m_handshakeReported ? tr("as sent") : tr("as configured"), m_request, m_response);
}

QString ConnectionPresenter::statusText() const
{
    QStringList parts {connectionStateName(m_state)};
    if (m_attempt.attempt > 1)
        parts << tr("attempt %1").arg(m_attempt.attempt);
    if (m_attempt.openedAtUs >= 0) {
        const qint64 end
            = m_attempt.endedAtUs > m_attempt.openedAtUs ? m_attempt.endedAtUs : nowUs();
        parts << Units::clock(end - m_attempt.openedAtUs);
    }
    parts << tr("in %L1 msgs (%2)")
                 .arg(m_attempt.messagesIn)
                 .arg(MessageLogModel::formatSize(m_attempt.bytesIn))
          << tr("out %L1 msgs (%2)")
                 .arg(m_attempt.messagesOut)
                 .arg(MessageLogModel::formatSize(m_attempt.bytesOut))
          << tr("%L1 msg/s in, %L2 msg/s out").arg(qRound64(m_rateIn)).arg(qRound64(m_rateOut));
    if (m_heartbeat.isStalled())
        parts << m_heartbeat.stallText(nowUs());
    if (!m_replayStatus.isEmpty())
        parts << m_replayStatus;
    return parts.join(QStringLiteral("  \u00b7  "));
}

QString ConnectionPresenter::titleFor(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return {};
    QString t = url.host();
    if (url.port() > 0)
        t += QLatin1Char(':') + QString::number(url.port());
    t += url.path();
    if (url.hasQuery())
        t += QLatin1Char('?') + url.query();
    return t;
}

QString ConnectionPresenter::suggestedRecordingName(const QUrl &url, const QDateTime &at)
{
    const QString host = url.host();
    return QStringLiteral("%1-%2.sockscope.jsonl")
        .arg(host.isEmpty() ? QStringLiteral("session") : host,
            at.toString(QStringLiteral("yyyyMMdd-HHmmss")));
}

QString ConnectionPresenter::requestHead(const ConnectionSettings &s)
{
    QString path = s.url.path(QUrl::FullyEncoded);
    if (path.isEmpty())
        path = QStringLiteral("/");
    if (s.url.hasQuery())
        path += QLatin1Char('?') + s.url.query(QUrl::FullyEncoded);
    QStringList lines {QStringLiteral("GET %1 HTTP/1.1").arg(path),
        QStringLiteral("Host: %1%2")
            .arg(s.url.host(),
                s.url.port() > 0 ? QStringLiteral(":%1").arg(s.url.port()) : QString()),
        QStringLiteral("Upgrade: websocket"), QStringLiteral("Connection: Upgrade"),
        QStringLiteral("Sec-WebSocket-Key: (random, per connection)"),
        QStringLiteral("Sec-WebSocket-Version: 13")};
    if (!s.origin.isEmpty())
        lines << QStringLiteral("Origin: %1").arg(s.origin);
    if (!s.subprotocols.isEmpty())
        lines << QStringLiteral("Sec-WebSocket-Protocol: %1")
                     .arg(s.subprotocols.join(QStringLiteral(", ")));
    for (const HttpHeader &h : s.headers)
        lines << QStringLiteral("%1: %2").arg(
            QString::fromLatin1(h.name), QString::fromUtf8(h.value));
    return lines.join(QLatin1Char('\n'));
}
