#pragma once

#include <QtAlgorithms>
#include <QtGlobal>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Copies from src to dst 16 bytes at a time while a block holds no control byte (below 0x20), no
// a and no b, and stops at the first that does, src and dst moved past the bytes before it. The
// block is stored whole even then: dst needs room for 16 bytes past where it stops (an escaper's
// room for the rest covers it). Without SSE2, nothing is copied: the caller's loop does it all.
inline void copyPlainBlocks(const char *&src, const char *end, char *&dst, char a, char b)
{
#if defined(__SSE2__)
    while (end - src >= 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src));
        const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(block, _mm_set1_epi8(0x1f)), block);
        const __m128i named = _mm_or_si128(
            _mm_cmpeq_epi8(block, _mm_set1_epi8(a)), _mm_cmpeq_epi8(block, _mm_set1_epi8(b)));
        const int special = _mm_movemask_epi8(_mm_or_si128(control, named));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst), block);
        if (special != 0) {
            const int plain = int(qCountTrailingZeroBits(uint(special)));
            dst += plain;
            src += plain;
            return;
        }
        dst += 16;
        src += 16;
    }
#else
    Q_UNUSED(src);
    Q_UNUSED(end);
    Q_UNUSED(dst);
    Q_UNUSED(a);
    Q_UNUSED(b);
#endif
}

} // namespace ByteScan
