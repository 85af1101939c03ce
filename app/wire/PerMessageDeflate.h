#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

// permessage-deflate (RFC 7692): what the two ends agreed on, how it is offered and answered in
// the handshake, and the compressor and decompressor of one direction each. zlib does the work.
struct DeflateParameters
{
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    int serverMaxWindowBits = 15;
    int clientMaxWindowBits = 15;

    // "permessage-deflate; server_max_window_bits=12" as the server answered (or answers).
    QByteArray toHeaderValue() const;
};

namespace PerMessageDeflate {

// What a client offers, as browsers do: the extension, letting the server choose our window.
QByteArray clientOffer();
// Parses a server's Sec-WebSocket-Extensions answer to our offer. False, with the reason, when
// the answer is not one a client may accept (an extension we did not offer, a parameter twice,
// a window out of range, ...).
bool parseServerAnswer(const QByteArray &headerValue, DeflateParameters *agreed, QString *error);
// The server side: picks the first acceptable permessage-deflate offer from a client's
// Sec-WebSocket-Extensions value(s). False when none was offered or none can be accepted.
bool acceptClientOffer(const QByteArray &headerValue, DeflateParameters *agreed);

} // namespace PerMessageDeflate

// Decompresses the messages of one direction. Output is bounded: a message that would inflate
// past the limit is refused as soon as it does (a decompression bomb costs no more memory than
// the limit).
class MessageInflater
{
public:
    explicit MessageInflater(bool resetAfterEachMessage);
    ~MessageInflater();
    MessageInflater(const MessageInflater &) = delete;
    MessageInflater &operator=(const MessageInflater &) = delete;

    enum class Result { Ok, TooBig, Corrupt };
    // Inflates one piece of a compressed message, appending to out (which holds what the message
    // inflated to so far) while out stays within limit.
    Result inflate(QByteArrayView compressed, QByteArray &out, qint64 limit);
    // Ends the message (RFC 7692 §7.2.2: the sender removed the final 00 00 ff ff).
    Result finishMessage(QByteArray &out, qint64 limit);

private:
    Result run(const char *data, qint64 size, QByteArray &out, qint64 limit);
    struct Stream;
    std::unique_ptr<Stream> m_stream;
    bool m_reset;
};

// Compresses the messages of one direction.
class MessageDeflater
{
public:
    // windowBits 9..15 (zlib has no raw 8-bit window; the caller sends uncompressed then).
    MessageDeflater(int windowBits, bool resetAfterEachMessage);
    ~MessageDeflater();
    MessageDeflater(const MessageDeflater &) = delete;
    MessageDeflater &operator=(const MessageDeflater &) = delete;

    // The compressed message without its final 00 00 ff ff.
    QByteArray compress(QByteArrayView message);

private:
    struct Stream;
    std::unique_ptr<Stream> m_stream;
    bool m_reset;
};
