#include "FrameHeader.h"

#include <QtEndian>

#include <cstring>

bool FrameHeader::parse(const unsigned char *h)
{
    fin = h[0] & 0x80;
    rsv = h[0] & 0x70;
    opcode = h[0] & 0x0f;
    masked = h[1] & 0x80;
    size = sizeFrom(h);
    const int len7 = h[1] & 0x7f;
    length = len7;
    if (len7 == 126) {
        length = qFromBigEndian<quint16>(h + 2);
    } else if (len7 == 127) {
        const quint64 l = qFromBigEndian<quint64>(h + 2);
        if (l >> 63)
            return false;
        length = qint64(l);
    }
    if (masked)
        std::memcpy(maskKey, h + size - 4, 4);
    return true;
}
