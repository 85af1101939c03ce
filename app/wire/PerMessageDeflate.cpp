#include "PerMessageDeflate.h"

#include <QList>

#include <zlib.h>

namespace {

constexpr char ExtensionName[] = "permessage-deflate";
// Inflating in steps of this much output keeps the limit check ahead of the memory.
constexpr qsizetype InflateStep = 64LL * 1024;

struct Parameter
{
    QByteArray name;
    QByteArray value;
    bool hasValue = false;
};

struct Offer
{
    QByteArray name;
    QList<Parameter> parameters;
};

// Splits "a; x=1, b; y" into extensions and their parameters (RFC 7230 lists, RFC 6455 §9.1).
QList<Offer> parseExtensions(const QByteArray &value)
{
    QList<Offer> offers;
    for (const QByteArray &item : value.split(',')) {
        const QList<QByteArray> parts = item.split(';');
        Offer offer;
        offer.name = parts.first().trimmed().toLower();
        if (offer.name.isEmpty())
            continue;
        for (qsizetype i = 1; i < parts.size(); ++i) {
            Parameter p;
            const QByteArray text = parts.at(i).trimmed();
            const qsizetype eq = text.indexOf('=');
            p.name = (eq < 0 ? text : text.left(eq)).trimmed().toLower();
            if (eq >= 0) {
                p.hasValue = true;
                p.value = text.mid(eq + 1).trimmed();
                if (p.value.size() >= 2 && p.value.startsWith('"') && p.value.endsWith('"'))
                    p.value = p.value.mid(1, p.value.size() - 2);
            }
            offer.parameters.append(p);
        }
        offers.append(offer);
    }
    return offers;
}

bool windowBits(const Parameter &p, int *bits)
{
    bool ok = false;
    const int v = p.value.toInt(&ok);
    if (!ok || v < 8 || v > 15 || p.value.startsWith('0') || p.value.startsWith('+'))
        return false;
    *bits = v;
    return true;
}

// Reads one offer's or answer's parameters. A client's offer may give client_max_window_bits
// without a value; a server's answer must give one. On failure *bad names the parameter.
bool readParameters(const Offer &offer, bool isOffer, DeflateParameters *out, QByteArray *bad)
{
    DeflateParameters p;
    QList<QByteArray> seen;
    for (const Parameter &param : offer.parameters) {
        bool ok = true;
        if (seen.contains(param.name))
            ok = false; // given twice
        else if (param.name == "server_no_context_takeover")
            ok = !param.hasValue, p.serverNoContextTakeover = true;
        else if (param.name == "client_no_context_takeover")
            ok = !param.hasValue, p.clientNoContextTakeover = true;
        else if (param.name == "server_max_window_bits")
            ok = windowBits(param, &p.serverMaxWindowBits);
        else if (param.name == "client_max_window_bits")
            ok = (isOffer && !param.hasValue) || windowBits(param, &p.clientMaxWindowBits);
        else
            ok = false;
        seen.append(param.name);
        if (!ok) {
            *bad = (param.name + (param.hasValue ? "=" + param.value : "")).left(100);
            return false;
        }
    }
    *out = p;
    return true;
}

} // namespace

QByteArray DeflateParameters::toHeaderValue() const
{
    QByteArray value = ExtensionName;
    if (serverNoContextTakeover)
        value += "; server_no_context_takeover";
    if (clientNoContextTakeover)
        value += "; client_no_context_takeover";
    if (serverMaxWindowBits != 15)
        value += "; server_max_window_bits=" + QByteArray::number(serverMaxWindowBits);
    if (clientMaxWindowBits != 15)
        value += "; client_max_window_bits=" + QByteArray::number(clientMaxWindowBits);
    return value;
}

namespace PerMessageDeflate {

QByteArray clientOffer()
{
    return QByteArray(ExtensionName) + "; client_max_window_bits";
}

bool parseServerAnswer(const QByteArray &headerValue, DeflateParameters *agreed, QString *error)
{
    const QList<Offer> answers = parseExtensions(headerValue);
    if (answers.isEmpty()) {
        *error = QStringLiteral("the Sec-WebSocket-Extensions answer is empty");
        return false;
    }
    if (answers.size() > 1 || answers.first().name != ExtensionName) {
        *error = QStringLiteral("the server accepted an extension that was not offered: %1")
                     .arg(QString::fromLatin1(headerValue.simplified().left(200)));
        return false;
    }
    QByteArray bad;
    if (!readParameters(answers.first(), false, agreed, &bad)) {
        *error = QStringLiteral(
            "the server's permessage-deflate parameter '%1' is not valid (or given twice)")
                     .arg(QString::fromLatin1(bad));
        return false;
    }
    return true;
}

bool acceptClientOffer(const QByteArray &headerValue, DeflateParameters *agreed)
{
    for (const Offer &offer : parseExtensions(headerValue)) {
        if (offer.name != ExtensionName)
            continue;
        QByteArray bad;
        if (readParameters(offer, true, agreed, &bad))
            return true;
    }
    return false;
}

} // namespace PerMessageDeflate

struct MessageInflater::Stream
{
    z_stream z {};
};

MessageInflater::MessageInflater(bool resetAfterEachMessage)
    : m_stream(std::make_unique<Stream>()), m_reset(resetAfterEachMessage)
{
    // A raw inflater with the largest window accepts any window the peer compressed with.
    inflateInit2(&m_stream->z, -15);
}

MessageInflater::~MessageInflater()
{
    inflateEnd(&m_stream->z);
}

MessageInflater::Result MessageInflater::run(
    const char *data, qint64 size, QByteArray &out, qint64 limit)
{
    z_stream &z = m_stream->z;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data));
    z.avail_in = uInt(size);
    for (;;) {
        const qsizetype used = out.size();
        char probe;
        const bool atLimit = used >= limit;
        qsizetype step = 1;
        if (atLimit) {
            // At the limit: one more byte of output would make the message too big.
            z.next_out = reinterpret_cast<Bytef *>(&probe);
        } else {
            step = qMin<qsizetype>(InflateStep, qsizetype(limit - used));
            out.resize(used + step);
            z.next_out = reinterpret_cast<Bytef *>(out.data() + used);
        }
        z.avail_out = uInt(step);
        const int rc = ::inflate(&z, Z_SYNC_FLUSH);
        if (atLimit && z.avail_out == 0)
            return Result::TooBig;
        if (!atLimit)
            out.resize(used + step - qsizetype(z.avail_out));
        if (rc == Z_STREAM_END) {
            // A final deflate block ends the stream; a new one may start with the next bytes.
            inflateReset(&z);
            if (z.avail_in == 0)
                return Result::Ok;
            continue;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return Result::Corrupt;
        // Room left in the output means zlib consumed all the input it could.
        if (z.avail_out > 0)
            return Result::Ok;
    }
}

MessageInflater::Result MessageInflater::inflate(
    QByteArrayView compressed, QByteArray &out, qint64 limit)
{
    if (compressed.isEmpty())
        return Result::Ok;
    return run(compressed.data(), compressed.size(), out, limit);
}

MessageInflater::Result MessageInflater::finishMessage(QByteArray &out, qint64 limit)
{
    static const char tail[4] = {0, 0, char(0xff), char(0xff)};
    const Result r = run(tail, 4, out, limit);
    if (m_reset && r == Result::Ok)
        inflateReset(&m_stream->z);
    return r;
}

struct MessageDeflater::Stream
{
    z_stream z {};
};

MessageDeflater::MessageDeflater(int windowBits, bool resetAfterEachMessage)
    : m_stream(std::make_unique<Stream>()), m_reset(resetAfterEachMessage)
{
    deflateInit2(&m_stream->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -qBound(9, windowBits, 15), 8,
        Z_DEFAULT_STRATEGY);
}

MessageDeflater::~MessageDeflater()
{
    deflateEnd(&m_stream->z);
}

QByteArray MessageDeflater::compress(QByteArrayView message)
{
    z_stream &z = m_stream->z;
    QByteArray out;
    out.resize(qsizetype(deflateBound(&z, uLong(message.size()))) + 16);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(message.data()));
    z.avail_in = uInt(message.size());
    qsizetype produced = 0;
    for (;;) {
        z.next_out = reinterpret_cast<Bytef *>(out.data() + produced);
        z.avail_out = uInt(out.size() - produced);
        deflate(&z, Z_SYNC_FLUSH);
        produced = out.size() - qsizetype(z.avail_out);
        if (z.avail_out > 0)
            break;
        out.resize(out.size() * 2);
    }
    out.resize(produced);
    if (out.endsWith(QByteArrayView("\x00\x00\xff\xff", 4)))
        out.chop(4);
    if (m_reset)
        deflateReset(&z);
    return out;
}
