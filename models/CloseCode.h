#pragma once

#include <QString>

// WebSocket close codes (RFC 6455, section 7.4) and what may legally be put in a close frame.
namespace CloseCode {

enum : quint16 {
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    UnsupportedData = 1003,
    NoStatus = 1005, // reserved: never sent, means "the close frame carried no code"
    Abnormal = 1006, // reserved: never sent, means "closed without a close frame"
    InvalidPayload = 1007,
    PolicyViolation = 1008,
    TooBig = 1009,
    MandatoryExtension = 1010,
    InternalError = 1011,
    TlsHandshake = 1015, // reserved: never sent
};

// True for codes an endpoint may put in a close frame: 1000-1003, 1007-1011, 3000-4999.
bool isSendable(int code);
// A short name for a known code ("normal closure"), or an empty string.
QString name(int code);
// "1000 (normal closure)", or just the number for unnamed codes.
QString describe(int code);
// A close reason cut to the 123 UTF-8 bytes a close frame can carry, at a character boundary.
QString truncateReason(const QString &reason);

} // namespace CloseCode
