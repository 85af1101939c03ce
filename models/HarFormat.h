#pragma once

#include "RecordingFormat.h"

#include <QList>

// Chrome and Firefox devtools' HAR files and WebSocket sessions. An entry with
// "_webSocketMessages" is a session: messages have "type" send/receive, "time" in epoch seconds,
// "opcode" 1 (text) or 2 (binary, base64), and "data".
namespace HarFormat {

struct Session
{
    RecordingHeader header;
    TrafficBatch events; // times in µs after the first message, payloads in the events
};

struct ImportResult
{
    QList<Session> sessions;
    int skippedEntries = 0; // entries that are not WebSocket sessions
    QString error; // set when the file is not a HAR at all
};

ImportResult import(const QByteArray &json);
// A HAR with one websocket entry per session, secrets in request headers redacted unless kept.
QByteArray exportSessions(const QList<Session> &sessions, bool keepSecrets = false);

} // namespace HarFormat
