#pragma once

#include <QtGlobal>

// The header of one WebSocket frame (RFC 6455 §5.2), parsed from its bytes. The one place in the
// project that reads a frame header: FrameParser (messages) and FrameSplitter (byte ranges, for the
// proxy) both use it.
struct FrameHeader
{
    static constexpr int MinSize = 2;
    static constexpr int MaxSize = 14;

    bool fin = false;
    quint8 rsv = 0; // 0x40 RSV1, 0x20 RSV2, 0x10 RSV3
    quint8 opcode = 0;
    bool masked = false;
    unsigned char maskKey[4] = {};
    qint64 length = 0; // payload bytes
    int size = 0; // header bytes

    // The header's full size, from its first two bytes.
    static int sizeFrom(const unsigned char *firstTwo)
    {
        const int len7 = firstTwo[1] & 0x7f;
        return (len7 < 126 ? 2 : (len7 == 126 ? 4 : 10)) + ((firstTwo[1] & 0x80) ? 4 : 0);
    }
    // Parses a whole header (sizeFrom(h) bytes). False when the 64-bit length has its most
    // significant bit set, which RFC 6455 forbids (nothing else is judged here).
    bool parse(const unsigned char *h);
    qint64 wireSize() const { return size + length; }
};
