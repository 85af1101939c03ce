#pragma once

#include "PerMessageDeflate.h"
#include "TrafficEvent.h"
#include "Utf8Validator.h"

#include <QByteArray>
#include <QString>

#include <memory>

// How one message or control frame arrived on the wire.
struct WireFrameInfo
{
    qint64 wireSize = 0; // frame headers included
    quint32 frames = 0;
    quint8 opcode = 0; // of the first frame
    quint8 rsv = 0; // RSV bits of the first frame: 0x40 RSV1, 0x20 RSV2, 0x10 RSV3
    bool masked = false;
    bool compressed = false;

    // Copies how the frame(s) went on the wire into an event (frames, wireSize, opcode, flags).
    void applyTo(TrafficEvent &event) const;
};

// Turns the bytes of one direction of a WebSocket connection into messages and control frames
// (RFC 6455 §5), enforcing every framing rule as the bytes arrive: reserved opcodes and RSV bits,
// control frames of at most 125 bytes and never fragmented, continuation rules, masking by role,
// text validated as UTF-8 across fragments, and the size limit checked on each frame header
// before anything is allocated for it. permessage-deflate messages are inflated within the same
// limit. Sans-I/O: no socket, no clock; bytes in, callbacks out.
class FrameParser
{
public:
    // Client: the peer is a server and must not mask. Server: the peer must mask.
    enum class Role { Client, Server };

    class Listener
    {
    public:
        virtual ~Listener() = default;
        // A complete text (valid UTF-8) or binary message; data is valid during the call only.
        virtual void messageReceived(
            quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info)
            = 0;
        // A ping, pong or close frame (a close frame's code and reason already checked).
        virtual void controlReceived(
            quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info)
            = 0;
    };

    FrameParser(Role role, Listener *listener);
    ~FrameParser();

    void setMaxMessageSize(qint64 bytes) { m_maxMessageSize = bytes; }
    // permessage-deflate was agreed: RSV1 marks a compressed message.
    void enableInflate(bool resetAfterEachMessage);

    // Parses what arrived; data is unmasked in place. Returns false once the peer broke the
    // protocol (then errorCode() is the close code to send: 1002, 1007 or 1009) and ignores
    // everything after.
    bool feed(char *data, qint64 size);

    bool hasFailed() const { return m_errorCode != 0; }
    quint16 errorCode() const { return m_errorCode; }
    QString errorText() const { return m_errorText; }
    qint64 errorOffset() const { return m_errorOffset; } // stream offset of the offending frame
    // True between messages with no frame half-received.
    bool isIdle() const { return m_state == State::Header && m_headerHave == 0 && !m_inMessage; }
    qint64 bytesParsed() const { return m_parsed; }

    // Whether a received close frame payload is valid; if not, the code to fail with and why.
    static bool checkClosePayload(const char *data, qint64 size, quint16 *failCode, QString *why);

private:
    enum class State { Header, Payload };

    bool beginFrame(const unsigned char *h, int headerLength);
    bool endFrame();
    bool appendData(const char *data, qint64 size);
    bool inflated(MessageInflater::Result result); // false (and failed) unless Ok
    bool deliverMessage(const char *data, qint64 size);
    bool fail(quint16 code, const QString &text);
    bool validateText(const char *data, qint64 size);
    // The text inflated since before, then the inflater's result: false (and failed) on either.
    bool inflatedText(qsizetype before, MessageInflater::Result result);

    Role m_role;
    Listener *m_listener;
    qint64 m_maxMessageSize = 64LL * 1024 * 1024;
    std::unique_ptr<MessageInflater> m_inflater;

    State m_state = State::Header;
    unsigned char m_header[14];
    int m_headerHave = 0;

    // The frame being read.
    quint8 m_opcode = 0;
    bool m_fin = false;
    bool m_masked = false;
    unsigned char m_maskKey[4] = {};
    int m_maskPos = 0;
    qint64 m_remaining = 0;
    qint64 m_frameLength = 0;
    qint64 m_frameStart = 0; // stream offset

    // The message being assembled (data frames) and the control frame being read.
    bool m_inMessage = false;
    quint8 m_messageOpcode = 0;
    bool m_compressed = false;
    qint64 m_compressedSize = 0;
    QByteArray m_message;
    QByteArray m_control;
    WireFrameInfo m_messageInfo;
    WireFrameInfo m_controlInfo;
    Utf8Validator m_utf8;

    qint64 m_parsed = 0;
    quint16 m_errorCode = 0;
    QString m_errorText;
    qint64 m_errorOffset = -1;
};
