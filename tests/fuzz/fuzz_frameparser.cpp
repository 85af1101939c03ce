// The WebSocket codec on any bytes from a peer (app/wire). The first byte picks the role, whether
// permessage-deflate is on, the size limit and where the stream is split into two reads; the rest
// is the stream. Properties: the same stream parsed in one read and in two gives the same
// messages, control frames and verdict; no message exceeds the limit; text messages are valid
// UTF-8; a violation is always a close code the rules call for.
#include "ClientHandshake.h"
#include "FrameParser.h"
#include "FrameSplitter.h"
#include "FuzzCheck.h"
#include "SplitInput.h"
#include "Utf8Validator.h"

#include <QList>

#include <cstdint>

namespace {

struct Collected : FrameParser::Listener
{
    QList<QByteArray> items; // opcode byte + payload, messages and control frames in order
    qint64 largest = 0;
    bool textValid = true;

    void messageReceived(
        quint8 opcode, const char *data, qint64 size, const WireFrameInfo &) override
    {
        items << QByteArray(1, char(opcode)) + QByteArray(data, size);
        largest = qMax(largest, size);
        if (opcode == 1 && !Utf8Validator::isValid(data, size))
            textValid = false;
    }
    void controlReceived(
        quint8 opcode, const char *data, qint64 size, const WireFrameInfo &) override
    {
        items << QByteArray(1, char(opcode)) + QByteArray(data, size);
    }
};

struct Outcome
{
    Collected collected;
    quint16 code = 0;
};

Outcome parse(quint8 setup, QByteArray stream, qsizetype split)
{
    Outcome o;
    FrameParser parser(
        setup & 1 ? FrameParser::Role::Server : FrameParser::Role::Client, &o.collected);
    parser.setMaxMessageSize(setup & 4 ? 64 : 1024 * 1024);
    if (setup & 2)
        parser.enableInflate(setup & 8);
    split = qBound<qsizetype>(0, split, stream.size());
    if (parser.feed(stream.data(), split))
        parser.feed(stream.data() + split, stream.size() - split);
    o.code = parser.errorCode();
    return o;
}

// The bytes the splitter hands out, read in two pieces: with each piece's frame header.
QByteArray splitterBytes(const QByteArray &stream, qsizetype at, int *headers)
{
    FrameSplitter splitter;
    QByteArray out;
    *headers = 0;
    for (const QByteArray &part : {stream.left(at), stream.mid(at)}) {
        qint64 used = 0;
        while (used < part.size()) {
            FrameSplitter::Piece piece;
            const qint64 n = splitter.next(part.constData() + used, part.size() - used, &piece);
            FUZZ_CHECK(n > 0);
            FUZZ_CHECK(piece.size == 0 || !piece.isHeader || piece.size == splitter.frame().size);
            used += n;
            *headers += piece.isHeader;
            out += QByteArray(piece.data, piece.size);
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SplitInput input;
    if (!SplitInput::read(data, size, size_t {1024} * 1024, &input))
        return 0;
    const quint8 setup = input.setup;
    const QByteArray &stream = input.bytes;
    const qsizetype split = input.split;
    const Outcome whole = parse(setup, stream, stream.size());
    const Outcome twoReads = parse(setup, stream, split);
    FUZZ_CHECK(whole.code == twoReads.code);
    FUZZ_CHECK(whole.collected.items == twoReads.collected.items);
    FUZZ_CHECK(whole.code == 0 || whole.code == 1002 || whole.code == 1007 || whole.code == 1009);
    FUZZ_CHECK(whole.collected.largest <= (setup & 4 ? 64 : 1024 * 1024));
    FUZZ_CHECK(whole.collected.textValid);

    // The proxy's splitter: every byte handed out once and in order, whatever the read sizes; only
    // the start of a last, incomplete header is kept back.
    int headersWhole = 0;
    int headersSplit = 0;
    const QByteArray pieces = splitterBytes(stream, stream.size(), &headersWhole);
    FUZZ_CHECK(
        splitterBytes(stream, split, &headersSplit) == pieces && headersSplit == headersWhole);
    FUZZ_CHECK(stream.startsWith(pieces) && stream.size() - pieces.size() < 14);

    // The same bytes as a server's answer to our handshake: never more than 64 KiB kept.
    ClientHandshake client({QUrl(QStringLiteral("ws://127.0.0.1:1/")), {}, {}, {}, true, {}});
    qsizetype consumed = 0;
    client.feed(stream.constData(), stream.size(), &consumed);
    FUZZ_CHECK(client.response().raw().size() <= HttpHead::MaxSize + 4);
    FUZZ_CHECK(consumed >= 0 && consumed <= stream.size());
    return 0;
}
