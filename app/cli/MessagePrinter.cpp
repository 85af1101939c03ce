#include "MessagePrinter.h"

#include "CloseCode.h"
#include "TerminalText.h"

#include <cstring>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

QByteArray hexPreview(QByteArrayView bytes, qint64 size)
{
    QByteArray out = bytes.first(qMin<qsizetype>(bytes.size(), MessagePrinter::HexPreviewBytes))
                         .toByteArray()
                         .toHex(' ');
    if (size > MessagePrinter::HexPreviewBytes)
        out += " ...";
    return out;
}

// The status line and Location header of a response head, each escaped.
QByteArray describeRejectedHandshake(const TrafficEvent &e)
{
    const QList<QByteArray> lines = e.text.toUtf8().split('\n');
    QByteArray statusLine = lines.value(0).trimmed();
    QByteArray out = "! handshake refused: ";
    if (statusLine.isEmpty())
        out += "HTTP " + QByteArray::number(e.code);
    else
        TerminalText::appendEscaped(out, statusLine);
    out += '\n';
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &header = lines.at(i);
        const qsizetype colon = header.indexOf(':');
        if (colon > 0
            && header.left(colon).trimmed().compare("location", Qt::CaseInsensitive) == 0) {
            out += "! Location: ";
            TerminalText::appendEscaped(out, header.mid(colon + 1).trimmed());
            out += '\n';
        }
    }
    return out;
}

// "(injected) " or "(edited) " before a message the proxy sent itself; empty for the others.
QByteArrayView originTag(const TrafficEvent &e)
{
    switch (e.origin) {
    case TrafficEvent::Origin::Injected:
        return "(injected) ";
    case TrafficEvent::Origin::Edited:
        return "(edited) ";
    case TrafficEvent::Origin::Peer:
        break;
    }
    return {};
}

} // namespace

void MessagePrinter::appendPayload(QByteArray &out, QByteArrayView payload) const
{
    if (m_options.raw)
        out += payload;
    else
        TerminalText::appendEscaped(out, payload);
}

void MessagePrinter::appendLine(
    QByteArray &out, const TrafficBatch &batch, const TrafficEvent &e) const
{
    if (e.kind != Kind::Text) {
        out += line(batch, e);
        return;
    }
    if (e.direction != Direction::Incoming && !m_options.showSent)
        return;
    const QByteArray converted
        = e.payloadOffset >= 0 || !e.data.isEmpty() ? QByteArray() : e.text.toUtf8();
    const QByteArrayView payload
        = converted.isNull() ? batch.payloadView(e) : QByteArrayView(converted);
    const qsizetype at = out.size();
    out.resize(at + textLineBound({}, payload));
    char *const begin = out.data() + at;
    out.resize(at + (putTextLine(begin, {}, e, payload) - begin));
}

qsizetype MessagePrinter::appendTextLines(
    QByteArray &out, const TrafficBatch &batch, qsizetype from, QByteArrayView prefix) const
{
    // With frames shown, every message has a stderr line too: the caller takes each in turn.
    if (m_options.showFrames)
        return from;
    const TrafficEvent *const events = batch.events.constData();
    const qsizetype count = batch.events.size();
    // As RecordingFormat::appendEventLines: lines go through a pointer into room made ahead, and
    // out.size() is set right once, at the end.
    qsizetype used = out.size();
    qsizetype i = from;
    for (; i < count; ++i) {
        const TrafficEvent &e = events[i];
        if (e.kind != Kind::Text || e.payloadOffset < 0)
            break;
        if (e.direction != Direction::Incoming && !m_options.showSent)
            continue;
        const QByteArrayView payload(batch.payloads.constData() + e.payloadOffset, e.size);
        const qsizetype bound = textLineBound(prefix, payload);
        if (out.size() - used < bound)
            out.resize(used + qMax<qsizetype>(bound, 64 * 1024));
        char *const begin = out.data() + used;
        used += putTextLine(begin, prefix, e, payload) - begin;
    }
    out.resize(used);
    return i;
}

qsizetype MessagePrinter::textLineBound(QByteArrayView prefix, QByteArrayView payload)
{
    const qsizetype longestTag = 12;
    return prefix.size() + 3 + longestTag + payload.size() * TerminalText::MaxEscapedRatio;
}

char *MessagePrinter::putTextLine(
    char *p, QByteArrayView prefix, const TrafficEvent &e, QByteArrayView payload) const
{
    if (!prefix.isEmpty()) {
        std::memcpy(p, prefix.data(), size_t(prefix.size()));
        p += prefix.size();
    }
    *p++ = e.direction == Direction::Incoming ? '<' : '>';
    *p++ = ' ';
    const QByteArrayView tag = originTag(e);
    if (!tag.isEmpty()) {
        std::memcpy(p, tag.data(), size_t(tag.size()));
        p += tag.size();
    }
    if (m_options.raw) {
        std::memcpy(p, payload.data(), size_t(payload.size()));
        p += payload.size();
    } else {
        p = TerminalText::putEscaped(p, payload);
    }
    *p++ = '\n';
    return p;
}

QByteArray MessagePrinter::line(const TrafficBatch &batch, const TrafficEvent &e) const
{
    const bool incoming = e.direction == Direction::Incoming;
    if (e.isMessage() && !incoming && !m_options.showSent)
        return {};
    const QByteArray arrow = incoming ? "< " : "> ";
    switch (e.kind) {
    case Kind::Text: {
        QByteArray out;
        appendLine(out, batch, e);
        return out;
    }
    case Kind::Binary:
        return arrow + originTag(e).toByteArray() + "(binary, " + QByteArray::number(e.size)
            + " bytes) " + hexPreview(batch.payloadView(e), e.size) + '\n';
    case Kind::Pong:
        if (!m_options.showPings)
            return {};
        if (m_options.relay)
            return arrow + "pong (" + QByteArray::number(e.size) + " bytes"
                + (e.size > 0 ? ") " + hexPreview(batch.payloadView(e), e.size) : QByteArray(")"))
                + (e.durationUs >= 0 ? ", answered in "
                            + QByteArray::number(e.durationUs / 1000.0, 'f', 3) + " ms\n"
                                     : QByteArray(", unsolicited\n"));
        if (!incoming) // our answer to the server's ping
            return "> pong (answer, " + QByteArray::number(e.size) + " bytes) "
                + hexPreview(batch.payloadView(e), e.size) + '\n';
        return "< pong #" + QByteArray::number(e.sequence)
            + (e.durationUs >= 0 ? " " + QByteArray::number(e.durationUs / 1000.0, 'f', 3) + " ms\n"
                                 : " (unsolicited)\n");
    case Kind::Ping:
        // Our own pings show as their pongs; a relay shows both sides' pings.
        if (!m_options.showPings || (!incoming && !m_options.relay))
            return {};
        return arrow + "ping (" + QByteArray::number(e.size) + " bytes) "
            + hexPreview(batch.payloadView(e), e.size) + '\n';
    case Kind::CloseFrame: {
        if (!m_options.showPings || !m_options.relay)
            return {};
        QByteArray out = arrow + "close " + QByteArray::number(e.code);
        if (!e.text.isEmpty()) {
            out += " \"";
            appendPayload(out, QByteArrayView(e.text.toUtf8()));
            out += '"';
        }
        return out + '\n';
    }
    default:
        return {};
    }
}

QByteArray MessagePrinter::status(const TrafficBatch &, const TrafficEvent &e) const
{
    QByteArray out;
    auto add = [&out](const char *prefix, const QString &text) {
        out += prefix;
        TerminalText::appendEscaped(out, QByteArrayView(text.toUtf8()));
        out += '\n';
    };
    switch (e.kind) {
    case Kind::Open:
        add("* ",
            e.text.isEmpty() ? QStringLiteral("connected")
                             : QStringLiteral("connected (subprotocol: %1)").arg(e.text));
        break;
    case Kind::Close:
        add("* ", describeClose(e));
        break;
    case Kind::Error:
        add("! error: ", e.text);
        break;
    case Kind::PongTimeout:
    case Kind::Fault:
        add("! ", e.text);
        break;
    case Kind::Note:
    case Kind::HeartbeatChange:
        add("* ", e.text);
        break;
    case Kind::Handshake:
        if (e.code != 0 && e.code != 101)
            out += describeRejectedHandshake(e);
        break;
    case Kind::CloseFrame:
        if (m_options.showFrames)
            add(e.direction == Direction::Incoming ? "* close frame received: "
                                                   : "* close frame sent: ",
                QStringLiteral("%1%2").arg(CloseCode::describe(e.code),
                    e.text.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(e.text)));
        break;
    case Kind::Script:
        out += scriptLine(e);
        break;
    case Kind::Text:
    case Kind::Binary:
    case Kind::Ping:
    case Kind::Pong:
    case Kind::Connecting:
        break;
    }
    const bool framed = e.hasPayload() || e.kind == Kind::CloseFrame;
    if (m_options.showFrames && framed && e.hasWireInfo())
        out += "  " + describeFrames(e) + '\n';
    return out;
}

QByteArray MessagePrinter::scriptLine(const TrafficEvent &e) const
{
    using Note = TrafficEvent::ScriptNote;
    QByteArray out;
    const QString where = e.sequence > 0
        ? QStringLiteral("%1:%2: ").arg(m_options.scriptName).arg(e.sequence)
        : m_options.scriptName + QStringLiteral(": ");
    switch (Note(e.code)) {
    case Note::Log:
    case Note::Error:
    case Note::LoadFailed:
        TerminalText::appendEscaped(out, QByteArrayView((where + e.text).toUtf8()));
        break;
    case Note::TestPassed:
        out += "\u2713 test ";
        TerminalText::appendEscaped(out, QByteArrayView(e.text.toUtf8()));
        break;
    case Note::TestFailed:
        out += "\u2717 test ";
        TerminalText::appendEscaped(out, QByteArrayView(e.text.toUtf8()));
        out += ": ";
        TerminalText::appendEscaped(
            out, QByteArrayView((where + QString::fromUtf8(e.data)).toUtf8()));
        break;
    }
    return out + '\n';
}

QString MessagePrinter::describeClose(const TrafficEvent &e)
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

QByteArray MessagePrinter::describeFrames(const TrafficEvent &e)
{
    QByteArray out = (e.direction == Direction::Incoming ? "< frames: " : "> frames: ")
        + QByteArray::number(e.frames) + ", opcode " + QByteArray::number(e.opcode);
    if (e.frameFlags & TrafficEvent::Rsv1)
        out += ", RSV1";
    if (e.frameFlags & TrafficEvent::Rsv2)
        out += ", RSV2";
    if (e.frameFlags & TrafficEvent::Rsv3)
        out += ", RSV3";
    if (e.frameFlags & TrafficEvent::Masked)
        out += ", masked";
    if (e.frameFlags & TrafficEvent::Compressed)
        out += ", compressed";
    out += ", " + QByteArray::number(e.wireSize) + " bytes on the wire for "
        + QByteArray::number(e.size) + " bytes";
    return out;
}
