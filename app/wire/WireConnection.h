#pragma once

#include "FrameParser.h"
#include "PerMessageDeflate.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

// One WebSocket connection after its opening handshake, in either role, without a socket
// (the Sans-I/O shape of python-websockets): the owner feeds received bytes to receiveData(),
// hears about messages and control frames through a Listener, and writes whatever output()
// holds to its transport. Sending masks (client role) and compresses (permessage-deflate)
// as agreed; the close handshake is tracked both ways: a peer's close frame is answered with
// the same code, and a peer that breaks the protocol gets a close frame with 1002, 1007 or 1009.
class WireConnection : private FrameParser::Listener
{
public:
    enum class Role { Client, Server };

    class Listener
    {
    public:
        virtual ~Listener() = default;
        virtual void messageReceived(
            quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info)
            = 0;
        virtual void pingReceived(const char *data, qint64 size, const WireFrameInfo &info) = 0;
        virtual void pongReceived(const char *data, qint64 size, const WireFrameInfo &info) = 0;
        // code is 1005 when the frame carried none. answered: we sent our close frame in reply.
        virtual void closeFrameReceived(
            quint16 code, const QString &reason, const WireFrameInfo &info, bool answered)
            = 0;
        // The peer broke the protocol; a close frame with `code` was queued (when sending was
        // still possible). offset: the offending frame's position in the received stream.
        virtual void protocolViolated(quint16 code, const QString &reason, qint64 offset) = 0;
    };

    WireConnection(Role role, Listener *listener);
    ~WireConnection() override;

    void setMaxMessageSize(qint64 bytes) { m_parser.setMaxMessageSize(bytes); }
    // Turns on permessage-deflate with what the handshake agreed.
    void enableDeflate(const DeflateParameters &agreed);
    bool deflateEnabled() const { return m_deflateEnabled; }
    // Answer pings at once (the default); off lets the owner decide when, or never.
    void setAutoPong(bool on) { m_autoPong = on; }

    // Received bytes (modified in place: unmasking).
    void receiveData(char *data, qint64 size);

    // Each returns how the frame went out (wireSize 0 when nothing could be sent: the close
    // handshake has begun).
    WireFrameInfo sendText(QByteArrayView utf8);
    WireFrameInfo sendBinary(QByteArrayView data);
    WireFrameInfo sendPing(QByteArrayView payload);
    WireFrameInfo sendPong(QByteArrayView payload);
    WireFrameInfo sendClose(quint16 code, QByteArrayView reasonUtf8);

    // Bytes to write to the transport; the owner empties it after writing.
    QByteArray &output() { return m_output; }

    bool closeSent() const { return m_closeSent; }
    bool closeReceived() const { return m_closeReceived; }
    quint16 sentCloseCode() const { return m_sentCode; }
    quint16 receivedCloseCode() const { return m_receivedCode; }
    QString receivedCloseReason() const { return m_receivedReason; }
    // Who sent the first close frame: true when it was the peer.
    bool peerClosedFirst() const { return m_peerClosedFirst; }
    bool hasFailed() const { return m_parser.hasFailed(); }
    // A frame or fragmented message is half-received (for telling a drop mid-message).
    bool isMidMessage() const { return !m_parser.isIdle(); }
    qint64 bytesReceived() const { return m_parser.bytesParsed(); }

private:
    void messageReceived(
        quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info) override;
    void controlReceived(
        quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info) override;
    WireFrameInfo sendData(quint8 opcode, QByteArrayView payload);
    WireFrameInfo sendControl(quint8 opcode, QByteArrayView payload);

    Role m_role;
    Listener *m_listener;
    FrameParser m_parser;
    std::unique_ptr<MessageDeflater> m_deflater;
    bool m_deflateEnabled = false;
    bool m_autoPong = true;
    QByteArray m_output;
    bool m_closeSent = false;
    bool m_closeReceived = false;
    bool m_peerClosedFirst = false;
    quint16 m_sentCode = 0;
    quint16 m_receivedCode = 0;
    QString m_receivedReason;
};
