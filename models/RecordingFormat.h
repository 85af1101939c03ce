#pragma once

#include "ConnectionSettings.h"
#include "TrafficBatch.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

// The Sockscope recording format, version 1 (docs/recording-format.md): JSON Lines in UTF-8, a
// header record first, then one record per event. Writing is hand-formatted because it runs at
// flood rates; reading uses Qt's JSON parser and tolerates unknown fields.
struct RecordingHeader
{
    QString app; // "sockscope 0.1.0"
    QUrl url;
    QList<HttpHeader> requestHeaders; // as recorded: secrets redacted unless kept
    QStringList offeredSubprotocols;
    QString subprotocol; // negotiated
    qint64 startWallMs = 0; // the wall clock at time 0 of the events
    int version = 1;
};

namespace RecordingFormat {

inline constexpr char FormatName[] = "sockscope-recording";
inline constexpr int Version = 1;
inline constexpr char Redacted[] = "(redacted by Sockscope)";

// Authorization, Proxy-Authorization, Cookie and Sec-WebSocket-Key values are replaced by a note
// saying so, unless keepSecrets.
QList<HttpHeader> redactedHeaders(const QList<HttpHeader> &headers, bool keepSecrets);
bool isSecretHeader(const QByteArray &name);
// An HTTP head (a handshake's request or response) with the values of secret headers (and
// Set-Cookie) replaced by the same note, unless keepSecrets.
QByteArray redactedHead(const QByteArray &head, bool keepSecrets);
// The batch as a recording keeps it: handshake events redacted unless keepSecrets. Returns the
// batch itself (shared, not copied) when it holds no handshake.
TrafficBatch redactedForRecording(const TrafficBatch &batch, bool keepSecrets);

QByteArray headerLine(const RecordingHeader &header);
// Appends one line per event of the batch to out.
void appendEventLines(const TrafficBatch &batch, QByteArray &out);

// The kind names used in files: text, binary, ping, pong, open, close, error, heartbeat, note,
// connecting, pong-timeout.
QString kindName(TrafficEvent::Kind kind);
bool kindFromName(const QString &name, TrafficEvent::Kind *kind);

// Parses an event record; false with the reason when the line is not one.
bool parseEvent(const QJsonObject &object, TrafficEvent *event, QString *error);
// Parses the header record, or says why the file is not a recording this version can read.
bool parseHeader(const QJsonObject &object, RecordingHeader *header, QString *error);

} // namespace RecordingFormat
