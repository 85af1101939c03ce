#include "FrameWriter.h"

#include <QRandomGenerator>
#include <QtEndian>

#include <cstring>

namespace FrameWriter {

int applyMask(char *data, qint64 size, const unsigned char key[4], int keyOffset)
{
    // Rotate the key so that byte 0 of the rotated key applies to data[0], then XOR a word at
    // a time.
    unsigned char k[8];
    for (int i = 0; i < 8; ++i)
        k[i] = key[(keyOffset + i) & 3];
    quint64 word;
    std::memcpy(&word, k, 8);
    qint64 i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 chunk;
        std::memcpy(&chunk, data + i, 8);
        chunk ^= word;
        std::memcpy(data + i, &chunk, 8);
    }
    for (; i < size; ++i)
        data[i] = char(data[i] ^ k[i & 7]);
    return int((keyOffset + size) & 3);
}

void appendFrame(
    QByteArray &out, quint8 opcode, bool fin, QByteArrayView payload, bool mask, quint8 rsv)
{
    const qint64 length = payload.size();
    const int header = headerSize(length, mask);
    const qsizetype at = out.size();
    out.resize(at + header + length);
    auto *h = reinterpret_cast<unsigned char *>(out.data() + at);
    h[0] = (fin ? 0x80 : 0) | (rsv & 0x70) | (opcode & 0x0f);
    int pos = 2;
    if (length < 126) {
        h[1] = quint8(length);
    } else if (length <= 0xffff) {
        h[1] = 126;
        qToBigEndian(quint16(length), h + 2);
        pos = 4;
    } else {
        h[1] = 127;
        qToBigEndian(quint64(length), h + 2);
        pos = 10;
    }
    char *body = out.data() + at + header;
    if (length > 0)
        std::memcpy(body, payload.data(), size_t(length));
    if (mask) {
        h[1] |= 0x80;
        // RFC 6455 §5.3: a fresh, unpredictable key for every frame.
        const quint32 key = QRandomGenerator::global()->generate();
        std::memcpy(h + pos, &key, 4);
        applyMask(body, length, h + pos);
    }
}

QByteArray closePayload(quint16 code, QByteArrayView reasonUtf8)
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    qsizetype keep = qMin<qsizetype>(reasonUtf8.size(), 123);
    // Never cut a UTF-8 sequence in half: back up to the start of a code point.
    while (keep > 0 && keep < reasonUtf8.size() && (quint8(reasonUtf8.at(keep)) & 0xc0) == 0x80)
        --keep;
    payload.append(reasonUtf8.first(keep));
    return payload;
}

} // namespace FrameWriter
