#pragma once

#include "ConnectionSettings.h"
#include "SecretRedaction.h"
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
    // Read from the file: a message, ping or pong without a "wire" field went as one plain frame
    // (TrafficEvent::hasPlainWire). Files written before this was so have none of it: their
    // events without "wire" have no wire info. headerLine() always writes it, as the writer omits.
    bool plainWireOmitted = false;
};

namespace RecordingFormat {

inline constexpr char FormatName[] = "sockscope-recording";
inline constexpr int Version = 1;
inline constexpr const char *Redacted = SecretRedaction::Marker;
// Events are µs since the connection started: from 0 to 100 years. Anything else is a corrupt
// line, rejected on reading so that no later computation (replay scheduling) can overflow.
inline constexpr qint64 MaxTimeUs = 100LL * 366 * 24 * 3600 * 1'000'000;
// Wall-clock times a header may hold: years 1970 to 9999.
inline constexpr qint64 MaxWallMs = 253'402'300'799'999;

// Secret header values replaced by a note saying so, unless keepSecrets (SecretRedaction).
QList<HttpHeader> redactedHeaders(const QList<HttpHeader> &headers, bool keepSecrets);
bool isSecretHeader(const QByteArray &name);
// The header, and the events that can hold a URL or request headers (connecting, handshake), with
// the redaction policy applied. A batch without such events is returned as it is (no copy).
RecordingHeader redacted(const RecordingHeader &header, SecretRedaction::Policy policy);
TrafficBatch redacted(const TrafficBatch &batch, SecretRedaction::Policy policy);

// The path of the index-th of several recordings (0 first): path, then path with -2, -3, ...
// before its extension: session.sockscope.jsonl, session-2.sockscope.jsonl, ...
QString numberedPath(const QString &path, int index);

// The header of a recording of a connection with these settings, whose time 0 is startWallMs.
RecordingHeader headerFor(
    const ConnectionSettings &settings, const QString &app, qint64 startWallMs);
QByteArray headerLine(const RecordingHeader &header);
// Appends one line per event of the batch to out, with the redaction policy applied to the events
// that can hold a URL or request headers (a message never can: the flood path scans nothing).
// A plain frame's wire info is left out, and a message, ping or pong whose wire info is not
// known gets "wire":[] (headerLine's "plainWireOmitted").
void appendEventLines(const TrafficBatch &batch, QByteArray &out,
    SecretRedaction::Policy policy = SecretRedaction::Policy::Keep);

// The kind names used in files: text, binary, ping, pong, open, close, error, heartbeat, note,
// connecting, pong-timeout.
QString kindName(TrafficEvent::Kind kind);
bool kindFromName(const QString &name, TrafficEvent::Kind *kind);

// The fields of an event record, from Qt's JSON parser or from the fast line scanner. Strings
// are UTF-8 views into the line, or into owned when they had to be unescaped.
struct EventFields
{
    enum String : int {
        Kind,
        Direction,
        Payload,
        Reason,
        ClosedBy,
        Text,
        Request, // handshake: the request head
        Response, // handshake: the response head
        Transport, // close: how TCP ended
        Origin, // a message the proxy injected or edited
        StringCount
    };
    QByteArrayView strings[StringCount];
    bool hasString[StringCount] = {};
    QByteArray owned[StringCount];
    double timeUs = 0;
    bool hasTime = false;
    bool payloadIsString = false; // false: present but not a string
    qint64 sequence = 0;
    qint64 code = 0;
    qint64 httpStatus = 0;
    qint64 rttUs = -1;
    qint64 waitedUs = -1;
    qint64 wire[4] = {}; // frames, bytes on the wire, first opcode, FrameFlag bits
    bool hasWire = false;
    bool wireUnknown = false; // "wire": [], said of a message whose framing is not known
};

// Reads a line as Sockscope writes it (one flat object, integers, plain or escaped strings)
// without building a JSON document. False when the line needs Qt's full parser: anything else,
// including every malformed line, so the messages about problems are always Qt's.
bool scanEventLine(QByteArrayView line, EventFields *fields);
bool fieldsFromObject(const QJsonObject &object, EventFields *fields);
// Checks the fields and fills every member of event but the payload, which stays in fields
// (text: UTF-8; other kinds: base64) for the caller to place; event.size is set. With
// plainWireOmitted (the file's header says so), a message, ping or pong without "wire" gets
// the wire info of one plain frame.
bool eventFromFields(
    const EventFields &fields, TrafficEvent *event, QString *error, bool plainWireOmitted = false);

// Parses an event record; false with the reason when the line is not one.
bool parseEvent(
    const QJsonObject &object, TrafficEvent *event, QString *error, bool plainWireOmitted = false);
// Parses the header record, or says why the file is not a recording this version can read.
// Fields that are present but unusable (a start time out of range, a URL that does not parse)
// are left empty and named in warnings.
bool parseHeader(const QJsonObject &object, RecordingHeader *header, QString *error,
    QStringList *warnings = nullptr);

} // namespace RecordingFormat
