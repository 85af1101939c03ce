#pragma once

#include "TrafficBatch.h"

// How the command line prints events. On stdout: "< text" received, "> text" sent, binary as
// "(binary, N bytes) hex ...", pongs with their round trip, the server's pings and our answers.
// On stderr: status ("* connected", "* closed by the server: ..."), errors ("! ..."), a rejected
// handshake's status and Location, and with showFrames how each frame arrived. Everything from the
// network is escaped for the terminal (TerminalText), payloads too unless raw. Shared by connect,
// record, replay and show.
class MessagePrinter
{
public:
    struct Options
    {
        bool showPings = false; // pongs with round trips, the server's pings and our answers
        bool showFrames = false; // frames, opcode, RSV bits, bytes on the wire (stderr)
        bool raw = false; // payloads untouched
        bool showSent = false; // our own messages as "> text" (replay, show)
        // Both directions are peers (the proxy): pings, pongs and close frames either way, "> "
        // client to server, "< " server to client, pongs with the time the other side took.
        bool relay = false;
        QString scriptName; // a script's errors and log() lines print as "NAME:LINE: message"
    };
    static constexpr int HexPreviewBytes = 32;

    MessagePrinter() = default;
    explicit MessagePrinter(const Options &options) : m_options(options) { }
    const Options &options() const { return m_options; }

    // The stdout line for the event, or an empty array for events not printed there.
    QByteArray line(const TrafficBatch &batch, const TrafficEvent &event) const;
    // The same, appended to out.
    void appendLine(QByteArray &out, const TrafficBatch &batch, const TrafficEvent &event) const;
    // The flood path: appends the lines of the batch's events from index `from` on, each after
    // prefix, for as long as they are text messages in the batch's buffer with nothing to say on
    // stderr; returns the index of the first event left to appendLine() and status(), or the
    // number of events. Written through a pointer: no call or allocation per message.
    qsizetype appendTextLines(QByteArray &out, const TrafficBatch &batch, qsizetype from,
        QByteArrayView prefix = {}) const;
    // The stderr lines for the event (each ending in '\n'), or an empty array.
    QByteArray status(const TrafficBatch &batch, const TrafficEvent &event) const;
    // "closed by the server: 4001 (application) "bye"", unescaped.
    static QString describeClose(const TrafficEvent &event);
    // "frames: 3, opcode 1, RSV1, compressed, 41 bytes on the wire for 120 bytes"
    static QByteArray describeFrames(const TrafficEvent &event);

private:
    // "< text\n" after prefix; p has room for textLineBound().
    char *putTextLine(
        char *p, QByteArrayView prefix, const TrafficEvent &event, QByteArrayView payload) const;
    static qsizetype textLineBound(QByteArrayView prefix, QByteArrayView payload);
    QByteArray scriptLine(const TrafficEvent &event) const;
    void appendPayload(QByteArray &out, QByteArrayView payload) const;

    Options m_options;
};
