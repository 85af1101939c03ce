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
    const char *c = data;
    const char *const end = data + utf8.size();
    for (;;) {
        // Plain text is copied a block at a time as it is checked (the room for escaping the
        // rest, MaxEscapedRatio bytes a byte, covers a block stored past the first suspect).
        ByteScan::copyPlainBlocks(c, end, p, char(0x7f), char(0xc2));
        // Eight bytes at a time while none is a control, DEL or a C1 lead byte.
        while (end - c >= 8) {
            const quint64 w = ByteScan::load(c);
            if (ByteScan::hasLess(w, 0x20) || ByteScan::hasByte(w, 0x7f)
                || ByteScan::hasByte(w, 0xc2))
                break;
            std::memcpy(p, &w, 8);
            p += 8;
            c += 8;
        }
        if (c == end)
            break;
        if (!needsEscape(utf8, c - data)) {
            *p++ = *c++;
            continue;
        }
        const uchar u = uchar(*c++);
        *p++ = '\\';
        switch (u) {
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
            const uchar next = uchar(*c++);
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[next >> 4];
            *p++ = hex[next & 15];
            break;
        }
        default:
            *p++ = 'x';
            *p++ = hex[u >> 4];
            *p++ = hex[u & 15];
        }
    }
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

void writeLine(FILE *stream, const QString &line)
{
    const QByteArray bytes = escaped(line) + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace TerminalText
