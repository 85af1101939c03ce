#include "ConnectionWorker.h"

#include "CloseCode.h"
#include "EventBatcher.h"
#include "Heartbeat.h"
#include "LoopLagProbe.h"
#include "SessionRecorder.h"
#include "Version.h"

#include <QDateTime>
#include <QDir>

#include <QFile>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Closer = TrafficEvent::Closer;
using CloseCause = TrafficEvent::CloseCause;

namespace {

// After our close frame, how long the TCP connection may take to flush before it is cut.
constexpr int CloseGraceMs = 250;
// With no traffic, the loop-lag readings still go out this often.
constexpr qint64 IdleReportIntervalUs = 200'000;

// Qt 6.4 reports a rejected upgrade only as text: "...Unhandled http status code: 302 (Found)."
QString describeHandshakeFailure(const QString &qtMessage, int *status)
{
    static const QRegularExpression statusPattern(
        QStringLiteral("status code: (\\d{3}) \\(([^)]*)\\)"));
    const QRegularExpressionMatch match = statusPattern.match(qtMessage);
    if (match.hasMatch()) {
        *status = match.captured(1).toInt();
        return QStringLiteral(
            "the server answered HTTP %1 %2 instead of upgrading to WebSocket (101)")
            .arg(match.captured(1), match.captured(2));
    }
    QString message = qtMessage;
    message.remove(QRegularExpression(QStringLiteral("^QWebSocketPrivate::\\w+: ")));
    return message;
}

// Qt closes the connection itself, with its own code and one of these reasons, when the peer
// breaks the protocol or a size limit. Those closes are ours, not the server's.
bool isLocalProtocolClose(quint16 code, const QString &reason)
{
    static const QStringList qtReasons = {
        QStringLiteral("Received message is too big."),
        QStringLiteral("Maximum framesize exceeded."),
        QStringLiteral("Timeout when reading data from socket."),
        QStringLiteral("Invalid UTF-8 code encountered."),
        QStringLiteral("Received Continuation frame, while there is nothing to continue."),
        QStringLiteral(
            "All data frames after the initial data frame must have opcode 0 (continuation)."),
        QStringLiteral("Rsv field is non-zero"),
        QStringLiteral("Used reserved opcode"),
        QStringLiteral("Control frame is larger than 125 bytes"),
        QStringLiteral("Control frames cannot be fragmented"),
        QStringLiteral("Payload of close frame is too small."),
    };
    if (code != CloseCode::ProtocolError && code != CloseCode::InvalidPayload
        && code != CloseCode::TooBig && code != CloseCode::GoingAway)
        return false;
    for (const QString &r : qtReasons) {
        if (reason.startsWith(r.left(r.size() - 1)))
            return true;
    }
    return reason.startsWith(QLatin1String("Invalid close code"))
        || reason.startsWith(QLatin1String("Invalid opcode detected"));
}

QString formatBytes(qint64 bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
    if (bytes >= 1024 && bytes % 1024 == 0)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}

} // namespace

ConnectionWorker::ConnectionWorker(const ConnectionSettings &settings, const EventClock &clock)
    : m_settings(settings), m_clock(clock), m_backoff(settings.reconnect)
{ }

ConnectionWorker::~ConnectionWorker() = default;

void ConnectionWorker::initialize()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_batcher = new EventBatcher(this);
    connect(m_batcher, &EventBatcher::batchReady, this, [this](const TrafficBatch &batch) {
        if (m_recorder)
            m_recorder->record(batch);
        m_lastReportUs = m_clock.elapsedUs();
        Q_EMIT eventsReady(batch, m_lagProbe->take());
    });

    m_heartbeat = new Heartbeat(m_clock, this);
    m_heartbeat->setSettings(m_settings.heartbeat);
    connect(m_heartbeat, &Heartbeat::pingSent, this,
        [this](quint32 sequence, const QByteArray &payload, qint64 atUs) {
            TrafficEvent &e = m_batcher->appendBytes(
                Kind::Ping, Direction::Outgoing, atUs, m_clock.wallMsAt(atUs), payload);
            e.sequence = sequence;
            m_batcher->commit();
        });
    connect(m_heartbeat, &Heartbeat::pongReceived, this,
        [this](quint32 sequence, qint64 rttUs, const QByteArray &payload, qint64 atUs, bool) {
            TrafficEvent &e = m_batcher->appendBytes(
                Kind::Pong, Direction::Incoming, atUs, m_clock.wallMsAt(atUs), payload);
            e.sequence = sequence;
            e.durationUs = rttUs;
            m_batcher->commit();
        });
    connect(m_heartbeat, &Heartbeat::pongOverdue, this, &ConnectionWorker::onPongOverdue);

    m_replayer = new Replayer(m_clock, this);
    connect(m_replayer, &Replayer::sendRequested, this, [this](const ReplayItem &item) {
        if (item.binary)
            sendBinary(item.payload);
        else
            sendText(QString::fromUtf8(item.payload));
    });
    connect(m_replayer, &Replayer::progress, this, &ConnectionWorker::replayProgress);
    connect(m_replayer, &Replayer::finished, this, [this](bool completed, const QString &detail) {
        note(Kind::Note, detail);
        m_batcher->flush();
        Q_EMIT replayFinished(completed, detail);
    });

    m_lagProbe = new LoopLagProbe(LoopLagProbe::DefaultIntervalMs, this);
    connect(m_lagProbe, &LoopLagProbe::sampled, this, &ConnectionWorker::onLoopSampled);
    m_lagProbe->start();

    m_connectTimer = new QTimer(this);
    m_connectTimer->setSingleShot(true);
    connect(m_connectTimer, &QTimer::timeout, this, &ConnectionWorker::onConnectTimeout);

    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &ConnectionWorker::connectNow);

    m_closeGraceTimer = new QTimer(this);
    m_closeGraceTimer->setSingleShot(true);
    connect(m_closeGraceTimer, &QTimer::timeout, this, [this] {
        // The close frame is written; a peer that does not take the rest of the bytes does not
        // get to keep us waiting.
        if (m_state == ConnectionState::Closing)
            finish(Closer::Local, m_closeRequest.code, m_closeRequest.reason, m_closeRequest.cause);
    });
}

TrafficEvent ConnectionWorker::makeEvent(Kind kind, Direction direction) const
{
    TrafficEvent e;
    e.kind = kind;
    e.direction = direction;
    e.timeUs = m_clock.elapsedUs();
    e.wallMs = m_clock.wallMsAt(e.timeUs);
    return e;
}

void ConnectionWorker::post(TrafficEvent &&event)
{
    m_batcher->append(std::move(event));
}

void ConnectionWorker::note(Kind kind, const QString &text)
{
    TrafficEvent e = makeEvent(kind, Direction::Local);
    e.text = text;
    post(std::move(e));
}

void ConnectionWorker::setState(ConnectionState state)
{
    if (m_state == state)
        return;
    m_state = state;
    // Events that happened before the change must reach the receiver before it.
    m_batcher->flush();
    Q_EMIT stateChanged(state);
}

void ConnectionWorker::open(const ConnectionSettings &settings)
{
    if (m_shuttingDown)
        return;
    if (m_state == ConnectionState::Connecting || m_state == ConnectionState::Open
        || m_state == ConnectionState::Closing) {
        note(Kind::Note,
            QStringLiteral("already connected: close the connection before opening it again"));
        return;
    }
    m_reconnectTimer->stop();
    m_settings = settings;
    m_heartbeat->setSettings(settings.heartbeat);
    m_backoff.setSettings(settings.reconnect);
    m_backoff.reset();
    connectNow();
}

void ConnectionWorker::connectNow()
{
    m_closeRequest = {};
    m_closeFrameSeen = false;
    m_connectionLost = false;
    m_reconnectAfterHeartbeat = false;
    m_sslErrors.clear();

    if (!m_recorder && !m_settings.recording.directory.isEmpty()) {
        const QString name = QStringLiteral("%1-%2-%3.sockscope.jsonl")
                                 .arg(m_settings.url.host())
                                 .arg(m_settings.url.port(
                                     m_settings.url.scheme() == QLatin1String("wss") ? 443 : 80))
                                 .arg(QDateTime::currentDateTime().toString(
                                     QStringLiteral("yyyyMMdd-HHmmss-zzz")));
        startRecording(
            QDir(m_settings.recording.directory).filePath(name), m_settings.recording.keepSecrets);
    }
    TrafficEvent connecting = makeEvent(Kind::Connecting, Direction::Local);
    connecting.text = m_settings.url.toString();
    post(std::move(connecting));
    setState(ConnectionState::Connecting);

    const QString invalid = m_settings.validate();
    if (!invalid.isEmpty()) {
        fail(CloseCause::ConnectFailed, invalid);
        return;
    }

    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (!m_settings.tls.caFile.isEmpty()) {
        const QList<QSslCertificate> certificates
            = QSslCertificate::fromPath(m_settings.tls.caFile);
        if (certificates.isEmpty()) {
            fail(CloseCause::ConnectFailed,
                QStringLiteral("the CA file '%1' holds no PEM certificate")
                    .arg(m_settings.tls.caFile));
            return;
        }
        tls.addCaCertificates(certificates);
    }

    m_socket = new QWebSocket(m_settings.origin, QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingMessageSize(quint64(m_settings.maxIncomingMessageSize));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(m_settings.maxIncomingMessageSize));
    if (m_settings.url.scheme() == QLatin1String("wss"))
        m_socket->setSslConfiguration(tls);

    connect(m_socket, &QWebSocket::connected, this, &ConnectionWorker::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &ConnectionWorker::onDisconnected);
    connect(m_socket, &QWebSocket::aboutToClose, this, &ConnectionWorker::onAboutToClose);
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
        &ConnectionWorker::onSocketError);
    // Same thread, so this is a direct call: ignoring errors only works from inside the signal.
    connect(m_socket, &QWebSocket::sslErrors, this, &ConnectionWorker::onSslErrors,
        Qt::DirectConnection);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &ConnectionWorker::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &ConnectionWorker::onBinaryMessage);
    connect(m_socket, &QWebSocket::pong, this, &ConnectionWorker::onPong);

    QNetworkRequest request(m_settings.url);
    for (const HttpHeader &header : std::as_const(m_settings.headers))
        request.setRawHeader(header.name, header.value);
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(m_settings.subprotocols);

    m_connectTimer->start(m_settings.connectTimeoutMs);
    m_socket->open(request, options);
}

void ConnectionWorker::releaseSocket()
{
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    // abort() ends a pending TCP connect, TLS or upgrade at once; Qt 6.4.2 would otherwise keep
    // the TCP connection of a failed upgrade open.
    if (socket->state() != QAbstractSocket::UnconnectedState)
        socket->abort();
    socket->deleteLater();
}

void ConnectionWorker::onConnected()
{
    m_connectTimer->stop();
    m_backoff.reset();
    TrafficEvent e = makeEvent(Kind::Open, Direction::Local);
    e.text = m_socket->subprotocol();
    post(std::move(e));
    setState(ConnectionState::Open);
    // Pinging starts only now: a ping before the upgrade would corrupt the handshake.
    m_heartbeat->start(m_socket);
    if (!m_pendingReplay.isEmpty()) {
        note(Kind::Note, QStringLiteral("replaying %1 messages").arg(m_pendingReplay.items.size()));
        m_replayer->start(std::exchange(m_pendingReplay, {}));
    }
}

void ConnectionWorker::onAboutToClose()
{
    if (m_state == ConnectionState::Open && !m_closeRequest.pending && !m_connectionLost)
        m_closeFrameSeen = true;
}

void ConnectionWorker::onDisconnected()
{
    if (!m_socket)
        return;
    if (m_state == ConnectionState::Connecting) {
        // A refused TCP connect arrives here before its error signal: report the error itself.
        if (m_socket->error() != QAbstractSocket::UnknownSocketError
            && m_socket->error() != QAbstractSocket::RemoteHostClosedError) {
            onSocketError(m_socket->error());
            return;
        }
        fail(CloseCause::ConnectFailed,
            QStringLiteral("the server closed the connection during the WebSocket handshake"));
        return;
    }
    if (m_closeRequest.pending) {
        finish(Closer::Local, m_closeRequest.code, m_closeRequest.reason, m_closeRequest.cause);
        return;
    }
    if (m_closeFrameSeen && !m_connectionLost) {
        const quint16 code = quint16(m_socket->closeCode());
        const QString reason = m_socket->closeReason();
        if (isLocalProtocolClose(code, reason)) {
            QString detail = reason;
            if (code == CloseCode::TooBig)
                detail
                    = QStringLiteral("a message exceeded the %1 limit for incoming messages (%2)")
                          .arg(formatBytes(m_settings.maxIncomingMessageSize), reason);
            else if (code == CloseCode::GoingAway)
                detail = QStringLiteral("the server stopped sending in the middle of a frame (%1)")
                             .arg(reason);
            note(Kind::Error, detail);
            finish(Closer::Local, code, reason, CloseCause::ProtocolError);
        } else {
            finish(Closer::Peer, code, reason, CloseCause::PeerClosed);
        }
        return;
    }
    finish(Closer::Network, CloseCode::Abnormal,
        QStringLiteral("the connection was lost without a close frame"), CloseCause::Dropped);
}

void ConnectionWorker::onSocketError(QAbstractSocket::SocketError error)
{
    if (!m_socket)
        return;
    if (m_state == ConnectionState::Connecting) {
        // Trust the signal's argument: the getter may still say UnknownSocketError here.
        QString message;
        int status = 0;
        if (error == QAbstractSocket::SslHandshakeFailedError && !m_sslErrors.isEmpty())
            message = QStringLiteral("TLS handshake failed: %1")
                          .arg(m_sslErrors.join(QStringLiteral("; ")));
        else if (error == QAbstractSocket::ConnectionRefusedError
            && m_socket->errorString().contains(QLatin1String("status code")))
            message = describeHandshakeFailure(m_socket->errorString(), &status);
        else if (error == QAbstractSocket::ConnectionRefusedError)
            message = QStringLiteral("connection refused by %1:%2")
                          .arg(m_settings.url.host())
                          .arg(m_settings.url.port(
                              m_settings.url.scheme() == QLatin1String("wss") ? 443 : 80));
        else if (error == QAbstractSocket::HostNotFoundError)
            message = QStringLiteral("host '%1' not found").arg(m_settings.url.host());
        else
            message = describeHandshakeFailure(m_socket->errorString(), &status);
        fail(CloseCause::ConnectFailed, message, status);
        return;
    }
    if (error == QAbstractSocket::RemoteHostClosedError) {
        m_connectionLost = true; // disconnected() follows and reports 1006
        return;
    }
    note(Kind::Error, m_socket->errorString());
    m_connectionLost = true;
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onDisconnected();
}

void ConnectionWorker::onSslErrors(const QList<QSslError> &errors)
{
    if (m_settings.tls.ignoreCertificateErrors) {
        QStringList ignored;
        for (const QSslError &e : errors)
            ignored << e.errorString();
        note(Kind::Note,
            QStringLiteral("certificate problems ignored as requested: %1")
                .arg(ignored.join(QStringLiteral("; "))));
        m_socket->ignoreSslErrors();
        return;
    }
    for (const QSslError &e : errors)
        m_sslErrors << e.errorString();
}

void ConnectionWorker::onTextMessage(const QString &message)
{
    const qint64 now = m_clock.elapsedUs();
    m_batcher->appendText(Kind::Text, Direction::Incoming, now, m_clock.wallMsAt(now), message);
    if (m_replayer->isRunning())
        m_replayer->messageReceived();
}

void ConnectionWorker::onBinaryMessage(const QByteArray &message)
{
    const qint64 now = m_clock.elapsedUs();
    m_batcher->appendBytes(Kind::Binary, Direction::Incoming, now, m_clock.wallMsAt(now), message);
    m_batcher->commit();
    if (m_replayer->isRunning())
        m_replayer->messageReceived();
}

void ConnectionWorker::onPong(quint64, const QByteArray &payload)
{
    m_heartbeat->handlePong(payload);
}

void ConnectionWorker::onPongOverdue(quint32 sequence, qint64 waitedUs)
{
    const HeartbeatSettings &hb = m_heartbeat->settings();
    TrafficEvent e = makeEvent(Kind::PongTimeout, Direction::Local);
    e.sequence = sequence;
    e.durationUs = waitedUs;
    e.text = QStringLiteral("no pong for ping #%1 after %2 ms").arg(sequence).arg(waitedUs / 1000);
    post(std::move(e));
    switch (hb.onTimeout) {
    case HeartbeatSettings::TimeoutAction::Report:
        break;
    case HeartbeatSettings::TimeoutAction::Reconnect:
        m_reconnectAfterHeartbeat = true;
        Q_FALLTHROUGH();
    case HeartbeatSettings::TimeoutAction::Close:
        closeSocket(CloseCode::InternalError,
            QStringLiteral("no pong within %1 ms").arg(hb.timeoutMs), CloseCause::HeartbeatTimeout);
        break;
    }
}

void ConnectionWorker::onConnectTimeout()
{
    if (m_state != ConnectionState::Connecting)
        return;
    fail(CloseCause::ConnectTimeout,
        QStringLiteral("no WebSocket connection after %1 ms (connect timeout)")
            .arg(m_settings.connectTimeoutMs));
}

void ConnectionWorker::onLoopSampled()
{
    // Keep the thread-health readout alive when nothing else is being reported.
    if (m_batcher->isEmpty() && m_clock.elapsedUs() - m_lastReportUs >= IdleReportIntervalUs) {
        m_lastReportUs = m_clock.elapsedUs();
        Q_EMIT eventsReady(TrafficBatch(), m_lagProbe->take());
    }
}

void ConnectionWorker::sendText(const QString &text)
{
    if (m_state != ConnectionState::Open || !m_socket) {
        note(Kind::Error, QStringLiteral("not sent: the connection is not open"));
        return;
    }
    const qint64 now = m_clock.elapsedUs();
    m_socket->sendTextMessage(text);
    m_batcher->appendText(Kind::Text, Direction::Outgoing, now, m_clock.wallMsAt(now), text);
}

void ConnectionWorker::sendBinary(const QByteArray &data)
{
    if (m_state != ConnectionState::Open || !m_socket) {
        note(Kind::Error, QStringLiteral("not sent: the connection is not open"));
        return;
    }
    const qint64 now = m_clock.elapsedUs();
    m_socket->sendBinaryMessage(data);
    m_batcher->appendBytes(Kind::Binary, Direction::Outgoing, now, m_clock.wallMsAt(now), data);
    m_batcher->commit();
}

void ConnectionWorker::setHeartbeat(const HeartbeatSettings &settings)
{
    if (settings.enabled) {
        const QString invalid = settings.validate();
        if (!invalid.isEmpty()) {
            note(Kind::Error, QStringLiteral("heartbeat unchanged: %1").arg(invalid));
            return;
        }
    }
    m_settings.heartbeat = settings;
    m_heartbeat->setSettings(settings);
    note(Kind::HeartbeatChange, settings.describe());
}

void ConnectionWorker::pingNow()
{
    if (m_state != ConnectionState::Open) {
        note(Kind::Error, QStringLiteral("no ping sent: the connection is not open"));
        return;
    }
    if (!m_heartbeat->isRunning())
        m_heartbeat->start(m_socket);
    m_heartbeat->pingNow();
}

void ConnectionWorker::requestClose(quint16 code, const QString &reason)
{
    switch (m_state) {
    case ConnectionState::Connecting:
        cancel();
        return;
    case ConnectionState::Reconnecting:
        m_reconnectTimer->stop();
        note(Kind::Note, QStringLiteral("reconnecting stopped"));
        setState(ConnectionState::Closed);
        return;
    case ConnectionState::Open:
        if (!CloseCode::isSendable(code)) {
            note(Kind::Error,
                QStringLiteral("%1 cannot be sent in a close frame; closing with 1000 instead")
                    .arg(CloseCode::describe(code)));
            code = CloseCode::Normal;
        }
        closeSocket(code, reason, CloseCause::Requested);
        return;
    case ConnectionState::Idle:
    case ConnectionState::Closing:
    case ConnectionState::Closed:
        return;
    }
}

void ConnectionWorker::closeSocket(
    quint16 code, const QString &reason, TrafficEvent::CloseCause cause)
{
    m_closeRequest = {true, code, CloseCode::truncateReason(reason), cause};
    m_heartbeat->stop();
    setState(ConnectionState::Closing);
    // close() writes the close frame and closes TCP without waiting for the peer's answer;
    // disconnected() normally arrives inside this call.
    m_socket->close(QWebSocketProtocol::CloseCode(code), m_closeRequest.reason);
    if (m_state == ConnectionState::Closing) {
        if (m_shuttingDown)
            finish(Closer::Local, code, m_closeRequest.reason, cause);
        else
            m_closeGraceTimer->start(CloseGraceMs);
    }
}

void ConnectionWorker::cancel()
{
    if (m_state == ConnectionState::Connecting) {
        finish(Closer::Local, CloseCode::Abnormal, QStringLiteral("connect cancelled"),
            CloseCause::Cancelled);
    } else if (m_state == ConnectionState::Reconnecting) {
        m_reconnectTimer->stop();
        note(Kind::Note, QStringLiteral("reconnecting cancelled"));
        setState(ConnectionState::Closed);
    }
}

void ConnectionWorker::fail(TrafficEvent::CloseCause cause, const QString &message, int httpStatus)
{
    TrafficEvent e = makeEvent(Kind::Error, Direction::Local);
    e.text = message;
    e.code = quint16(httpStatus);
    post(std::move(e));
    finish(cause == CloseCause::ConnectTimeout ? Closer::Local : Closer::Network,
        CloseCode::Abnormal, message, cause);
}

bool ConnectionWorker::shouldReconnect(TrafficEvent::CloseCause cause) const
{
    if (m_shuttingDown)
        return false;
    if (cause == CloseCause::HeartbeatTimeout && m_reconnectAfterHeartbeat)
        return true;
    if (!m_settings.reconnect.enabled || m_backoff.exhausted())
        return false;
    switch (cause) {
    case CloseCause::PeerClosed:
    case CloseCause::ConnectFailed:
    case CloseCause::ConnectTimeout:
    case CloseCause::Dropped:
    case CloseCause::HeartbeatTimeout:
    case CloseCause::ProtocolError:
        return true;
    default:
        return false; // the user closed or cancelled
    }
}

void ConnectionWorker::finish(TrafficEvent::Closer closedBy, quint16 code, const QString &reason,
    TrafficEvent::CloseCause cause)
{
    if (m_state != ConnectionState::Connecting && m_state != ConnectionState::Open
        && m_state != ConnectionState::Closing)
        return; // exactly one close event per connection attempt
    m_connectTimer->stop();
    m_closeGraceTimer->stop();
    m_heartbeat->stop();
    m_replayer->cancel();
    releaseSocket();

    TrafficEvent e = makeEvent(Kind::Close, Direction::Local);
    e.closedBy = closedBy;
    e.code = code;
    e.text = reason;
    e.cause = cause;
    post(std::move(e));

    if (shouldReconnect(cause)) {
        const int delay = m_reconnectAfterHeartbeat && !m_settings.reconnect.enabled
            ? 0
            : m_backoff.nextDelayMs();
        note(Kind::Note,
            QStringLiteral("reconnecting in %1 ms (attempt %2)")
                .arg(delay)
                .arg(qMax(1, m_backoff.attempts())));
        setState(ConnectionState::Reconnecting);
        m_reconnectTimer->start(delay);
        return;
    }
    setState(ConnectionState::Closed);
}

void ConnectionWorker::startRecording(const QString &path, bool keepSecrets)
{
    if (m_recorder)
        stopRecording();
    RecordingHeader header;
    header.app = QStringLiteral("sockscope " SOCKSCOPE_VERSION);
    header.url = m_settings.url;
    QList<HttpHeader> requestHeaders = m_settings.headers;
    if (!m_settings.origin.isEmpty())
        requestHeaders.prepend({"Origin", m_settings.origin.toUtf8()});
    header.requestHeaders = RecordingFormat::redactedHeaders(requestHeaders, keepSecrets);
    header.offeredSubprotocols = m_settings.subprotocols;
    header.subprotocol
        = m_socket && m_state == ConnectionState::Open ? m_socket->subprotocol() : QString();
    header.startWallMs = m_clock.wallOriginMs();
    m_batcher->flush(); // what happened before is not part of this recording
    m_recorder = new SessionRecorder(path, header, this);
    connect(m_recorder, &SessionRecorder::failed, this, [this](const QString &message) {
        note(Kind::Error, message);
        if (m_recorder) {
            m_recorder->deleteLater();
            m_recorder = nullptr;
        }
    });
    connect(
        m_recorder, &SessionRecorder::backlogChanged, this, [this](bool behind, qint64 waiting) {
            note(behind ? Kind::Error : Kind::Note,
                behind ? QStringLiteral(
                    "the disk is not keeping up with the recording: %L1 events waiting to be "
                    "written (none will be lost)")
                             .arg(waiting)
                       : QStringLiteral("the recording caught up with the traffic"));
        });
    note(Kind::Note, QStringLiteral("recording to %1").arg(path));
}

void ConnectionWorker::stopRecording()
{
    if (!m_recorder)
        return;
    const QString path = m_recorder->path();
    note(Kind::Note, QStringLiteral("recording stopped: %1").arg(path));
    m_batcher->flush(); // the last events, this note included, go into the file
    const qint64 recorded = m_recorder->eventsRecorded();
    delete m_recorder; // writes the rest and closes the file
    m_recorder = nullptr;
    note(Kind::Note, QStringLiteral("%L1 events written to %2").arg(recorded).arg(path));
}

void ConnectionWorker::startReplay(const ReplayPlan &plan)
{
    if (plan.isEmpty()) {
        note(
            Kind::Error, QStringLiteral("nothing to replay: the selection has no client messages"));
        Q_EMIT replayFinished(false, QStringLiteral("nothing to replay"));
        return;
    }
    if (m_state == ConnectionState::Open) {
        note(Kind::Note, QStringLiteral("replaying %1 messages").arg(plan.items.size()));
        m_replayer->start(plan);
    } else {
        m_pendingReplay = plan; // starts when the connection opens
    }
}

void ConnectionWorker::cancelReplay()
{
    m_pendingReplay = {};
    m_replayer->cancel();
}

void ConnectionWorker::shutdown()
{
    m_shuttingDown = true;
    m_reconnectTimer->stop();
    switch (m_state) {
    case ConnectionState::Open:
        closeSocket(
            CloseCode::GoingAway, QStringLiteral("client shutting down"), CloseCause::Shutdown);
        break;
    case ConnectionState::Connecting:
    case ConnectionState::Closing:
        finish(Closer::Local, CloseCode::Abnormal, QStringLiteral("client shutting down"),
            CloseCause::Shutdown);
        break;
    case ConnectionState::Reconnecting:
        setState(ConnectionState::Closed);
        break;
    case ConnectionState::Idle:
    case ConnectionState::Closed:
        break;
    }
    m_lagProbe->stop();
    stopRecording(); // the file is complete before the thread ends
    m_batcher->flush();
    thread()->quit();
}
