#include "ConnectionWorker.h"

#include "ClientHandshake.h"
#include "CloseCode.h"
#include "EventBatcher.h"
#include "FrameWriter.h"
#include "Heartbeat.h"
#include "LiveRecording.h"
#include "LoopLagProbe.h"
#include "PemFiles.h"
#include "TcpTransport.h"
#include "TlsTransport.h"
#include "Version.h"

#include <QDateTime>
#include <QDir>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Closer = TrafficEvent::Closer;
using CloseCause = TrafficEvent::CloseCause;
using TransportEnd = TrafficEvent::TransportEnd;
using LocalReason = ConnectionEnding::LocalReason;

namespace {

// With no traffic, the loop-lag readings still go out this often.
constexpr qint64 IdleReportIntervalUs = 200'000;
// One read from the transport; a flood is parsed in pieces of this size.
constexpr qint64 ReadBufferSize = 256LL * 1024;
// Reads per wake-up before other events (timers: the heartbeat) get their turn.
constexpr int ReadsPerWakeUp = 16;
// Server pings whose delayed answer is still pending; older ones are answered by newer pongs.
constexpr int MaxDelayedPongs = 64;

} // namespace

ConnectionWorker::ConnectionWorker(const ConnectionSettings &settings, const EventClock &clock)
    : m_settings(settings), m_clock(clock), m_backoff(settings.reconnect)
{ }

ConnectionWorker::~ConnectionWorker() = default;

void ConnectionWorker::initialize()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_readBuffer.reset(new char[ReadBufferSize]);
    m_batcher = new EventBatcher(this);
    m_recording = new LiveRecording(
        m_batcher, [this](Kind kind, const QString &text) { note(kind, text); }, this);
    connect(m_batcher, &EventBatcher::batchReady, this, [this](const TrafficBatch &batch) {
        m_recording->record(batch);
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
            m_controlInfo.applyTo(e);
            m_batcher->commit();
        });
    connect(m_heartbeat, &Heartbeat::pongReceived, this,
        [this](quint32 sequence, qint64 rttUs, const QByteArray &payload, qint64 atUs, bool) {
            TrafficEvent &e = m_batcher->appendBytes(
                Kind::Pong, Direction::Incoming, atUs, m_clock.wallMsAt(atUs), payload);
            e.sequence = sequence;
            e.durationUs = rttUs;
            m_controlInfo.applyTo(e);
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

    const auto singleShot = [this](auto slot) {
        auto *timer = new QTimer(this);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, slot);
        return timer;
    };
    m_connectTimer = singleShot(&ConnectionWorker::onConnectTimeout);
    m_reconnectTimer = singleShot(&ConnectionWorker::connectNow);
    m_closeTimer = singleShot(&ConnectionWorker::onCloseTimeout);
    m_pongTimer = singleShot(&ConnectionWorker::sendDuePongs);
    m_pongTimer->setTimerType(Qt::PreciseTimer);
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
    m_localReason = LocalReason::None;
    m_sentReason.clear();
    m_subprotocol.clear();
    m_delayedPongs.clear();
    m_reconnectAfterHeartbeat = false;

    if (!m_recording->isRecording() && !m_settings.recording.directory.isEmpty()) {
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

    ClientHandshake::Request request;
    request.url = m_settings.url;
    for (const HttpHeader &h : std::as_const(m_settings.headers))
        request.headers.append({h.name, h.value});
    request.subprotocols = m_settings.subprotocols;
    request.origin = m_settings.origin;
    request.offerDeflate = m_settings.deflate;
    request.userAgent = QByteArrayLiteral("Sockscope/" SOCKSCOPE_VERSION);
    m_handshake = std::make_unique<ClientHandshake>(request);
    if (!m_handshake->requestProblem().isEmpty()) {
        fail(CloseCause::ConnectFailed, m_handshake->requestProblem());
        return;
    }

    const bool secure = m_settings.url.scheme() == QLatin1String("wss");
    if (secure) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        if (!m_settings.tls.caFile.isEmpty()) {
            QList<QSslCertificate> certificates;
            QString problem;
            if (!PemFiles::readCertificates(m_settings.tls.caFile, &certificates, &problem)) {
                fail(CloseCause::ConnectFailed, problem);
                return;
            }
            tls.addCaCertificates(certificates);
        }
        m_transport = new TlsTransport(tls, m_settings.tls.ignoreCertificateErrors, this);
    } else {
        m_transport = new TcpTransport(this);
    }
    connect(m_transport, &Transport::connected, this, &ConnectionWorker::onTransportConnected);
    connect(m_transport, &Transport::connectFailed, this, &ConnectionWorker::onConnectFailed);
    connect(m_transport, &Transport::readyRead, this, &ConnectionWorker::onReadyRead);
    connect(m_transport, &Transport::ended, this, &ConnectionWorker::onTransportEnded);
    m_connectTimer->start(m_settings.connectTimeoutMs);
    m_transport->connectToHost(
        m_settings.url.host(), quint16(m_settings.url.port(secure ? 443 : 80)));
}

void ConnectionWorker::onTransportConnected()
{
    if (auto *tls = qobject_cast<TlsTransport *>(m_transport);
        tls && !tls->ignoredErrors().isEmpty())
        note(Kind::Note,
            QStringLiteral("certificate problems ignored as requested: %1")
                .arg(tls->ignoredErrors().join(QStringLiteral("; "))));
    m_transport->write(m_handshake->requestHead());
}

void ConnectionWorker::onConnectFailed(Transport::ConnectError, const QString &message)
{
    if (m_state == ConnectionState::Connecting)
        fail(CloseCause::ConnectFailed, message);
}

void ConnectionWorker::onReadyRead()
{
    m_readScheduled = false;
    for (int i = 0; i < ReadsPerWakeUp; ++i) {
        if (!m_transport)
            return;
        const qint64 n = m_transport->read(m_readBuffer.get(), ReadBufferSize);
        if (n == 0)
            return;
        if (n < 0) {
            onTransportEnded();
            return;
        }
        processIncoming(m_readBuffer.get(), n);
    }
    // A flood: let timers (the heartbeat) and requests run, then go on reading.
    if (m_transport && !m_readScheduled) {
        m_readScheduled = true;
        QMetaObject::invokeMethod(this, &ConnectionWorker::onReadyRead, Qt::QueuedConnection);
    }
}

void ConnectionWorker::processIncoming(char *data, qint64 size)
{
    // Everything in one read arrived at the same moment: one clock reading serves it all.
    m_nowUs = m_clock.elapsedUs();
    m_nowWallMs = m_clock.wallMsAt(m_nowUs);
    if (m_state == ConnectionState::Connecting) {
        if (!m_handshake)
            return;
        qsizetype consumed = 0;
        switch (m_handshake->feed(data, size, &consumed)) {
        case ClientHandshake::Status::NeedMore:
            return;
        case ClientHandshake::Status::Accepted:
            onHandshakeDone(consumed, data, size);
            return;
        case ClientHandshake::Status::Rejected:
        case ClientHandshake::Status::Invalid:
            postHandshakeEvent();
            fail(CloseCause::ConnectFailed, m_handshake->error(), m_handshake->statusCode());
            return;
        }
        return;
    }
    if (!m_wire)
        return;
    m_wire->receiveData(data, size);
    flushOutput();
}

void ConnectionWorker::postHandshakeEvent()
{
    TrafficEvent e = makeEvent(Kind::Handshake, Direction::Local);
    e.data = m_handshake->requestHead();
    e.text = QString::fromLatin1(m_handshake->response().raw());
    e.code = quint16(m_handshake->statusCode());
    post(std::move(e));
}

void ConnectionWorker::onHandshakeDone(qint64 consumed, char *data, qint64 size)
{
    postHandshakeEvent();
    m_connectTimer->stop();
    m_backoff.reset();
    m_subprotocol = m_handshake->subprotocol();
    WireConnection::Listener *listener
        = this; // a private base: converted here, where it is visible
    m_wire = std::make_unique<WireConnection>(WireConnection::Role::Client, listener);
    m_wire->setMaxMessageSize(m_settings.maxIncomingMessageSize);
    if (m_handshake->deflateAgreed())
        m_wire->enableDeflate(m_handshake->deflateParameters());
    applyPongPolicy();

    TrafficEvent e = makeEvent(Kind::Open, Direction::Local);
    e.text = m_subprotocol;
    post(std::move(e));
    setState(ConnectionState::Open);
    if (m_script)
        m_script->opened();
    // Pinging starts only now: a ping before the upgrade would corrupt the handshake.
    m_heartbeat->start([this](const QByteArray &payload) {
        if (!m_wire)
            return;
        m_controlInfo = m_wire->sendPing(payload);
        flushOutput();
    });
    if (!m_pendingReplay.isEmpty()) {
        note(Kind::Note, QStringLiteral("replaying %1 messages").arg(m_pendingReplay.items.size()));
        m_replayer->start(std::exchange(m_pendingReplay, {}));
    }
    // Frames that came with the end of the handshake.
    if (consumed < size && m_wire) {
        m_wire->receiveData(data + consumed, size - consumed);
        flushOutput();
    }
}

void ConnectionWorker::flushOutput()
{
    if (!m_wire || !m_transport)
        return;
    QByteArray &out = m_wire->output();
    if (out.isEmpty())
        return;
    m_transport->write(out);
    out.truncate(0);
}

void ConnectionWorker::messageReceived(
    quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info)
{
    TrafficEvent &e = m_batcher->appendRaw(opcode == WireOpcode::Text ? Kind::Text : Kind::Binary,
        Direction::Incoming, m_nowUs, m_nowWallMs, data, size);
    info.applyTo(e);
    m_batcher->commit();
    if (m_replayer->isRunning())
        m_replayer->messageReceived();
    if (m_script)
        runScript(opcode, data, size);
}

void ConnectionWorker::runScript(quint8 opcode, const char *data, qint64 size)
{
    if (!m_script->handlesMessages())
        return;
    const ScriptHost::Verdict verdict = m_script->message(
        Direction::Incoming, opcode != WireOpcode::Text, data, size, m_nowWallMs);
    // At an endpoint a returned value is the reply; DROP has nothing to hold back.
    if (verdict.kind == ScriptHost::Verdict::Kind::Replace)
        scriptSend(verdict.binary, verdict.payload);
}

void ConnectionWorker::scriptSend(bool binary, const QByteArray &payload)
{
    if (binary)
        sendBinary(payload);
    else
        sendUtf8(payload);
}

void ConnectionWorker::scriptClose(quint16 code, const QString &reason)
{
    // Not from inside the parser or the script: the close runs once both have returned.
    QMetaObject::invokeMethod(
        this, [this, code, reason] { requestClose(code, reason); }, Qt::QueuedConnection);
}

void ConnectionWorker::scriptOutput(
    TrafficEvent::ScriptNote note, const QString &text, int line, const QString &detail)
{
    TrafficEvent e = makeEvent(Kind::Script, Direction::Local);
    e.code = quint16(note);
    e.text = text;
    e.sequence = quint32(qMax(0, line));
    e.data = detail.toUtf8();
    post(std::move(e));
}

void ConnectionWorker::loadScript(const ScriptSource &source)
{
    if (m_script) {
        delete m_script; // its timers go with it
        m_script = nullptr;
    }
    if (source.isEmpty()) {
        note(Kind::Note, QStringLiteral("script stopped"));
        return;
    }
    auto *script = new ScriptHost(source, this, this);
    if (!script->load()) {
        delete script;
        note(Kind::Note, QStringLiteral("script %1 not loaded").arg(source.name));
        return;
    }
    m_script = script;
    note(Kind::Note, QStringLiteral("script %1 loaded").arg(source.name));
    if (m_state == ConnectionState::Open)
        m_script->opened();
}

void ConnectionWorker::pingReceived(const char *data, qint64 size, const WireFrameInfo &info)
{
    TrafficEvent &e
        = m_batcher->appendRaw(Kind::Ping, Direction::Incoming, m_nowUs, m_nowWallMs, data, size);
    info.applyTo(e);
    m_batcher->commit();
    switch (m_settings.heartbeat.pong) {
    case HeartbeatSettings::PongPolicy::Auto: {
        // The codec has already answered; log the answer as it went out.
        TrafficEvent &pong = m_batcher->appendRaw(
            Kind::Pong, Direction::Outgoing, m_nowUs, m_nowWallMs, data, size);
        WireFrameInfo sent;
        sent.frames = 1;
        sent.opcode = WireOpcode::Pong;
        sent.masked = true;
        sent.wireSize = FrameWriter::headerSize(size, true) + size;
        sent.applyTo(pong);
        pong.durationUs = m_clock.elapsedUs() - m_nowUs;
        m_batcher->commit();
        break;
    }
    case HeartbeatSettings::PongPolicy::Off:
        break;
    case HeartbeatSettings::PongPolicy::Delay:
        if (m_delayedPongs.size() >= MaxDelayedPongs)
            m_delayedPongs.removeFirst();
        m_delayedPongs.append({m_nowUs + qint64(m_settings.heartbeat.pongDelayMs) * 1000, m_nowUs,
            QByteArray(data, size)});
        if (!m_pongTimer->isActive())
            sendDuePongs();
        break;
    }
}

void ConnectionWorker::sendPong(const QByteArray &payload, qint64 receivedUs)
{
    if (!m_wire)
        return;
    const WireFrameInfo info = m_wire->sendPong(payload);
    if (!info.frames)
        return;
    flushOutput();
    const qint64 now = m_clock.elapsedUs();
    TrafficEvent &pong = m_batcher->appendBytes(
        Kind::Pong, Direction::Outgoing, now, m_clock.wallMsAt(now), payload);
    info.applyTo(pong);
    pong.durationUs = now - receivedUs;
    m_batcher->commit();
}

void ConnectionWorker::sendDuePongs()
{
    const qint64 now = m_clock.elapsedUs();
    while (!m_delayedPongs.isEmpty() && m_delayedPongs.first().dueUs <= now + 500) {
        const DelayedPong p = m_delayedPongs.takeFirst();
        sendPong(p.payload, p.receivedUs);
    }
    if (!m_delayedPongs.isEmpty())
        m_pongTimer->start(int(qMax<qint64>(0, (m_delayedPongs.first().dueUs - now + 999) / 1000)));
}

void ConnectionWorker::applyPongPolicy()
{
    const HeartbeatSettings::PongPolicy policy = m_settings.heartbeat.pong;
    if (m_wire)
        m_wire->setAutoPong(policy == HeartbeatSettings::PongPolicy::Auto);
    if (policy == HeartbeatSettings::PongPolicy::Off) {
        m_delayedPongs.clear();
        m_pongTimer->stop();
    } else if (policy == HeartbeatSettings::PongPolicy::Auto) {
        // Answers that were being held go out now.
        for (DelayedPong &p : m_delayedPongs)
            p.dueUs = 0;
        sendDuePongs();
    } else {
        for (DelayedPong &p : m_delayedPongs)
            p.dueUs = p.receivedUs + qint64(m_settings.heartbeat.pongDelayMs) * 1000;
        m_pongTimer->stop();
        sendDuePongs();
    }
}

void ConnectionWorker::pongReceived(const char *data, qint64 size, const WireFrameInfo &info)
{
    m_controlInfo = info;
    m_heartbeat->handlePong(QByteArray(data, size));
}

void ConnectionWorker::postCloseFrame(
    Direction direction, quint16 code, const QString &reason, const WireFrameInfo &info)
{
    TrafficEvent e = makeEvent(Kind::CloseFrame, direction);
    e.code = code;
    e.text = reason;
    info.applyTo(e);
    post(std::move(e));
}

void ConnectionWorker::closeFrameReceived(
    quint16 code, const QString &reason, const WireFrameInfo &info, bool answered)
{
    postCloseFrame(Direction::Incoming, code, reason, info);
    m_heartbeat->stop();
    m_closeTimer->stop();
    if (answered) {
        WireFrameInfo sent;
        sent.frames = 1;
        sent.opcode = WireOpcode::Close;
        sent.masked = true;
        sent.wireSize
            = FrameWriter::headerSize(code == 1005 ? 0 : 2, true) + (code == 1005 ? 0 : 2);
        postCloseFrame(Direction::Outgoing, code, {}, sent);
        setState(ConnectionState::Closing);
    }
    // Both close frames have now gone their ways: end TCP (RFC 6455 §7.1.1).
    flushOutput();
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_transport)
                m_transport->disconnectFromHost();
        },
        Qt::QueuedConnection);
}

void ConnectionWorker::protocolViolated(quint16 code, const QString &reason, qint64 offset)
{
    QString detail = reason;
    if (offset >= 0)
        detail += QStringLiteral(" (frame at byte %1 of the stream)").arg(offset);
    note(Kind::Error, detail);
    if (m_localReason == LocalReason::None && m_wire && m_wire->closeSent()
        && !m_wire->closeReceived()) {
        m_localReason = LocalReason::ProtocolError;
        m_sentReason = CloseCode::truncateReason(reason);
        WireFrameInfo sent;
        sent.frames = 1;
        sent.opcode = WireOpcode::Close;
        sent.masked = true;
        postCloseFrame(Direction::Outgoing, code, m_sentReason, sent);
    }
    m_heartbeat->stop();
    setState(ConnectionState::Closing);
    flushOutput();
    if (!m_closeTimer->isActive())
        m_closeTimer->start(m_settings.closeTimeoutMs);
}

void ConnectionWorker::onTransportEnded()
{
    if (!m_transport)
        return;
    if (m_state == ConnectionState::Connecting) {
        fail(CloseCause::ConnectFailed,
            QStringLiteral("the server closed the connection during the WebSocket handshake"));
        return;
    }
    finishFromWire(m_transport->endReason());
}

void ConnectionWorker::finishFromWire(TransportEnd end)
{
    ConnectionEnding::Facts facts;
    if (m_wire) {
        facts.closeSent = m_wire->closeSent();
        facts.sentCode = m_wire->sentCloseCode();
        facts.closeReceived = m_wire->closeReceived();
        facts.receivedCode = m_wire->receivedCloseCode();
        facts.receivedReason = m_wire->receivedCloseReason();
        facts.peerClosedFirst = m_wire->peerClosedFirst();
        facts.midMessage = m_wire->isMidMessage();
    }
    facts.sentReason = m_sentReason;
    facts.localReason = m_localReason;
    facts.transport = end;
    const ConnectionEnding::Outcome outcome = ConnectionEnding::classify(facts);
    if (!outcome.detail.isEmpty())
        note(Kind::Note, outcome.detail);
    finish(outcome.closedBy, outcome.code, outcome.reason, outcome.cause, end);
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
        closeWith(CloseCode::InternalError,
            QStringLiteral("no pong within %1 ms").arg(hb.timeoutMs),
            LocalReason::HeartbeatTimeout);
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

void ConnectionWorker::onCloseTimeout()
{
    if (m_state != ConnectionState::Closing || !m_transport)
        return;
    // The peer did not answer our close frame (or close TCP after its own) in time: cut TCP.
    m_transport->abort();
    finishFromWire(TransportEnd::Timeout);
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
    sendUtf8(text.toUtf8());
}

void ConnectionWorker::sendUtf8(const QByteArray &utf8)
{
    if (m_state != ConnectionState::Open || !m_wire) {
        note(Kind::Error, QStringLiteral("not sent: the connection is not open"));
        return;
    }
    const WireFrameInfo info = m_wire->sendText(utf8);
    flushOutput();
    const qint64 now = m_clock.elapsedUs();
    TrafficEvent &e = m_batcher->appendRaw(
        Kind::Text, Direction::Outgoing, now, m_clock.wallMsAt(now), utf8.constData(), utf8.size());
    info.applyTo(e);
    m_batcher->commit();
}

void ConnectionWorker::sendBinary(const QByteArray &data)
{
    if (m_state != ConnectionState::Open || !m_wire) {
        note(Kind::Error, QStringLiteral("not sent: the connection is not open"));
        return;
    }
    const WireFrameInfo info = m_wire->sendBinary(data);
    flushOutput();
    const qint64 now = m_clock.elapsedUs();
    TrafficEvent &e = m_batcher->appendBytes(
        Kind::Binary, Direction::Outgoing, now, m_clock.wallMsAt(now), data);
    info.applyTo(e);
    m_batcher->commit();
}

void ConnectionWorker::setHeartbeat(const HeartbeatSettings &settings)
{
    const QString invalid = settings.validate();
    if (!invalid.isEmpty()
        && (settings.enabled || settings.pong == HeartbeatSettings::PongPolicy::Delay)) {
        note(Kind::Error, QStringLiteral("heartbeat unchanged: %1").arg(invalid));
        return;
    }
    m_settings.heartbeat = settings;
    m_heartbeat->setSettings(settings);
    applyPongPolicy();
    note(Kind::HeartbeatChange, settings.describe());
}

void ConnectionWorker::pingNow()
{
    if (m_state != ConnectionState::Open || !m_wire) {
        note(Kind::Error, QStringLiteral("no ping sent: the connection is not open"));
        return;
    }
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
        closeWith(code, reason, LocalReason::Requested);
        return;
    case ConnectionState::Idle:
    case ConnectionState::Closing:
    case ConnectionState::Closed:
        return;
    }
}

void ConnectionWorker::closeWith(quint16 code, const QString &reason, LocalReason why)
{
    if (!m_wire || m_wire->closeSent())
        return;
    m_localReason = why;
    m_sentReason = CloseCode::truncateReason(reason);
    m_heartbeat->stop();
    const WireFrameInfo info = m_wire->sendClose(code, m_sentReason.toUtf8());
    postCloseFrame(Direction::Outgoing, code, m_sentReason, info);
    flushOutput();
    setState(ConnectionState::Closing);
    if (m_shuttingDown) {
        // Shutting down never waits for the peer: the close frame is written, TCP ends.
        m_transport->disconnectFromHost();
        finishFromWire(TransportEnd::LocalClose);
        return;
    }
    // Wait for the peer's close frame, but not for ever.
    m_closeTimer->start(m_settings.closeTimeoutMs);
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

void ConnectionWorker::fail(CloseCause cause, const QString &message, int httpStatus)
{
    TrafficEvent e = makeEvent(Kind::Error, Direction::Local);
    e.text = message;
    e.code = quint16(httpStatus);
    post(std::move(e));
    finish(cause == CloseCause::ConnectTimeout ? Closer::Local : Closer::Network,
        CloseCode::Abnormal, message, cause);
}

bool ConnectionWorker::shouldReconnect(CloseCause cause) const
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

void ConnectionWorker::releaseTransport()
{
    m_handshake.reset();
    m_wire.reset();
    m_delayedPongs.clear();
    m_pongTimer->stop();
    if (!m_transport)
        return;
    Transport *transport = m_transport;
    m_transport = nullptr;
    transport->disconnect(this);
    // Ends a pending connect, TLS or upgrade at once, and anything the peer left open.
    if (transport->endReason() == TransportEnd::Unknown)
        transport->abort();
    transport->deleteLater();
}

void ConnectionWorker::finish(Closer closedBy, quint16 code, const QString &reason,
    CloseCause cause, TransportEnd transportEnd)
{
    if (m_state != ConnectionState::Connecting && m_state != ConnectionState::Open
        && m_state != ConnectionState::Closing)
        return; // exactly one close event per connection attempt
    m_connectTimer->stop();
    m_closeTimer->stop();
    m_heartbeat->stop();
    m_replayer->cancel();
    releaseTransport();

    TrafficEvent e = makeEvent(Kind::Close, Direction::Local);
    e.closedBy = closedBy;
    e.code = code;
    e.text = reason;
    e.cause = cause;
    e.transportEnd = transportEnd;
    post(std::move(e));
    if (m_script)
        m_script->closed(code, reason);

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
    RecordingHeader header = RecordingFormat::headerFor(
        m_settings, QStringLiteral("sockscope " SOCKSCOPE_VERSION), m_clock.wallOriginMs());
    header.subprotocol = m_state == ConnectionState::Open ? m_subprotocol : QString();
    m_recording->start(path, header, keepSecrets);
}

void ConnectionWorker::stopRecording()
{
    m_recording->stop();
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
        closeWith(
            CloseCode::GoingAway, QStringLiteral("client shutting down"), LocalReason::Shutdown);
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
