// The opening handshake on any bytes from a peer (app/wire): HttpHead on request and response
// heads, ClientHandshake's checks of a server's answer, ServerHandshake's checks of a client's
// request and its answer, and the permessage-deflate offer and answer parameters. The first byte
// says whether deflate is offered, the second where the rest is split into two reads; "{accept}"
// in the rest becomes the Sec-WebSocket-Accept our key calls for, so the checks past it are
// reached. Properties: no head is kept past HttpHead::MaxSize; one read or two give the same
// verdict and fields; an accepted head's names are tokens and its values carry no CR/LF/NUL; an
// accepted deflate answer or offer has windows within 8..15 and writes back to the same parameters;
// the server's 101 answer is itself a clean HTTP head.
#include "ClientHandshake.h"
#include "FuzzCheck.h"
#include "HttpHead.h"
#include "PerMessageDeflate.h"
#include "ServerHandshake.h"
#include "SplitInput.h"

#include <cstdint>

namespace {

bool hasLineBreakOrNul(const QByteArray &bytes)
{
    return bytes.contains('\r') || bytes.contains('\n') || bytes.contains('\0');
}

void checkCleanFields(const HttpHead &head)
{
    FUZZ_CHECK(head.raw().size() <= HttpHead::MaxSize);
    FUZZ_CHECK(head.fields().size() <= HttpHead::MaxFields);
    for (const HttpHead::Field &field : head.fields()) {
        FUZZ_CHECK(!field.name.isEmpty());
        FUZZ_CHECK(!hasLineBreakOrNul(field.name) && !field.name.contains(':'));
        FUZZ_CHECK(!hasLineBreakOrNul(field.value));
    }
}

bool windowsInRange(const DeflateParameters &p)
{
    return p.serverMaxWindowBits >= 8 && p.serverMaxWindowBits <= 15 && p.clientMaxWindowBits >= 8
        && p.clientMaxWindowBits <= 15;
}

bool sameParameters(const DeflateParameters &a, const DeflateParameters &b)
{
    return a.serverNoContextTakeover == b.serverNoContextTakeover
        && a.clientNoContextTakeover == b.clientNoContextTakeover
        && a.serverMaxWindowBits == b.serverMaxWindowBits
        && a.clientMaxWindowBits == b.clientMaxWindowBits;
}

struct HeadOutcome
{
    HttpHead::Status status = HttpHead::Status::NeedMore;
    qsizetype consumed = 0;
    HttpHead head;
};

// Feeds the bytes in two reads split at `split`, as a socket may deliver them.
HeadOutcome feedHead(const QByteArray &bytes, qsizetype split)
{
    HeadOutcome o;
    qsizetype consumed = 0;
    o.status = o.head.feed(bytes.constData(), split, &consumed);
    o.consumed = consumed;
    if (o.status == HttpHead::Status::NeedMore) {
        o.status = o.head.feed(bytes.constData() + split, bytes.size() - split, &consumed);
        o.consumed += consumed;
    }
    return o;
}

void checkHead(const QByteArray &bytes, qsizetype split)
{
    const HeadOutcome whole = feedHead(bytes, bytes.size());
    const HeadOutcome twoReads = feedHead(bytes, split);
    FUZZ_CHECK(whole.status == twoReads.status);
    FUZZ_CHECK(whole.head.raw().size() <= HttpHead::MaxSize + 4);
    FUZZ_CHECK(twoReads.head.raw().size() <= HttpHead::MaxSize + 4);
    switch (whole.status) {
    case HttpHead::Status::Complete:
        // The head is the bytes up to and including the empty line; what follows is not taken.
        FUZZ_CHECK(whole.consumed == whole.head.raw().size());
        FUZZ_CHECK(twoReads.consumed == whole.consumed);
        FUZZ_CHECK(bytes.startsWith(whole.head.raw()) && whole.head.raw().endsWith("\r\n\r\n"));
        FUZZ_CHECK(twoReads.head.raw() == whole.head.raw());
        checkCleanFields(whole.head);
        FUZZ_CHECK(twoReads.head.fields().size() == whole.head.fields().size());
        for (int i = 0; i < 3; ++i)
            FUZZ_CHECK(twoReads.head.startPart(i) == whole.head.startPart(i));
        break;
    case HttpHead::Status::Invalid:
        FUZZ_CHECK(!whole.head.error().isEmpty() && !twoReads.head.error().isEmpty());
        break;
    case HttpHead::Status::NeedMore:
        FUZZ_CHECK(whole.consumed == bytes.size() && bytes.size() <= HttpHead::MaxSize);
        break;
    }
}

void checkClient(QByteArray bytes, qsizetype split, bool offerDeflate)
{
    const QStringList offered {QStringLiteral("chat"), QStringLiteral("v2.json")};
    ClientHandshake client(
        {QUrl(QStringLiteral("ws://127.0.0.1:9/x")), {}, offered, {}, offerDeflate, {}});
    FUZZ_CHECK(client.requestProblem().isEmpty());
    const QByteArray request = client.requestHead();
    const qsizetype keyAt = request.indexOf("Sec-WebSocket-Key: ") + 19;
    const QByteArray key = request.mid(keyAt, request.indexOf('\r', keyAt) - keyAt);
    bytes.replace("{accept}", ClientHandshake::acceptKeyFor(key));
    split = qMin(split, bytes.size());

    qsizetype consumed = 0;
    ClientHandshake::Status status = client.feed(bytes.constData(), split, &consumed);
    qsizetype total = consumed;
    if (status == ClientHandshake::Status::NeedMore) {
        status = client.feed(bytes.constData() + split, bytes.size() - split, &consumed);
        total += consumed;
    }
    FUZZ_CHECK(total >= 0 && total <= bytes.size());
    FUZZ_CHECK(client.response().raw().size() <= HttpHead::MaxSize + 4);
    switch (status) {
    case ClientHandshake::Status::Accepted:
        FUZZ_CHECK(client.statusCode() == 101);
        FUZZ_CHECK(client.error().isEmpty());
        checkCleanFields(client.response());
        FUZZ_CHECK(client.subprotocol().isEmpty() || offered.contains(client.subprotocol()));
        FUZZ_CHECK(offerDeflate || !client.deflateAgreed());
        if (client.deflateAgreed())
            FUZZ_CHECK(windowsInRange(client.deflateParameters()));
        break;
    case ClientHandshake::Status::Rejected:
        FUZZ_CHECK(client.statusCode() != 101 && client.statusCode() >= 0);
        FUZZ_CHECK(!client.error().isEmpty());
        checkCleanFields(client.response());
        break;
    case ClientHandshake::Status::Invalid:
        FUZZ_CHECK(!client.error().isEmpty());
        FUZZ_CHECK(!client.deflateAgreed());
        break;
    case ClientHandshake::Status::NeedMore:
        break;
    }
}

void checkServer(const QByteArray &bytes, bool allowDeflate)
{
    ServerHandshake server;
    qsizetype consumed = 0;
    const ServerHandshake::Status status = server.feed(bytes.constData(), bytes.size(), &consumed);
    FUZZ_CHECK(consumed >= 0 && consumed <= bytes.size());
    if (status == ServerHandshake::Status::NotWebSocket
        || status == ServerHandshake::Status::Invalid)
        FUZZ_CHECK(!server.error().isEmpty());
    if (status != ServerHandshake::Status::Upgrade)
        return;
    checkCleanFields(server.request());
    FUZZ_CHECK(QByteArray::fromBase64(server.key()).size() == 16);
    const QStringList supported {QStringLiteral("chat"), QStringLiteral("mqtt")};
    DeflateParameters agreed;
    bool deflate = false;
    QString subprotocol;
    const QByteArray answer
        = server.accept(supported, allowDeflate, &agreed, &deflate, &subprotocol);
    FUZZ_CHECK(subprotocol.isEmpty() || supported.contains(subprotocol));
    FUZZ_CHECK(allowDeflate || !deflate);
    if (deflate)
        FUZZ_CHECK(windowsInRange(agreed));
    // The answer we send is a clean, complete HTTP head.
    HttpHead head;
    FUZZ_CHECK(
        head.feed(answer.constData(), answer.size(), &consumed) == HttpHead::Status::Complete);
    FUZZ_CHECK(consumed == answer.size());
    checkCleanFields(head);
}

void checkDeflateParameters(const QByteArray &value)
{
    DeflateParameters answer;
    QString error;
    if (PerMessageDeflate::parseServerAnswer(value, &answer, &error)) {
        FUZZ_CHECK(windowsInRange(answer));
        DeflateParameters again;
        FUZZ_CHECK(PerMessageDeflate::parseServerAnswer(answer.toHeaderValue(), &again, &error));
        FUZZ_CHECK(sameParameters(answer, again));
    } else {
        FUZZ_CHECK(!error.isEmpty());
    }
    DeflateParameters offer;
    if (PerMessageDeflate::acceptClientOffer(value, &offer)) {
        FUZZ_CHECK(windowsInRange(offer));
        // What a server answers to an offer, a client accepts as the same parameters.
        DeflateParameters again;
        FUZZ_CHECK(PerMessageDeflate::parseServerAnswer(offer.toHeaderValue(), &again, &error));
        FUZZ_CHECK(sameParameters(offer, again));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SplitInput input;
    if (!SplitInput::read(data, size, size_t {256} * 1024, &input))
        return 0;
    const QByteArray &bytes = input.bytes;
    const bool deflate = input.setup & 1;
    checkHead(bytes, input.split);
    checkClient(bytes, input.split, deflate);
    checkServer(bytes, deflate);
    // The bytes as one Sec-WebSocket-Extensions value (a header value is one line).
    checkDeflateParameters(bytes.left(bytes.indexOf('\n')));
    return 0;
}
