#include "TerminalText.h"

#include "ByteScan.h"

#include <QString>

#include <cstring>

namespace TerminalText {

namespace {

bool isC1Lead(QByteArrayView utf8, qsizetype i)
{
    return uchar(utf8[i]) == 0xc2 && i + 1 < utf8.size() && uchar(utf8[i + 1]) >= 0x80
        && uchar(utf8[i + 1]) <= 0x9f;
}

// Bytes that may start something to escape: C0 controls, DEL, and 0xC2 (the lead byte of C1).
struct Suspects
{
    bool byte[256] = {};
    constexpr Suspects()
    {
        for (int c = 0; c < 0x20; ++c)
            byte[c] = true;
        byte[0x7f] = true;
        byte[0xc2] = true;
    }
};
constexpr Suspects suspects;

bool needsEscape(QByteArrayView utf8, qsizetype i)
{
    const uchar c = uchar(utf8[i]);
    return suspects.byte[c] && (c != 0xc2 || isC1Lead(utf8, i));
}

} // namespace

char *putEscaped(char *p, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    const char *const data = utf8.data();
    qsizetype runStart = 0;
    const qsizetype size = utf8.size();
    auto putRun = [&](qsizetype end) {
        std::memcpy(p, data + runStart, size_t(end - runStart));
        p += end - runStart;
    };
    for (qsizetype i = 0; i < size; ++i) {
        // Eight bytes at a time while none is a control, DEL or a C1 lead byte.
        while (size - i >= 8) {
            const quint64 w = ByteScan::load(data + i);
            if (ByteScan::hasLess(w, 0x20) || ByteScan::hasByte(w, 0x7f)
                || ByteScan::hasByte(w, 0xc2))
                break;
            i += 8;
        }
        if (i >= size)
            break;
        if (!needsEscape(utf8, i))
            continue;
        putRun(i);
        const uchar c = uchar(data[i]);
        *p++ = '\\';
        switch (c) {
        case 0x1b:
            *p++ = 'e';
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        case 0xc2: { // a C1 control, U+0080 to U+009F: two bytes become six
            const uchar next = uchar(data[++i]);
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[next >> 4];
            *p++ = hex[next & 15];
            break;
        }
        default:
            *p++ = 'x';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
        runStart = i + 1;
    }
    putRun(size);
    return p;
}

void appendEscaped(QByteArray &out, QByteArrayView utf8)
{
    const qsizetype at = out.size();
    out.resize(at + utf8.size() * MaxEscapedRatio);
    char *const begin = out.data() + at;
    out.resize(at + (putEscaped(begin, utf8) - begin));
}

QByteArray escaped(QByteArrayView utf8)
{
    QByteArray out;
    out.reserve(utf8.size());
    appendEscaped(out, utf8);
    return out;
}

QByteArray escaped(const QString &text)
{
    return escaped(QByteArrayView(text.toUtf8()));
}

} // namespace TerminalText
