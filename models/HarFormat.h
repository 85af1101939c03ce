#pragma once

#include "RecordingFormat.h"

#include <QList>

// Chrome and Firefox devtools' HAR files and WebSocket sessions. An entry with
// "_webSocketMessages" is a session: messages have "type" send/receive, "time" in epoch seconds,
// "opcode" 1 (text), 2 (binary, base64) or 8 (close: code and reason, base64), and "data".
// Time 0 of a session is the entry's startedDateTime (or its first message, when earlier); the
// response status 101 is the open event, at startedDateTime + timings.wait, with the negotiated
// subprotocol from the response's Sec-WebSocket-Protocol header; the offered ones are the
// request's. Times are rounded to the nearest microsecond both ways.
namespace HarFormat {

struct Session
{
    RecordingHeader header;
    TrafficBatch events; // times in µs after time 0, payloads in the events
};

struct ImportResult
{
    QList<Session> sessions;
    int skippedEntries = 0; // entries that are not WebSocket sessions
    // Parts that are WebSocket data but could not be read, each skipped:
    // "entry 2, message 5: \"time\" is not a number".
    QStringList problems;
    QString error; // set when the file is not a HAR at all
};

// A HAR is one JSON document, read whole: larger files are refused before parsing, so that
// memory stays bounded (the same ceiling as a recording's longest line).
constexpr qint64 MaxFileBytes = 256LL * 1024 * 1024;

// Secrets (SecretRedaction) are redacted unless the policy keeps them.
ImportResult import(
    const QByteArray &json, SecretRedaction::Policy policy = SecretRedaction::Policy::Redact);
// A HAR with one websocket entry per session, secrets redacted unless kept.
QByteArray exportSessions(const QList<Session> &sessions, bool keepSecrets = false);

} // namespace HarFormat
