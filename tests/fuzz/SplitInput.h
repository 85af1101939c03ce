#pragma once

#include <QByteArray>

#include <cstddef>
#include <cstdint>

// A fuzz input read as a socket delivers bytes: a setup byte (what each target makes of it), a
// byte saying where the rest is cut into two reads, and the rest.
struct SplitInput
{
    quint8 setup = 0;
    QByteArray bytes;
    qsizetype split = 0; // 0..bytes.size()

    // False for inputs too short to hold the two bytes or longer than maxSize.
    static bool read(const uint8_t *data, size_t size, size_t maxSize, SplitInput *input)
    {
        if (size < 2 || size > maxSize)
            return false;
        input->setup = data[0];
        input->bytes = QByteArray(reinterpret_cast<const char *>(data) + 2, qsizetype(size - 2));
        input->split = qsizetype(data[1]) * input->bytes.size() / 255;
        return true;
    }
};
