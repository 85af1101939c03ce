#pragma once

#include <QtGlobal>

#include <cstring>

// Word-at-a-time tests for finding the few bytes that need attention in long runs of plain text
// (JSON escaping, terminal escaping): eight bytes are checked with a handful of operations.
namespace ByteScan {

constexpr quint64 Ones = 0x0101010101010101ull;
constexpr quint64 Highs = 0x8080808080808080ull;

inline quint64 load(const char *p)
{
    quint64 word;
    std::memcpy(&word, p, 8);
    return word;
}
// Some byte of word is zero.
constexpr bool hasZero(quint64 word)
{
    return ((word - Ones) & ~word & Highs) != 0;
}
// Some byte of word equals b.
constexpr bool hasByte(quint64 word, unsigned char b)
{
    return hasZero(word ^ (Ones * b));
}
// Some byte of word is below n (n <= 128).
constexpr bool hasLess(quint64 word, unsigned char n)
{
    return ((word - Ones * n) & ~word & Highs) != 0;
}

} // namespace ByteScan
