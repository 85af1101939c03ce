#include "FrameParser.h"

#include "FrameHeader.h"
#include "FrameWriter.h"

#include <QtEndian>

#include <cstring>

namespace {

QString sizeText(qint64 bytes)
{
    if (bytes >= 1024LL * 1024 && bytes % (1024LL * 1024) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (1024LL * 1024));
    if (bytes >= 1024 && bytes % 1024 == 0)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}

bool isValidReceivedCloseCode(int code)
{
    // RFC 6455 §7.4 plus the codes IANA registered since (1012-1014); 1004-1006 and 1015 are
    // reserved and never sent.
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
}

} // namespace

void WireFrameInfo::applyTo(TrafficEvent &e) const
{
    e.frames = frames;
    e.wireSize = wireSize;
    e.opcode = opcode;
    quint8 flags = TrafficEvent::WireInfo;
    if (rsv & 0x40)
        flags |= TrafficEvent::Rsv1;
    if (rsv & 0x20)
        flags |= TrafficEvent::Rsv2;
    if (rsv & 0x10)
        flags |= TrafficEvent::Rsv3;
    if (masked)
        flags |= TrafficEvent::Masked;
    if (compressed)
        flags |= TrafficEvent::Compressed;
    e.frameFlags = flags;
}

FrameParser::FrameParser(Role role, Listener *listener) : m_role(role), m_listener(listener)
{
    m_control.reserve(125);
}

FrameParser::~FrameParser() = default;

void FrameParser::enableInflate(bool resetAfterEachMessage)
{
    m_inflater = std::make_unique<MessageInflater>(resetAfterEachMessage);
}

bool FrameParser::checkClosePayload(const char *data, qint64 size, quint16 *failCode, QString *why)
{
    if (size == 0)
        return true;
    if (size == 1) {
        *failCode = 1002;
        *why = QStringLiteral("a close frame with a 1-byte payload (a code needs 2)");
        return false;
    }
    const int code = qFromBigEndian<quint16>(data);
    if (!isValidReceivedCloseCode(code)) {
        *failCode = 1002;
        *why = QStringLiteral("close code %1 may not be sent in a close frame").arg(code);
        return false;
    }
    if (!Utf8Validator::isValid(data + 2, size - 2)) {
        *failCode = 1007;
        *why = QStringLiteral("the close reason is not valid UTF-8");
        return false;
    }
    return true;
}

bool FrameParser::fail(quint16 code, const QString &text)
{
    m_errorCode = code;
    m_errorText = text;
    m_errorOffset = m_frameStart;
    return false;
}

bool FrameParser::feed(char *data, qint64 size)
{
    if (m_errorCode)
        return false;
    char *p = data;
    char *const end = data + size;
    while (p < end) {
        if (m_state == State::Header) {
            const unsigned char *h;
            int headerLength;
            if (m_headerHave == 0 && end - p >= 2
                && end - p >= (headerLength
                       = FrameHeader::sizeFrom(reinterpret_cast<const unsigned char *>(p)))) {
                h = reinterpret_cast<const unsigned char *>(p); // the whole header is here
                m_frameStart = m_parsed + (p - data);
                p += headerLength;
            } else {
                // A header split across reads: gather it.
                if (m_headerHave == 0)
                    m_frameStart = m_parsed + (p - data);
                while (p < end && m_headerHave < 2)
                    m_header[m_headerHave++] = uchar(*p++);
                if (m_headerHave < 2)
                    break;
                headerLength = FrameHeader::sizeFrom(m_header);
                const qint64 take = qMin<qint64>(headerLength - m_headerHave, end - p);
                std::memcpy(m_header + m_headerHave, p, size_t(take));
                m_headerHave += int(take);
                p += take;
                if (m_headerHave < headerLength)
                    break;
                h = m_header;
                m_headerHave = 0;
            }
            if (!beginFrame(h, headerLength))
                return false;
            if (m_remaining == 0) {
                if (!endFrame())
                    return false;
                continue;
            }
            m_state = State::Payload;
        }

        const qint64 n = qMin<qint64>(m_remaining, end - p);
        if (m_masked)
            m_maskPos = FrameWriter::applyMask(p, n, m_maskKey, m_maskPos);
        const bool whole = n == m_frameLength;
        if (WireOpcode::isControl(m_opcode)) {
            if (whole) {
                m_remaining = 0;
                p += n;
                m_state = State::Header;
                // Delivered straight from the read buffer.
                const char *payload = p - n;
                quint16 code = 0;
                QString why;
                if (m_opcode == WireOpcode::Close && !checkClosePayload(payload, n, &code, &why))
                    return fail(code, why);
                m_listener->controlReceived(m_opcode, payload, n, m_controlInfo);
                continue;
            }
            m_control.append(p, n);
        } else if (whole && m_fin && m_message.isEmpty() && !m_compressed) {
            // The common case: a whole unfragmented message in this read, delivered in place.
            m_remaining = 0;
            p += n;
            m_state = State::Header;
            m_inMessage = false;
            if (m_messageOpcode == WireOpcode::Text && !Utf8Validator::isValid(p - n, n))
                return fail(1007, QStringLiteral("a text message is not valid UTF-8"));
            if (!deliverMessage(p - n, n))
                return false;
            continue;
        } else if (!appendData(p, n)) {
            return false;
        }
        p += n;
        m_remaining -= n;
        if (m_remaining == 0) {
            m_state = State::Header;
            if (!endFrame())
                return false;
        }
    }
    m_parsed += size;
    return true;
}

bool FrameParser::beginFrame(const unsigned char *h, int headerLength)
{
    FrameHeader header;
    if (!header.parse(h))
        return fail(1002, QStringLiteral("a frame length with the most significant bit set"));
    m_fin = header.fin;
    const quint8 rsv = header.rsv;
    m_opcode = header.opcode;
    m_masked = header.masked;
    const qint64 length = header.length;
    if (m_masked) {
        std::memcpy(m_maskKey, header.maskKey, 4);
        m_maskPos = 0;
    }
    m_frameLength = length;
    m_remaining = length;

    if (!WireOpcode::isKnown(m_opcode))
        return fail(1002, QStringLiteral("reserved opcode 0x%1").arg(m_opcode, 0, 16));
    if (m_role == Role::Client && m_masked)
        return fail(1002, QStringLiteral("the server masked a frame (RFC 6455 §5.1 forbids it)"));
    if (m_role == Role::Server && !m_masked)
        return fail(1002, QStringLiteral("the client sent an unmasked frame (RFC 6455 §5.1)"));

    WireFrameInfo *info;
    if (WireOpcode::isControl(m_opcode)) {
        if (!m_fin)
            return fail(1002, QStringLiteral("a fragmented control frame"));
        if (length > 125)
            return fail(
                1002, QStringLiteral("a control frame of %1 bytes (the limit is 125)").arg(length));
        if (rsv)
            return fail(1002, QStringLiteral("RSV bits set on a control frame"));
        m_control.truncate(0);
        m_controlInfo = WireFrameInfo();
        m_controlInfo.opcode = m_opcode;
        info = &m_controlInfo;
    } else {
        if (rsv & 0x30)
            return fail(1002,
                QStringLiteral("RSV%1 set, but no extension defines it").arg(rsv & 0x20 ? 2 : 3));
        if (m_opcode == WireOpcode::Continuation) {
            if (!m_inMessage)
                return fail(
                    1002, QStringLiteral("a continuation frame with no message to continue"));
            if (rsv)
                return fail(1002, QStringLiteral("RSV1 set on a continuation frame"));
        } else {
            if (m_inMessage)
                return fail(
                    1002, QStringLiteral("a new message started before the previous one ended"));
            if (rsv && !m_inflater)
                return fail(
                    1002, QStringLiteral("RSV1 set, but permessage-deflate was not negotiated"));
            m_inMessage = true;
            m_messageOpcode = m_opcode;
            m_compressed = rsv & 0x40;
            m_compressedSize = 0;
            m_message.truncate(0);
            m_utf8.reset();
            m_messageInfo = WireFrameInfo();
            m_messageInfo.opcode = m_opcode;
            m_messageInfo.rsv = rsv;
            m_messageInfo.compressed = m_compressed;
        }
        // The limit is checked here, before a byte of the frame is stored.
        const qint64 stored = m_compressed ? m_compressedSize : m_message.size();
        if (length > m_maxMessageSize - stored)
            return fail(1009,
                QStringLiteral("a message of at least %1 bytes exceeds the %2 limit")
                    .arg(stored + length)
                    .arg(sizeText(m_maxMessageSize)));
        info = &m_messageInfo;
    }
    info->frames += 1;
    info->wireSize += headerLength + length;
    info->masked = info->masked || m_masked;
    return true;
}

bool FrameParser::validateText(const char *data, qint64 size)
{
    if (m_messageOpcode == WireOpcode::Text && !m_utf8.feed(data, size))
        return fail(1007, QStringLiteral("a text message is not valid UTF-8"));
    return true;
}

bool FrameParser::inflated(MessageInflater::Result result)
{
    switch (result) {
    case MessageInflater::Result::Ok:
        return true;
    case MessageInflater::Result::TooBig:
        return fail(1009,
            QStringLiteral("a compressed message inflates past the %1 limit")
                .arg(sizeText(m_maxMessageSize)));
    case MessageInflater::Result::Corrupt:
        break;
    }
    return fail(1007, QStringLiteral("a compressed message is not valid deflate data"));
}

bool FrameParser::appendData(const char *data, qint64 size)
{
    if (!m_compressed) {
        if (!validateText(data, size))
            return false;
        m_message.append(data, size);
        return true;
    }
    m_compressedSize += size;
    const qsizetype before = m_message.size();
    const MessageInflater::Result result
        = m_inflater->inflate(QByteArrayView(data, size), m_message, m_maxMessageSize);
    return inflatedText(before, result);
}

bool FrameParser::inflatedText(qsizetype before, MessageInflater::Result result)
{
    // What inflated before a failure is checked first: the earlier fault in the message decides,
    // whatever the reads it came in (a read's output is checked only once it is inflated).
    return validateText(m_message.constData() + before, m_message.size() - before)
        && inflated(result);
}

bool FrameParser::endFrame()
{
    if (WireOpcode::isControl(m_opcode)) {
        quint16 code = 0;
        QString why;
        if (m_opcode == WireOpcode::Close
            && !checkClosePayload(m_control.constData(), m_control.size(), &code, &why))
            return fail(code, why);
        m_listener->controlReceived(
            m_opcode, m_control.constData(), m_control.size(), m_controlInfo);
        return true;
    }
    if (!m_fin)
        return true;
    if (m_compressed) {
        const qsizetype before = m_message.size();
        if (!inflatedText(before, m_inflater->finishMessage(m_message, m_maxMessageSize)))
            return false;
    }
    if (m_messageOpcode == WireOpcode::Text && !m_utf8.isComplete())
        return fail(1007, QStringLiteral("a text message ends in the middle of a UTF-8 sequence"));
    m_inMessage = false;
    const bool ok = deliverMessage(m_message.constData(), m_message.size());
    // Keep the capacity for the next message unless it was a large one.
    if (m_message.capacity() > 1024LL * 1024)
        m_message = QByteArray();
    else
        m_message.truncate(0);
    return ok;
}

bool FrameParser::deliverMessage(const char *data, qint64 size)
{
    m_listener->messageReceived(m_messageOpcode, data, size, m_messageInfo);
    return !m_errorCode;
}
