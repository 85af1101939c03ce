#include "ProxyPair.h"

#include "ClientHandshake.h"
#include "CloseCode.h"
#include "ConnectionSettings.h"
#include "EventBatcher.h"
#include "FrameWriter.h"
#include "LiveRecording.h"
#include "LoopLagProbe.h"
#include "PemFiles.h"
#include "PerMessageDeflate.h"
#include "RecordingFormat.h"
#include "TcpTransport.h"
#include "TlsTransport.h"
#include "Version.h"

#include <QSslCertificate>
#include <QTimer>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Closer = TrafficEvent::Closer;
using CloseCause = TrafficEvent::CloseCause;
using TransportEnd = TrafficEvent::TransportEnd;

namespace {

constexpr qint64 ReadBufferSize = 256LL * 1024;
// Reads per wake-up before the pair's timers (latency, stall) and the other side get their turn.
constexpr int ReadsPerWakeUp = 16;
// Frames a client sends before the upstream answered are kept up to this, then reading waits.
constexpr qint64 MaxEarlyBytes = 1024LL * 1024;

ProxySide otherSide(ProxySide side)
{
    return side == ProxySide::Client ? ProxySide::Server : ProxySide::Client;
}

// The request target upstream: the URL's path with the client's path and query appended.
QByteArray upstreamTarget(const QUrl &upstream, const QByteArray &clientTarget)
{
    QByteArray base = upstream.path(QUrl::FullyEncoded).toLatin1();
    while (base.endsWith('/'))
        base.chop(1);
    QByteArray target = clientTarget.startsWith('/') ? clientTarget : '/' + clientTarget;
    target = base + target;
    if (upstream.hasQuery()) {
        const QByteArray query = upstream.query(QUrl::FullyEncoded).toLatin1();
        target += (target.contains('?') ? '&' : '?') + query;
    }
    return target;
}

QByteArray closeFrame(quint16 code, const QString &reason, bool masked)
{
    QByteArray frame;
    FrameWriter::appendFrame(frame, WireOpcode::Close, true,
        FrameWriter::closePayload(code, CloseCode::truncateReason(reason).toUtf8()), masked);
    return frame;
}

} // namespace

ProxyPair::ProxyPair(int pairId, qintptr descriptor, const ProxyServer::Settings &settings,
    const ProxyFaults &faults, const QSslConfiguration &listenTls, const QString &recordPath)
    : m_pairId(pairId)
    , m_descriptor(descriptor)
    , m_settings(settings)
    , m_faults(faults)
    , m_listenTls(listenTls)
    , m_recordPath(recordPath)
{ }

ProxyPair::~ProxyPair() = default;

void ProxyPair::start()
{
    m_buffer.reset(new char[ReadBufferSize]);
    m_batcher = new EventBatcher(this);
    m_lagProbe = new LoopLagProbe(LoopLagProbe::DefaultIntervalMs, this);
    m_lagProbe->start();
    m_recording = new LiveRecording(
        m_batcher, [this](Kind kind, const QString &text) { note(kind, text); }, this);
    connect(m_recording, &LiveRecording::pathChanged, this,
        [this](const QString &path) { Q_EMIT recordingChanged(m_pairId, path); });
    connect(m_batcher, &EventBatcher::batchReady, this, [this](const TrafficBatch &batch) {
        m_recording->record(batch);
        Q_EMIT eventsReady(m_pairId, batch, m_lagProbe->take());
        Q_EMIT statusChanged(status());
    });
    m_upstreamTimer = new QTimer(this);
    m_upstreamTimer->setSingleShot(true);
    connect(m_upstreamTimer, &QTimer::timeout, this, [this] {
        failUpstream(QStringLiteral("no answer from the upstream within %1 ms")
                         .arg(m_settings.upstreamTimeoutMs));
    });
    if (!m_listenTls.isNull()) {
        auto *tls = new TlsTransport(m_listenTls, false, this);
        m_client = tls;
        connect(tls, &Transport::connectFailed, this, [this](auto, const QString &message) {
            note(Kind::Error, QStringLiteral("client TLS handshake failed: %1").arg(message));
            m_clientEnd = {true, TransportEnd::LocalClose, true};
            m_serverEnd.ended = true;
            finish();
        });
        tls->adoptEncrypted(m_descriptor);
    } else {
        auto *tcp = new TcpTransport(this);
        m_client = tcp;
        tcp->adopt(m_descriptor);
    }
    m_clientAddress = m_client->peerText();
    auto *requestDeadline = new QTimer(this);
    requestDeadline->setSingleShot(true);
    connect(requestDeadline, &QTimer::timeout, this, [this] {
        if (m_stage == Stage::Request)
            refuseRequest(408, "Request Timeout",
                QStringLiteral("no complete upgrade request within %1 ms")
                    .arg(m_settings.upgradeRequestTimeoutMs));
    });
    requestDeadline->start(m_settings.upgradeRequestTimeoutMs);
    connect(m_client, &Transport::readyRead, this, &ProxyPair::onClientReadable);
    connect(m_client, &Transport::ended, this, [this] { onSideEnded(ProxySide::Client); });
    Q_EMIT accepted(m_pairId, m_clientAddress);
    Q_EMIT statusChanged(status());
}

void ProxyPair::note(Kind kind, const QString &text, Direction direction)
{
    TrafficEvent e;
    e.kind = kind;
    e.direction = direction;
    e.timeUs = m_clock.elapsedUs();
    e.wallMs = m_clock.wallMsAt(e.timeUs);
    e.text = text;
    m_batcher->append(std::move(e));
}

void ProxyPair::postFault(ProxySide from, const QString &text)
{
    note(Kind::Fault, text, from == ProxySide::Client ? Direction::Outgoing : Direction::Incoming);
}

void ProxyPair::setState(ProxyPairState state)
{
    if (m_state == state)
        return;
    m_state = state;
    m_batcher->flush(); // the events that led to it first
    Q_EMIT statusChanged(status());
}

ProxyPairStatus ProxyPair::status() const
{
    ProxyPairStatus s;
    s.pairId = m_pairId;
    s.state = m_state;
    s.clientAddress = m_clientAddress;
    s.upstream
        = m_upstreamUrl.isValid() ? m_upstreamUrl.toString() : m_settings.upstream.toString();
    if (m_fromClient) {
        s.messagesFromClient = m_fromClient->messages();
        s.payloadBytesFromClient = m_fromClient->payloadBytes();
        s.wireBytesFromClient = m_fromClient->wireBytes();
        s.heldFromClient = m_fromClient->heldCount();
    }
    if (m_fromServer) {
        s.messagesFromServer = m_fromServer->messages();
        s.payloadBytesFromServer = m_fromServer->payloadBytes();
        s.wireBytesFromServer = m_fromServer->wireBytes();
        s.heldFromServer = m_fromServer->heldCount();
    }
    s.clientPingRttUs = m_clientPingRttUs;
    s.serverPingRttUs = m_serverPingRttUs;
    s.startedWallMs = m_clock.wallOriginMs();
    return s;
}

Transport *ProxyPair::transportOf(ProxySide side) const
{
    return side == ProxySide::Client ? m_client : m_upstream;
}

ProxyRelay *ProxyPair::relayFrom(ProxySide side) const
{
    return side == ProxySide::Client ? m_fromClient : m_fromServer;
}

void ProxyPair::onClientReadable()
{
    readFrom(ProxySide::Client);
}

void ProxyPair::onUpstreamReadable()
{
    readFrom(ProxySide::Server);
}

void ProxyPair::readFrom(ProxySide side)
{
    Transport *source = transportOf(side);
    for (int i = 0; i < ReadsPerWakeUp; ++i) {
        if (!source || source != transportOf(side) || m_stage == Stage::Done)
            return;
        ProxyRelay *relay = relayFrom(side);
        if (relay && relay->isSourcePaused())
            return;
        char *buffer = m_buffer.get();
        const qint64 n = source->read(buffer, ReadBufferSize);
        if (n <= 0)
            return; // ended() follows an end of stream
        switch (m_stage) {
        case Stage::Request:
            if (side == ProxySide::Client)
                handleRequest(buffer, n);
            break;
        case Stage::Upstream:
        case Stage::Response:
            if (side == ProxySide::Server) {
                handleResponse(buffer, n);
            } else {
                m_clientEarly.append(buffer, n);
                if (m_clientEarly.size() > MaxEarlyBytes)
                    m_client->setReadingPaused(true);
            }
            break;
        case Stage::Open:
            relay->receive(buffer, n, m_clock.elapsedUs());
            break;
        case Stage::Passthrough:
            transportOf(otherSide(side))->write(buffer, n);
            break;
        case Stage::Ending:
            // While a side answers the proxy's close, it may still send data, relayed to the
            // other side; what the other side sends is logged, not relayed (the closing side
            // must get nothing after the proxy's close frame).
            if (relay && (m_awaitingCloseAnswer || !relay->isStopped())) {
                relay->receive(buffer, n, m_clock.elapsedUs());
                if (!m_closeAnswer.isEmpty())
                    closeAnswerEnded(std::exchange(m_closeAnswer, {}), false);
            }
            break;
        case Stage::Done:
            break;
        }
    }
    // More may be waiting (TLS buffers it without telling again): read on after other events.
    QMetaObject::invokeMethod(
        this, [this, side] { readFrom(side); }, Qt::QueuedConnection);
}

void ProxyPair::refuseRequest(int status, const QByteArray &reason, const QString &why)
{
    note(Kind::Error,
        QStringLiteral("client %1: %2 (answered %3)").arg(m_clientAddress, why).arg(status));
    m_client->write(ServerHandshake::errorResponse(
        status, reason, QStringLiteral("Sockscope proxy: %1").arg(why)));
    m_stage = Stage::Ending;
    endSide(ProxySide::Client, false);
    m_serverEnd.ended = true;
    finishIfDone();
}

void ProxyPair::handleRequest(char *data, qint64 size)
{
    qsizetype consumed = 0;
    const ServerHandshake::Status result = m_handshake.feed(data, size, &consumed);
    if (result == ServerHandshake::Status::NeedMore)
        return;
    if (result != ServerHandshake::Status::Upgrade) {
        refuseRequest(400, "Bad Request", m_handshake.error());
        return;
    }
    m_clientEarly = QByteArray(data + consumed, size - consumed);
    connectUpstream();
}

void ProxyPair::connectUpstream()
{
    const HttpHead &request = m_handshake.request();
    const QByteArray target = upstreamTarget(m_settings.upstream, request.startPart(1));
    m_upstreamUrl = m_settings.upstream;
    {
        const qsizetype q = target.indexOf('?');
        m_upstreamUrl.setPath(
            QString::fromLatin1(q < 0 ? target : target.left(q)), QUrl::TolerantMode);
        if (q >= 0)
            m_upstreamUrl.setQuery(QString::fromLatin1(target.mid(q + 1)), QUrl::TolerantMode);
        else
            m_upstreamUrl.setQuery(QString());
    }
    // The recording's header names the URL the client asked for (its path and query on the
    // upstream), so a replay or serve of it goes where the client went.
    if (!m_recordPath.isEmpty())
        startRecording(m_recordPath, m_settings.keepSecrets);
    // Every field as the client sent it, Host rewritten for the upstream.
    QByteArray &h = m_upstreamRequest;
    h = "GET " + target + " HTTP/1.1\r\n";
    bool hostWritten = false;
    for (const HttpHead::Field &field : request.fields()) {
        if (field.name.compare("host", Qt::CaseInsensitive) == 0) {
            if (!hostWritten)
                h += field.name + ": " + ClientHandshake::hostHeaderFor(m_settings.upstream)
                    + "\r\n";
            hostWritten = true;
            continue;
        }
        h += field.name + ": " + field.value + "\r\n";
    }
    if (!hostWritten)
        h += "Host: " + ClientHandshake::hostHeaderFor(m_settings.upstream) + "\r\n";
    h += "\r\n";

    TrafficEvent connecting;
    connecting.kind = Kind::Connecting;
    connecting.timeUs = m_clock.elapsedUs();
    connecting.wallMs = m_clock.wallMsAt(connecting.timeUs);
    connecting.text = m_upstreamUrl.toString();
    m_batcher->append(std::move(connecting));
    note(Kind::Note,
        QStringLiteral("client %1 relayed to %2").arg(m_clientAddress, m_upstreamUrl.toString()));

    const bool secure = m_settings.upstream.scheme() == QLatin1String("wss");
    if (secure) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        QList<QSslCertificate> certificates;
        QString unused; // checked when the proxy started; without them the TLS check fails
        if (!m_settings.caFile.isEmpty()
            && PemFiles::readCertificates(m_settings.caFile, &certificates, &unused))
            tls.addCaCertificates(certificates);
        m_upstream = new TlsTransport(tls, m_settings.insecure, this);
    } else {
        m_upstream = new TcpTransport(this);
    }
    connect(m_upstream, &Transport::connected, this, [this] {
        m_stage = Stage::Response;
        m_upstream->write(m_upstreamRequest);
    });
    connect(m_upstream, &Transport::connectFailed, this,
        [this](Transport::ConnectError, const QString &message) { failUpstream(message); });
    connect(m_upstream, &Transport::readyRead, this, &ProxyPair::onUpstreamReadable);
    connect(m_upstream, &Transport::ended, this, [this] { onSideEnded(ProxySide::Server); });
    m_stage = Stage::Upstream;
    m_upstreamTimer->start(m_settings.upstreamTimeoutMs);
    m_upstream->connectToHost(
        m_settings.upstream.host(), quint16(m_settings.upstream.port(secure ? 443 : 80)));
}

void ProxyPair::handleResponse(char *data, qint64 size)
{
    qsizetype consumed = 0;
    const HttpHead::Status result = m_response.feed(data, size, &consumed);
    if (result == HttpHead::Status::NeedMore)
        return;
    if (result == HttpHead::Status::Invalid || !m_response.startPart(0).startsWith("HTTP/")) {
        failUpstream(QStringLiteral("the upstream did not answer with HTTP (%1)")
                         .arg(m_response.error().isEmpty() ? QStringLiteral("no status line")
                                                           : m_response.error()));
        return;
    }
    m_upstreamTimer->stop();
    m_client->write(m_response.raw());
    const int status = m_response.startPart(1).toInt();
    TrafficEvent e;
    e.kind = Kind::Handshake;
    e.timeUs = m_clock.elapsedUs();
    e.wallMs = m_clock.wallMsAt(e.timeUs);
    e.data = m_upstreamRequest;
    e.text = QString::fromLatin1(m_response.raw());
    e.code = quint16(status);
    m_batcher->append(std::move(e));
    if (status == 101) {
        openRelays(data + consumed, size - consumed);
        return;
    }
    // Not an upgrade (a redirect, 401, ...): relayed as it came, byte for byte, both ways.
    note(Kind::Note,
        QStringLiteral("the upstream answered HTTP %1: relayed to the client as it is")
            .arg(status));
    m_stage = Stage::Passthrough;
    m_client->write(data + consumed, size - consumed);
    m_upstream->write(m_clientEarly);
    m_clientEarly.clear();
    m_client->setReadingPaused(false);
}

void ProxyPair::openRelays(char *rest, qint64 restSize)
{
    const qint64 limit = m_settings.maxMessageSize;
    m_fromClient = new ProxyRelay(ProxySide::Client, m_client, m_upstream, this, limit);
    m_fromServer = new ProxyRelay(ProxySide::Server, m_upstream, m_client, this, limit);
    m_fromClient->setFaults(m_faults.fromClient);
    m_fromServer->setFaults(m_faults.fromServer);
    connect(
        m_fromClient, &ProxyRelay::drained, this, [this] { onRelayDrained(ProxySide::Client); });
    connect(
        m_fromServer, &ProxyRelay::drained, this, [this] { onRelayDrained(ProxySide::Server); });
    if (m_response.has("Sec-WebSocket-Extensions")) {
        DeflateParameters agreed;
        QString error;
        if (PerMessageDeflate::parseServerAnswer(
                m_response.value("Sec-WebSocket-Extensions"), &agreed, &error)) {
            // Each side compresses with its own parameters: inflate each direction with them.
            m_fromClient->enableInflate(agreed.clientNoContextTakeover);
            m_fromServer->enableInflate(agreed.serverNoContextTakeover);
            note(Kind::Note,
                QStringLiteral("permessage-deflate agreed: %1")
                    .arg(QString::fromLatin1(agreed.toHeaderValue())));
        } else {
            note(Kind::Error,
                QStringLiteral("the upstream's extension answer cannot be decoded: %1").arg(error));
        }
    }
    m_stage = Stage::Open;
    TrafficEvent open;
    open.kind = Kind::Open;
    open.timeUs = m_clock.elapsedUs();
    open.wallMs = m_clock.wallMsAt(open.timeUs);
    open.text = QString::fromLatin1(m_response.value("Sec-WebSocket-Protocol"));
    m_batcher->append(std::move(open));
    startScript();
    if (!m_faults.fromClient.isNone() || !m_faults.fromServer.isNone())
        note(Kind::Fault, QStringLiteral("faults: %1").arg(m_faults.describe()));
    setState(ProxyPairState::Open);
    if (m_settings.stallForMs > 0) {
        const ProxySide side = m_settings.stallSide;
        const int forMs = m_settings.stallForMs;
        QTimer::singleShot(m_settings.stallAfterMs, this, [this, side, forMs] {
            if (m_stage == Stage::Open)
                relayFrom(side)->stall(forMs);
        });
    }
    const qint64 now = m_clock.elapsedUs();
    if (restSize > 0)
        m_fromServer->receive(rest, restSize, now);
    if (!m_clientEarly.isEmpty() && m_stage == Stage::Open) {
        QByteArray early = std::exchange(m_clientEarly, {});
        m_fromClient->receive(early.data(), early.size(), now);
    }
    if (m_client)
        m_client->setReadingPaused(false);
}

void ProxyPair::failUpstream(const QString &why)
{
    if (m_stage != Stage::Upstream && m_stage != Stage::Response)
        return;
    m_upstreamTimer->stop();
    note(Kind::Error,
        QStringLiteral("upstream %1: %2 (answered 502)").arg(m_upstreamUrl.toString(), why));
    m_client->write(ServerHandshake::errorResponse(
        502, "Bad Gateway", QStringLiteral("Sockscope proxy: %1").arg(why)));
    m_stage = Stage::Ending;
    endSide(ProxySide::Server, false);
    endSide(ProxySide::Client, false);
    finishIfDone();
}

void ProxyPair::endSide(ProxySide side, bool reset)
{
    SideEnd &end = side == ProxySide::Client ? m_clientEnd : m_serverEnd;
    Transport *transport = transportOf(side);
    if (end.ended)
        return;
    end.ended = true;
    end.byProxy = true;
    if (!transport) {
        end.how = TransportEnd::Unknown;
        return;
    }
    if (reset) {
        end.how = TransportEnd::Reset;
        transport->reset();
    } else {
        end.how = TransportEnd::LocalClose;
        transport->disconnectFromHost();
    }
}

void ProxyPair::onSideEnded(ProxySide side)
{
    Transport *transport = transportOf(side);
    SideEnd &end = side == ProxySide::Client ? m_clientEnd : m_serverEnd;
    if (!end.ended) {
        end.ended = true;
        end.how = transport->endReason();
        const QString how = TrafficEvent::transportEndName(end.how);
        note(Kind::Note,
            QStringLiteral("the %1 ended TCP: %2%3")
                .arg(proxySideName(side), how,
                    transport->endError().isEmpty()
                        ? QString()
                        : QStringLiteral(" (%1)").arg(transport->endError())));
    }
    if (m_awaitingCloseAnswer && side == m_closingSide) {
        closeAnswerEnded(QStringLiteral("the %1 ended TCP without answering the proxy's close")
                             .arg(proxySideName(side)),
            false);
        return;
    }
    const ProxySide other = otherSide(side);
    switch (m_stage) {
    case Stage::Request:
    case Stage::Upstream:
    case Stage::Response:
        if (side == ProxySide::Server) {
            failUpstream(QStringLiteral("the upstream closed the connection before answering"));
            return;
        }
        m_upstreamTimer->stop();
        m_stage = Stage::Ending;
        endSide(ProxySide::Server, true);
        if (!m_upstream)
            m_serverEnd.ended = true;
        break;
    case Stage::Open:
    case Stage::Passthrough:
        setState(ProxyPairState::Closing);
        if (end.how == TransportEnd::Reset) {
            endSide(other, true); // a reset is passed on as one, at once
        } else if (!relayFrom(side) || !relayFrom(side)->hasQueued()) {
            endSide(other, false);
        } // else: once what is queued towards the other side was written (onRelayDrained)
        break;
    case Stage::Ending:
    case Stage::Done:
        break;
    }
    finishIfDone();
}

void ProxyPair::onRelayDrained(ProxySide from)
{
    if (m_closeOtherWhenDrained && from == m_proxyClosedSide) {
        m_closeOtherWhenDrained = false;
        closeTheOtherSide();
    }
    const SideEnd &sourceEnd = from == ProxySide::Client ? m_clientEnd : m_serverEnd;
    if (sourceEnd.ended && !sourceEnd.byProxy)
        endSide(otherSide(from), false);
    finishIfDone();
}

qint64 ProxyPair::pingAnswered(ProxySide pongFrom, QByteArrayView payload, qint64 nowUs)
{
    ProxyRelay *pinger = relayFrom(otherSide(pongFrom));
    const qint64 rtt = pinger ? pinger->answerPing(payload, nowUs) : -1;
    if (rtt >= 0)
        (pongFrom == ProxySide::Server ? m_clientPingRttUs : m_serverPingRttUs) = rtt;
    return rtt;
}

void ProxyPair::closeFrameSeen(ProxySide from, quint16 code, const QString &reason)
{
    if (m_awaitingCloseAnswer && from == m_closingSide) {
        // Handled once the frames before it in the same read have been relayed.
        m_closeAnswer
            = QStringLiteral("the %1 answered the proxy's close: %2%3")
                  .arg(proxySideName(from))
                  .arg(code)
                  .arg(reason.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(reason));
        return;
    }
    if (m_hasCloser || m_proxyClosed)
        return;
    m_hasCloser = true;
    m_closer = from;
    m_closeCode = code;
    m_closeReason = reason;
    note(Kind::Note, QStringLiteral("the %1 started the close handshake").arg(proxySideName(from)));
    setState(ProxyPairState::Closing);
}

void ProxyPair::protocolFailed(ProxySide from, quint16 code, const QString &reason, qint64 offset)
{
    note(Kind::Error,
        QStringLiteral("the %1 broke the protocol: %2 (frame at byte %3 of its stream)")
            .arg(proxySideName(from), reason)
            .arg(offset));
    closeBoth(code, reason, code, reason, CloseCause::ProtocolError);
}

void ProxyPair::cutNow(const QString &why)
{
    note(Kind::Fault, why);
    if (m_fromClient)
        m_fromClient->stopRelaying();
    if (m_fromServer)
        m_fromServer->stopRelaying();
    m_proxyClosed = true;
    m_proxyCause = CloseCause::Dropped;
    m_proxyCode = CloseCode::Abnormal;
    m_proxyReason = why;
    m_stage = Stage::Ending;
    setState(ProxyPairState::Closing);
    endSide(ProxySide::Client, true);
    endSide(ProxySide::Server, true);
    finishIfDone();
}

void ProxyPair::closeBoth(quint16 toClient, const QString &clientReason, quint16 toServer,
    const QString &serverReason, CloseCause cause)
{
    if (m_stage != Stage::Open)
        return;
    m_stage = Stage::Ending;
    m_proxyClosed = true;
    m_proxyCause = cause;
    m_proxyCode = toClient;
    m_proxyReason = clientReason;
    setState(ProxyPairState::Closing);
    // Each side gets the proxy's close frame where its stream is between frames; TCP ends after.
    if (!m_clientEnd.ended) {
        sendCloseFrame(ProxySide::Client, toClient, clientReason);
        endSide(ProxySide::Client, false);
    }
    if (!m_serverEnd.ended) {
        sendCloseFrame(ProxySide::Server, toServer, serverReason);
        endSide(ProxySide::Server, false);
    }
    finishIfDone();
}

bool ProxyPair::sendCloseFrame(ProxySide side, quint16 code, const QString &reason)
{
    if (!relayFrom(otherSide(side))->stopRelaying())
        return false; // the side's stream ends in the middle of a frame: no frame can follow
    transportOf(side)->write(closeFrame(code, reason, side == ProxySide::Server));
    TrafficEvent e;
    e.kind = Kind::CloseFrame;
    e.direction = side == ProxySide::Server ? Direction::Outgoing : Direction::Incoming;
    e.timeUs = m_clock.elapsedUs();
    e.wallMs = m_clock.wallMsAt(e.timeUs);
    e.code = code;
    e.text = QStringLiteral("(sent by the proxy) %1").arg(reason);
    m_batcher->append(std::move(e));
    return true;
}

void ProxyPair::startCloseHandshake(ProxySide side, quint16 code, const QString &reason)
{
    const SideEnd &end = side == ProxySide::Client ? m_clientEnd : m_serverEnd;
    if (end.ended)
        return;
    if (!sendCloseFrame(side, code, reason)) {
        endSide(side, false);
        return;
    }
    // The side answers with its own close frame, then TCP ends; a side that does not answer
    // has TCP ended at the bound.
    m_awaitingCloseAnswer = true;
    m_closingSide = side;
    if (!m_closeTimer) {
        m_closeTimer = new QTimer(this);
        m_closeTimer->setSingleShot(true);
        connect(m_closeTimer, &QTimer::timeout, this, [this] {
            closeAnswerEnded(QStringLiteral("the %1 did not answer the proxy's close within %2 ms: "
                                            "TCP ended (timeout)")
                                 .arg(proxySideName(m_closingSide))
                                 .arg(ConnectionSettings::DefaultCloseTimeoutMs),
                true);
        });
    }
    m_closeTimer->start(ConnectionSettings::DefaultCloseTimeoutMs);
}

void ProxyPair::closeAnswerEnded(const QString &how, bool timedOut)
{
    const ProxySide side = m_closingSide;
    m_awaitingCloseAnswer = false;
    m_closeTimer->stop();
    note(Kind::Note, how);
    endSide(side, false);
    if (timedOut)
        (side == ProxySide::Client ? m_clientEnd : m_serverEnd).how = TransportEnd::Timeout;
    // Then the side that was not named, with 1001, the same way.
    if (side == m_proxyClosedSide) {
        if (relayFrom(side)->hasQueued())
            m_closeOtherWhenDrained = true; // what it sent before its answer goes first
        else
            closeTheOtherSide();
    }
    finishIfDone();
}

void ProxyPair::closeTheOtherSide()
{
    const ProxySide named = m_proxyClosedSide;
    startCloseHandshake(otherSide(named), CloseCode::GoingAway,
        QStringLiteral("the %1 was closed by the proxy").arg(proxySideName(named)));
}

void ProxyPair::startScript()
{
    if (m_settings.script.isEmpty())
        return;
    auto *script = new ScriptHost(m_settings.script, this, this);
    if (!script->load()) {
        delete script;
        note(Kind::Note, QStringLiteral("script %1 not loaded").arg(m_settings.script.name));
        return;
    }
    m_script = script;
    if (m_script->handlesMessages()) {
        m_fromClient->setScript(m_script);
        m_fromServer->setScript(m_script);
    }
    m_script->opened();
}

void ProxyPair::scriptSend(bool binary, const QByteArray &payload)
{
    // Not from inside a relay's parser or the script: sent once both have returned.
    QMetaObject::invokeMethod(
        this, [this, binary, payload] { inject(ProxySide::Client, binary, payload); },
        Qt::QueuedConnection);
}

void ProxyPair::scriptClose(quint16 code, const QString &reason)
{
    QMetaObject::invokeMethod(
        this, [this, code, reason] { closeSide(ProxySide::Server, code, reason); },
        Qt::QueuedConnection);
}

void ProxyPair::scriptOutput(
    TrafficEvent::ScriptNote note, const QString &text, int line, const QString &detail)
{
    TrafficEvent e;
    e.kind = Kind::Script;
    e.direction = Direction::Local;
    e.timeUs = m_clock.elapsedUs();
    e.wallMs = m_clock.wallMsAt(e.timeUs);
    e.code = quint16(note);
    e.text = text;
    e.sequence = quint32(qMax(0, line));
    e.data = detail.toUtf8();
    m_batcher->append(std::move(e));
}

void ProxyPair::finishIfDone()
{
    if (m_stage == Stage::Done)
        return;
    if (m_clientEnd.ended && (m_serverEnd.ended || !m_upstream))
        finish();
}

QString ProxyPair::sideSummary(ProxySide side) const
{
    const SideEnd &end = side == ProxySide::Client ? m_clientEnd : m_serverEnd;
    if (side == ProxySide::Server && !m_upstream)
        return QStringLiteral("server: never connected");
    if (end.byProxy)
        return QStringLiteral("%1 TCP: %2 by the proxy")
            .arg(proxySideName(side),
                end.how == TransportEnd::Reset         ? QStringLiteral("reset")
                    : end.how == TransportEnd::Timeout ? QStringLiteral("closed (timeout)")
                                                       : QStringLiteral("closed"));
    return QStringLiteral("%1 TCP: %2")
        .arg(proxySideName(side), TrafficEvent::transportEndName(end.how));
}

void ProxyPair::finish()
{
    if (m_stage == Stage::Done)
        return;
    m_stage = Stage::Done;
    m_upstreamTimer->stop();
    if (m_closeTimer)
        m_closeTimer->stop();
    if (m_fromClient)
        m_fromClient->stopRelaying();
    if (m_fromServer)
        m_fromServer->stopRelaying();
    TrafficEvent e;
    e.kind = Kind::Close;
    e.timeUs = m_clock.elapsedUs();
    e.wallMs = m_clock.wallMsAt(e.timeUs);
    e.transportEnd = m_serverEnd.how;
    QString who;
    if (m_proxyClosed) {
        e.closedBy = Closer::None;
        e.code = m_proxyCode;
        e.text = m_proxyReason;
        e.cause = m_proxyCause;
        who = QStringLiteral("closed by the proxy: %1 %2").arg(m_proxyCode).arg(m_proxyReason);
    } else if (m_hasCloser) {
        e.closedBy = m_closer == ProxySide::Client ? Closer::Local : Closer::Peer;
        e.code = m_closeCode;
        e.text = m_closeReason;
        e.cause = m_closer == ProxySide::Client ? CloseCause::Requested : CloseCause::PeerClosed;
        who = QStringLiteral("closed by the %1: %2%3")
                  .arg(proxySideName(m_closer))
                  .arg(m_closeCode)
                  .arg(m_closeReason.isEmpty() ? QString()
                                               : QStringLiteral(" \"%1\"").arg(m_closeReason));
    } else {
        e.closedBy = m_fromClient ? Closer::Network : Closer::None;
        e.code = CloseCode::Abnormal;
        e.cause = m_fromClient ? CloseCause::Dropped : CloseCause::ConnectFailed;
        who = m_fromClient ? QStringLiteral("ended without a close frame (1006)")
                           : QStringLiteral("not relayed");
        e.text = who;
    }
    const QString summary
        = QStringLiteral("%1; %2, %3")
              .arg(who, sideSummary(ProxySide::Client), sideSummary(ProxySide::Server));
    note(Kind::Note, summary);
    if (m_script) {
        m_script->closed(e.code, e.text); // its last words before the pair's end
        if (m_fromClient)
            m_fromClient->setScript(nullptr);
        if (m_fromServer)
            m_fromServer->setScript(nullptr);
        delete m_script; // its timers go with it
        m_script = nullptr;
    }
    m_batcher->append(std::move(e));
    m_state = ProxyPairState::Closed;
    stopRecording();
    m_batcher->flush();
    Q_EMIT statusChanged(status());
    Q_EMIT ended(m_pairId, summary);
}

void ProxyPair::announceHeld(ProxySide from, quint64 heldId, bool binary, const QByteArray &payload)
{
    postFault(from,
        QStringLiteral("message #%1 from the %2 held (%3 bytes): forward, edit or drop it")
            .arg(heldId)
            .arg(proxySideName(from))
            .arg(payload.size()));
    Q_EMIT messageHeld(m_pairId, from, heldId, binary, payload);
}

void ProxyPair::setFaults(const ProxyFaults &faults)
{
    if (faults == m_faults)
        return;
    m_faults = faults;
    note(Kind::Fault, QStringLiteral("faults now: %1").arg(faults.describe()));
    if (m_fromClient)
        m_fromClient->setFaults(faults.fromClient);
    if (m_fromServer)
        m_fromServer->setFaults(faults.fromServer);
}

void ProxyPair::stall(ProxySide from, int forMs)
{
    if (m_stage == Stage::Open && forMs > 0)
        relayFrom(from)->stall(forMs);
}

void ProxyPair::cut()
{
    if (m_stage == Stage::Done)
        return;
    cutNow(QStringLiteral("cut: both TCP connections reset"));
}

void ProxyPair::cutInNextMessageOver(qint64 bytes)
{
    if (m_stage != Stage::Open)
        return;
    m_fromClient->armCut(bytes);
    m_fromServer->armCut(bytes);
    note(Kind::Fault,
        QStringLiteral("cut armed: in the middle of the next message over %1 bytes").arg(bytes));
}

void ProxyPair::closeSide(ProxySide side, quint16 code, const QString &reason)
{
    if (m_stage != Stage::Open)
        return;
    note(Kind::Fault,
        QStringLiteral("the proxy closes the %1 with %2 \"%3\"")
            .arg(proxySideName(side))
            .arg(code)
            .arg(reason));
    m_stage = Stage::Ending;
    m_proxyClosed = true;
    m_proxyClosedSide = side;
    m_proxyCause = CloseCause::Requested;
    m_proxyCode = code;
    m_proxyReason = reason;
    setState(ProxyPairState::Closing);
    // Nothing more goes to the side (its relay stops at the close frame); what it sends until
    // it answers still goes to the other side, which is closed (1001) after that answer.
    relayFrom(side)->expectCloseAnswer();
    startCloseHandshake(side, code, reason);
    if (!m_awaitingCloseAnswer)
        closeTheOtherSide();
    finishIfDone();
}

void ProxyPair::inject(ProxySide from, bool binary, const QByteArray &payload)
{
    if (m_stage != Stage::Open)
        return;
    QByteArray frame;
    FrameWriter::appendFrame(frame, binary ? WireOpcode::Binary : WireOpcode::Text, true, payload,
        from == ProxySide::Client);
    postFault(from,
        QStringLiteral("injected a %1 message of %2 bytes towards the %3")
            .arg(binary ? QStringLiteral("binary") : QStringLiteral("text"))
            .arg(payload.size())
            .arg(proxySideName(otherSide(from))));
    logOwnMessage(from, binary, payload, TrafficEvent::Origin::Injected);
    relayFrom(from)->sendOwnFrame(frame, true);
}

void ProxyPair::logOwnMessage(
    ProxySide from, bool binary, const QByteArray &payload, TrafficEvent::Origin origin)
{
    const qint64 nowUs = m_clock.elapsedUs();
    TrafficEvent &e = m_batcher->appendRaw(binary ? Kind::Binary : Kind::Text,
        from == ProxySide::Client ? Direction::Outgoing : Direction::Incoming, nowUs,
        m_clock.wallMsAt(nowUs), payload.constData(), payload.size());
    e.setPlainWire(); // one frame, masked towards the server, never compressed
    e.origin = origin;
    m_batcher->commit();
}

void ProxyPair::decideHeld(
    ProxySide from, quint64 heldId, int decision, bool binary, const QByteArray &payload)
{
    if (ProxyRelay *relay = relayFrom(from))
        relay->decideHeld(heldId, ProxyRelay::Decision(decision), binary, payload);
}

void ProxyPair::startRecording(const QString &path, bool keepSecrets)
{
    ConnectionSettings settings;
    settings.url = m_upstreamUrl.isValid() ? m_upstreamUrl : m_settings.upstream;
    // The client's own headers, so that a replay sends them again; the handshake's own fields
    // (Host, Upgrade, Sec-WebSocket-Key, ...) are refused by addHeader and left out.
    QString refused;
    for (const HttpHead::Field &f : m_handshake.request().fields())
        settings.addHeader(QString::fromLatin1(f.name), QString::fromLatin1(f.value), &refused);
    m_recording->start(path,
        RecordingFormat::headerFor(settings,
            QStringLiteral("sockscope " SOCKSCOPE_VERSION " proxy"), m_clock.wallOriginMs()),
        keepSecrets);
}

void ProxyPair::stopRecording()
{
    m_recording->stop();
}

void ProxyPair::shutdown()
{
    if (!m_batcher)
        return; // never started
    if (m_stage == Stage::Open) {
        closeBoth(CloseCode::GoingAway, QStringLiteral("proxy shutting down"), CloseCode::GoingAway,
            QStringLiteral("proxy shutting down"), CloseCause::Shutdown);
    }
    // Nobody waits during shutdown: whatever is still open ends now.
    if (m_stage != Stage::Done) {
        if (!m_proxyClosed) {
            m_proxyClosed = true;
            m_proxyCause = CloseCause::Shutdown;
            m_proxyCode = CloseCode::GoingAway;
            m_proxyReason = QStringLiteral("proxy shutting down");
        }
        endSide(ProxySide::Client, false);
        endSide(ProxySide::Server, false);
        m_serverEnd.ended = true;
        finish();
    }
    m_lagProbe->stop();
    m_batcher->flush();
}
