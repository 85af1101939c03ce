#include "MockClient.h"

#include "FrameWriter.h"
#include "TcpTransport.h"

#include <QDateTime>
#include <QTimer>

namespace {
constexpr qint64 ReadSize = 64LL * 1024;
constexpr qint64 MaxTimerMs = 24LL * 60 * 60 * 1000; // wake at least daily for a far-off message
// Delayed rule answers waiting for one client; more are answered... not at all, and said so.
constexpr int MaxPendingReplies = 10'000;
} // namespace

MockClient::MockClient(qintptr descriptor, const QList<MockServer::Message> &messages,
    MockServer::Mode mode, const ScriptSource &script, const MockRules &rules,
    int handshakeTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_messages(messages)
    , m_mode(mode)
    , m_scriptSource(script)
    , m_rules(rules)
    , m_transport(new TcpTransport(this))
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &MockClient::sendNext);
    auto *handshakeDeadline = new QTimer(this);
    handshakeDeadline->setSingleShot(true);
    connect(handshakeDeadline, &QTimer::timeout, this, [this, handshakeTimeoutMs] {
        if (m_wire || m_ended)
            return;
        m_transport->write(ServerHandshake::errorResponse(408, "Request Timeout",
            QStringLiteral("Sockscope mock server: no complete upgrade request within %1 ms")
                .arg(handshakeTimeoutMs)));
        m_transport->disconnectFromHost();
        end({});
    });
    handshakeDeadline->start(handshakeTimeoutMs);
    m_transport->adopt(descriptor);
    m_peer = m_transport->peerText();
    connect(m_transport, &Transport::readyRead, this, &MockClient::onReadyRead);
    connect(m_transport, &Transport::bytesWritten, this, &MockClient::onDrained);
    connect(m_transport, &Transport::ended, this, [this] {
        end(m_wire && m_wire->closeReceived() ? QStringLiteral("closed")
                                              : QStringLiteral("connection lost"));
    });
}

MockClient::~MockClient() = default;

void MockClient::end(const QString &why)
{
    if (m_ended)
        return;
    m_ended = true;
    m_timer->stop();
    if (m_transport->endReason() == TrafficEvent::TransportEnd::Unknown)
        m_transport->abort();
    const bool wasOpen = bool(m_wire);
    if (m_script) {
        const bool closeFrame = m_wire && m_wire->closeReceived();
        m_script->closed(closeFrame ? m_wire->receivedCloseCode() : 1006,
            closeFrame ? m_wire->receivedCloseReason() : QString());
        delete m_script;
        m_script = nullptr;
    }
    if (wasOpen)
        Q_EMIT finished(m_peer, why);
    deleteLater();
}

void MockClient::onReadyRead()
{
    char buffer[ReadSize];
    for (;;) {
        const qint64 n = m_transport->read(buffer, ReadSize);
        if (n == 0)
            return;
        if (n < 0) {
            end(QStringLiteral("connection lost"));
            return;
        }
        if (m_wire) {
            m_wire->receiveData(buffer, n);
            flush();
            continue;
        }
        qsizetype consumed = 0;
        switch (m_handshake.feed(buffer, n, &consumed)) {
        case ServerHandshake::Status::NeedMore:
            break;
        case ServerHandshake::Status::NotWebSocket:
            m_transport->write(ServerHandshake::errorResponse(400, "Bad Request",
                QStringLiteral("Sockscope mock server: %1").arg(m_handshake.error())));
            m_transport->disconnectFromHost();
            end({});
            return;
        case ServerHandshake::Status::Invalid:
            m_transport->write(ServerHandshake::errorResponse(
                m_handshake.error().contains(QLatin1String("Version")) ? 426 : 400,
                m_handshake.error().contains(QLatin1String("Version")) ? "Upgrade Required"
                                                                       : "Bad Request",
                QStringLiteral("Sockscope mock server: %1").arg(m_handshake.error()),
                "Sec-WebSocket-Version: 13\r\n"));
            m_transport->disconnectFromHost();
            end({});
            return;
        case ServerHandshake::Status::Upgrade: {
            DeflateParameters agreed;
            bool deflate = false;
            QString protocol;
            m_transport->write(m_handshake.accept({}, true, &agreed, &deflate, &protocol));
            WireConnection::Listener *listener = this;
            m_wire = std::make_unique<WireConnection>(WireConnection::Role::Server, listener);
            if (deflate)
                m_wire->enableDeflate(agreed);
            Q_EMIT opened(m_peer);
            startServing();
            if (consumed < n && m_wire) {
                m_wire->receiveData(buffer + consumed, n - consumed);
                flush();
            }
            break;
        }
        }
    }
}

void MockClient::flush()
{
    if (!m_wire || m_wire->output().isEmpty())
        return;
    m_transport->write(m_wire->output());
    m_wire->output().truncate(0);
}

void MockClient::send(const MockServer::Message &m)
{
    if (m.binary)
        m_wire->sendBinary(m.payload);
    else
        m_wire->sendText(m.payload);
    flush();
}

void MockClient::startServing()
{
    m_clock.start();
    if (!m_scriptSource.isEmpty()) {
        m_script = new ScriptHost(m_scriptSource, this, this);
        if (m_script->load()) {
            m_script->opened();
        } else {
            delete m_script;
            m_script = nullptr;
        }
        if (!m_wire) // the script closed or the client went away
            return;
    }
    if (m_mode == MockServer::Mode::Timed)
        sendNext();
    else
        m_next = sendServerRun(0);
}

void MockClient::sendNext()
{
    if (!m_wire || m_wire->closeSent())
        return;
    while (m_next < m_messages.size()) {
        const MockServer::Message &m = m_messages.at(m_next);
        if (!m.fromServer) {
            ++m_next;
            continue;
        }
        if (m_transport->bytesToWrite() > HighWaterBytes) {
            m_waitingToDrain = true; // resumes from onDrained()
            return;
        }
        // 64-bit time throughout: a far-off offset waits in steps, never overflows a timer.
        const qint64 waitUs = m.offsetUs - m_clock.nsecsElapsed() / 1000;
        if (waitUs > 500) {
            m_timer->start(int(qMin<qint64>((waitUs + 999) / 1000, MaxTimerMs)));
            return;
        }
        send(m);
        ++m_next;
    }
}

void MockClient::onDrained()
{
    if (m_waitingToDrain && m_transport->bytesToWrite() <= HighWaterBytes / 2) {
        m_waitingToDrain = false;
        sendNext();
    }
}

int MockClient::sendServerRun(int index)
{
    while (index < m_messages.size() && m_messages.at(index).fromServer)
        send(m_messages.at(index++));
    return index;
}

void MockClient::messageReceived(
    quint8 opcode, const char *data, qint64 size, const WireFrameInfo &)
{
    // DROP from the script holds back the rules' and the recording's answers to this message.
    const bool heldBack = (m_script || m_rules.size() > 0) && !answerScripted(opcode, data, size);
    if (m_mode != MockServer::Mode::Reply || heldBack || !m_wire)
        return;
    if (m_transport->bytesToWrite() > HighWaterBytes) {
        m_wire->sendClose(1008, "the client is not reading what it asked for");
        flush();
        end(QStringLiteral("dropped: the client stopped reading (%1 MiB waiting)")
                .arg(m_transport->bytesToWrite() / (1024LL * 1024)));
        return;
    }
    // Skip the recorded client message this one stands for, then answer as recorded.
    if (m_next < m_messages.size() && !m_messages.at(m_next).fromServer)
        ++m_next;
    m_next = sendServerRun(m_next);
}

bool MockClient::answerScripted(quint8 opcode, const char *data, qint64 size)
{
    const bool binary = opcode == WireOpcode::Binary;
    if (m_script) {
        const ScriptHost::Verdict verdict = m_script->message(TrafficEvent::Direction::Incoming,
            binary, data, size, QDateTime::currentMSecsSinceEpoch());
        if (verdict.kind == ScriptHost::Verdict::Kind::Drop)
            return false;
        if (verdict.kind == ScriptHost::Verdict::Kind::Replace)
            scriptSend(verdict.binary, verdict.payload);
    }
    if (m_rules.size() == 0 || !m_wire)
        return true;
    const MockRules::Answer answer = m_rules.answer(QByteArray(data, qsizetype(size)), binary);
    if (!answer.matched)
        return true;
    const auto act = [this, answer] {
        if (answer.hasReply)
            scriptSend(false, answer.reply);
        if (answer.close)
            closeWith(answer.closeCode, answer.closeReason);
    };
    if (answer.delayMs == 0) {
        act();
    } else if (m_pendingReplies < MaxPendingReplies) {
        ++m_pendingReplies;
        QTimer::singleShot(answer.delayMs, Qt::PreciseTimer, this, [this, act] {
            --m_pendingReplies;
            act();
        });
    }
    return true;
}

void MockClient::scriptSend(bool binary, const QByteArray &payload)
{
    if (!m_wire || m_wire->closeSent() || m_ended)
        return;
    if (binary)
        m_wire->sendBinary(payload);
    else
        m_wire->sendText(payload);
    flush();
}

void MockClient::scriptClose(quint16 code, const QString &reason)
{
    // Not from inside the parser or the script.
    QMetaObject::invokeMethod(
        this, [this, code, reason] { closeWith(code, reason); }, Qt::QueuedConnection);
}

void MockClient::closeWith(quint16 code, const QString &reason)
{
    if (!m_wire || m_wire->closeSent() || m_ended)
        return;
    m_timer->stop();
    m_wire->sendClose(code, reason.toUtf8());
    flush();
}

void MockClient::scriptOutput(
    TrafficEvent::ScriptNote note, const QString &text, int line, const QString &detail)
{
    TrafficEvent e;
    e.kind = TrafficEvent::Kind::Script;
    e.direction = TrafficEvent::Direction::Local;
    e.timeUs = m_clock.isValid() ? m_clock.nsecsElapsed() / 1000 : 0;
    e.wallMs = QDateTime::currentMSecsSinceEpoch();
    e.code = quint16(note);
    e.text = text;
    e.sequence = quint32(qMax(0, line));
    e.data = detail.toUtf8();
    Q_EMIT scriptEvent(e);
}

void MockClient::closeFrameReceived(quint16, const QString &, const WireFrameInfo &, bool)
{
    flush();
    m_timer->stop();
    // The server closes TCP first (RFC 6455 §7.1.1), once its close frame is written.
    m_transport->disconnectFromHost();
}

void MockClient::protocolViolated(quint16, const QString &reason, qint64)
{
    flush();
    m_transport->disconnectFromHost();
    end(QStringLiteral("protocol error: %1").arg(reason));
}
