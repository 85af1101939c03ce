#pragma once

#include <QtGlobal>

#include <cstring>

// Validates UTF-8 as it arrives, in pieces of any size: a code point may be split across
// fragments and reads. Rejects overlong forms, surrogates and code points above U+10FFFF at the
// first byte that makes the text invalid (RFC 3629), as RFC 6455 requires for text messages.
// Runs of ASCII are checked eight bytes at a time, since most text on the wire is ASCII.
class Utf8Validator
{
public:
    // False at the first byte that cannot be part of valid UTF-8; the validator then stays failed.
    bool feed(const char *data, qint64 size)
    {
        if (m_failed)
            return false;
        const auto *p = reinterpret_cast<const unsigned char *>(data);
        const unsigned char *end = p + size;
        while (p < end) {
            if (m_pending == 0) {
                while (end - p >= 8) {
                    quint64 word;
                    std::memcpy(&word, p, 8);
                    if (word & 0x8080808080808080ull)
                        break;
                    p += 8;
                }
                while (p < end && *p < 0x80)
                    ++p;
                if (p == end)
                    return true;
                if (!startSequence(*p++))
                    return fail();
            } else {
                if (*p < m_low || *p > m_high)
                    return fail();
                ++p;
                m_low = 0x80;
                m_high = 0xbf;
                --m_pending;
            }
        }
        return true;
    }
    // True when no code point is left unfinished (check at the end of a message).
    bool isComplete() const { return m_pending == 0 && !m_failed; }
    bool hasFailed() const { return m_failed; }
    void reset() { *this = Utf8Validator(); }

    // One-shot check of a whole text.
    static bool isValid(const char *data, qint64 size)
    {
        Utf8Validator v;
        return v.feed(data, size) && v.isComplete();
    }

private:
    bool startSequence(unsigned char b)
    {
        // The ranges of the second byte exclude overlong forms, surrogates and > U+10FFFF.
        if (b >= 0xc2 && b <= 0xdf)
            return expect(1, 0x80, 0xbf);
        if (b == 0xe0)
            return expect(2, 0xa0, 0xbf);
        if ((b >= 0xe1 && b <= 0xec) || b == 0xee || b == 0xef)
            return expect(2, 0x80, 0xbf);
        if (b == 0xed)
            return expect(2, 0x80, 0x9f);
        if (b == 0xf0)
            return expect(3, 0x90, 0xbf);
        if (b >= 0xf1 && b <= 0xf3)
            return expect(3, 0x80, 0xbf);
        if (b == 0xf4)
            return expect(3, 0x80, 0x8f);
        return false;
    }
    bool expect(int pending, unsigned char low, unsigned char high)
    {
        m_pending = pending;
        m_low = low;
        m_high = high;
        return true;
    }
    bool fail()
    {
        m_failed = true;
        m_pending = -1;
        return false;
    }

    int m_pending = 0; // continuation bytes still expected; -1 once failed
    unsigned char m_low = 0x80;
    unsigned char m_high = 0xbf;
    bool m_failed = false;
};
