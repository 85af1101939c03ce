#pragma once

#include <QByteArray>
#include <QByteArrayView>

// RFC 6455 opcodes and frame encoding. Frames are appended to an output buffer the caller
// owns and writes to its socket; nothing here knows about sockets.
namespace WireOpcode {
enum : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xa,
};
inline bool isControl(quint8 opcode)
{
    return opcode & 0x8;
}
inline bool isKnown(quint8 opcode)
{
    return opcode <= Binary || (opcode >= Close && opcode <= Pong);
}
} // namespace WireOpcode

namespace FrameWriter {

// Largest frame header: 2 bytes, 8 of extended length, 4 of masking key.
constexpr int MaxHeaderSize = 14;

// Header size for a payload of this length, with or without a masking key.
inline int headerSize(qint64 payloadLength, bool masked)
{
    const int base = payloadLength < 126 ? 2 : (payloadLength <= 0xffff ? 4 : 10);
    return base + (masked ? 4 : 0);
}

// XORs data with the 4-byte key, starting at key position keyOffset (0..3); returns the key
// position after the last byte, so masking can continue across pieces.
int applyMask(char *data, qint64 size, const unsigned char key[4], int keyOffset = 0);

// Appends one frame. rsv holds the RSV1..RSV3 bits as 0x40/0x20/0x10. When mask is set, the
// payload is masked with a fresh random key (the client role); the server role sends unmasked.
void appendFrame(
    QByteArray &out, quint8 opcode, bool fin, QByteArrayView payload, bool mask, quint8 rsv = 0);

// A close frame's payload: the code in network order, then the reason (truncated to fit 125).
QByteArray closePayload(quint16 code, QByteArrayView reasonUtf8);

} // namespace FrameWriter
