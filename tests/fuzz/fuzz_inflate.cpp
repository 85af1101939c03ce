// permessage-deflate decompression (MessageInflater) of any bytes a peer sends, with the message
// size limit. The first byte picks the limit, whether the context is reset after each message and
// the deflater's window; the second where the message is split into two frames. Properties: the
// output never grows past the limit (a decompression bomb costs no more than the limit); a
// corrupt or too large message is a result, not a crash or an exception; one piece or two
// inflate to the same bytes and verdict; what our deflater compresses inflates back to the same
// bytes, or is refused as too big exactly when it is larger than the limit.
#include "FuzzCheck.h"
#include "PerMessageDeflate.h"
#include "SplitInput.h"

#include <cstdint>
#include <iterator>

namespace {

constexpr qint64 Limits[] = {0, 1, 100, 4096, 65536, 1024LL * 1024};

struct Inflated
{
    MessageInflater::Result result = MessageInflater::Result::Ok;
    QByteArray out;
};

// One message given in pieces (frames), then ended, as WireConnection does.
Inflated inflateMessage(
    MessageInflater &inflater, const QByteArray &compressed, qsizetype split, qint64 limit)
{
    Inflated m;
    for (const QByteArray &piece : {compressed.left(split), compressed.mid(split)}) {
        m.result = inflater.inflate(piece, m.out, limit);
        FUZZ_CHECK(m.out.size() <= limit);
        if (m.result != MessageInflater::Result::Ok)
            return m;
    }
    m.result = inflater.finishMessage(m.out, limit);
    FUZZ_CHECK(m.out.size() <= limit);
    return m;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SplitInput input;
    if (!SplitInput::read(data, size, size_t {256} * 1024, &input))
        return 0;
    const quint8 setup = input.setup;
    const QByteArray &bytes = input.bytes;
    const qsizetype split = input.split;
    const qint64 limit = Limits[(setup & 7) % std::size(Limits)];
    const bool reset = setup & 8;
    const int windowBits = 9 + (setup >> 4) % 7;

    // The bytes as a compressed message, twice on the same inflater (the second uses the context
    // the first left, unless reset), in one piece and in two.
    MessageInflater whole(reset);
    MessageInflater pieces(reset);
    for (int message = 0; message < 2; ++message) {
        const Inflated a = inflateMessage(whole, bytes, bytes.size(), limit);
        const Inflated b = inflateMessage(pieces, bytes, split, limit);
        FUZZ_CHECK(a.result == b.result);
        if (a.result != MessageInflater::Result::Ok)
            break; // the connection is closed after a bad message: the context is not used again
        FUZZ_CHECK(a.out == b.out);
    }

    // The bytes as a message we compress: they come back, or are refused as too big.
    MessageDeflater deflater(windowBits, reset);
    MessageInflater inflater(reset);
    for (int message = 0; message < 2; ++message) {
        const QByteArray compressed = deflater.compress(bytes);
        const Inflated back
            = inflateMessage(inflater, compressed, split % (compressed.size() + 1), limit);
        if (bytes.size() > limit) {
            FUZZ_CHECK(back.result == MessageInflater::Result::TooBig);
            break;
        }
        FUZZ_CHECK(back.result == MessageInflater::Result::Ok);
        FUZZ_CHECK(back.out == bytes);
    }
    return 0;
}
