#include "WireConnection.h"

#include "FrameWriter.h"

#include <QtEndian>

WireConnection::WireConnection(Role role, Listener *listener)
    : m_role(role)
    , m_listener(listener)
    , m_parser(role == Role::Client ? FrameParser::Role::Client : FrameParser::Role::Server, this)
{ }

WireConnection::~WireConnection() = default;

void WireConnection::enableDeflate(const DeflateParameters &agreed)
{
    const bool client = m_role == Role::Client;
    // Each side compresses with its own parameters and inflates with the peer's.
    m_parser.enableInflate(
        client ? agreed.serverNoContextTakeover : agreed.clientNoContextTakeover);
    const int ownWindow = client ? agreed.clientMaxWindowBits : agreed.serverMaxWindowBits;
    const bool ownReset = client ? agreed.clientNoContextTakeover : agreed.serverNoContextTakeover;
    // zlib has no raw 8-bit window: then our messages go out uncompressed, which RFC 7692 allows.
    if (ownWindow >= 9)
        m_deflater = std::make_unique<MessageDeflater>(ownWindow, ownReset);
    m_deflateEnabled = true;
}

void WireConnection::receiveData(char *data, qint64 size)
{
    if (m_parser.hasFailed() || m_closeReceived)
        return;
    if (!m_parser.feed(data, size)) {
        const quint16 code = m_parser.errorCode();
        if (!m_closeSent)
            sendClose(code, m_parser.errorText().toUtf8());
        m_listener->protocolViolated(code, m_parser.errorText(), m_parser.errorOffset());
    }
}

void WireConnection::messageReceived(
    quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info)
{
    if (!m_closeReceived)
        m_listener->messageReceived(opcode, data, size, info);
}

void WireConnection::controlReceived(
    quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info)
{
    if (m_closeReceived)
        return; // nothing counts after the peer's close frame
    switch (opcode) {
    case WireOpcode::Ping:
        if (m_autoPong && !m_closeSent)
            sendPong(QByteArrayView(data, size));
        m_listener->pingReceived(data, size, info);
        break;
    case WireOpcode::Pong:
        m_listener->pongReceived(data, size, info);
        break;
    case WireOpcode::Close: {
        m_closeReceived = true;
        m_peerClosedFirst = !m_closeSent;
        m_receivedCode = size >= 2 ? qFromBigEndian<quint16>(data) : 1005;
        m_receivedReason = size > 2 ? QString::fromUtf8(data + 2, size - 2) : QString();
        bool answered = false;
        if (!m_closeSent) {
            // RFC 6455 §5.5.1: answer with a close frame, echoing the code.
            QByteArray payload;
            if (size >= 2)
                payload = QByteArray(data, 2);
            m_output.reserve(m_output.size() + 8);
            FrameWriter::appendFrame(
                m_output, WireOpcode::Close, true, payload, m_role == Role::Client);
            m_closeSent = true;
            m_sentCode = m_receivedCode;
            answered = true;
        }
        m_listener->closeFrameReceived(m_receivedCode, m_receivedReason, info, answered);
        break;
    }
    default:
        break;
    }
}

WireFrameInfo WireConnection::sendData(quint8 opcode, QByteArrayView payload)
{
    WireFrameInfo info;
    if (m_closeSent)
        return info;
    info.opcode = opcode;
    info.frames = 1;
    info.masked = m_role == Role::Client;
    const qsizetype before = m_output.size();
    if (m_deflater && !payload.isEmpty()) {
        const QByteArray compressed = m_deflater->compress(payload);
        FrameWriter::appendFrame(m_output, opcode, true, compressed, info.masked, 0x40);
        info.rsv = 0x40;
        info.compressed = true;
    } else {
        FrameWriter::appendFrame(m_output, opcode, true, payload, info.masked);
    }
    info.wireSize = m_output.size() - before;
    return info;
}

WireFrameInfo WireConnection::sendControl(quint8 opcode, QByteArrayView payload)
{
    WireFrameInfo info;
    if (m_closeSent)
        return info;
    info.opcode = opcode;
    info.frames = 1;
    info.masked = m_role == Role::Client;
    const qsizetype before = m_output.size();
    FrameWriter::appendFrame(
        m_output, opcode, true, payload.first(qMin<qsizetype>(payload.size(), 125)), info.masked);
    info.wireSize = m_output.size() - before;
    return info;
}

WireFrameInfo WireConnection::sendText(QByteArrayView utf8)
{
    return sendData(WireOpcode::Text, utf8);
}

WireFrameInfo WireConnection::sendBinary(QByteArrayView data)
{
    return sendData(WireOpcode::Binary, data);
}

WireFrameInfo WireConnection::sendPing(QByteArrayView payload)
{
    return sendControl(WireOpcode::Ping, payload);
}

WireFrameInfo WireConnection::sendPong(QByteArrayView payload)
{
    return sendControl(WireOpcode::Pong, payload);
}

WireFrameInfo WireConnection::sendClose(quint16 code, QByteArrayView reasonUtf8)
{
    // 1005 means "no code": the frame then carries no payload at all.
    const QByteArray payload
        = code == 1005 ? QByteArray() : FrameWriter::closePayload(code, reasonUtf8);
    WireFrameInfo info = sendControl(WireOpcode::Close, payload);
    if (info.frames) {
        m_closeSent = true;
        m_sentCode = code;
    }
    return info;
}
