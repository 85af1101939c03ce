#include "ClientHandshake.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace {

constexpr char Guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool isCleanTarget(const QByteArray &target)
{
    for (const char c : target) {
        const auto u = uchar(c);
        if (u <= 0x20 || u >= 0x7f)
            return false;
    }
    return true;
}

} // namespace

QByteArray ClientHandshake::acceptKeyFor(const QByteArray &key)
{
    return QCryptographicHash::hash(key + Guid, QCryptographicHash::Sha1).toBase64();
}

QByteArray ClientHandshake::hostHeaderFor(const QUrl &url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const bool secure = url.scheme() == QLatin1String("wss");
    const int port = url.port(secure ? 443 : 80);
    if (port != (secure ? 443 : 80))
        host += ':' + QByteArray::number(port);
    return host;
}

ClientHandshake::ClientHandshake(const Request &request) : m_request(request)
{
    QByteArray nonce(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    m_key = nonce.toBase64();

    const QUrl &url = request.url;
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    if (!isCleanTarget(target) || !target.startsWith('/')) {
        m_requestProblem = QStringLiteral(
            "the URL's path or query holds a space, a control character or a line break");
        return;
    }
    const QByteArray host = hostHeaderFor(url);

    QByteArray &h = m_requestHead;
    h.reserve(512);
    h += "GET " + target + " HTTP/1.1\r\n";
    h += "Host: " + host + "\r\n";
    h += "Upgrade: websocket\r\n";
    h += "Connection: Upgrade\r\n";
    h += "Sec-WebSocket-Key: " + m_key + "\r\n";
    h += "Sec-WebSocket-Version: 13\r\n";
    if (!request.origin.isEmpty())
        h += "Origin: " + request.origin.toUtf8() + "\r\n";
    if (!request.subprotocols.isEmpty())
        h += "Sec-WebSocket-Protocol: " + request.subprotocols.join(QStringLiteral(", ")).toUtf8()
            + "\r\n";
    if (request.offerDeflate)
        h += "Sec-WebSocket-Extensions: " + PerMessageDeflate::clientOffer() + "\r\n";
    bool userAgentGiven = false;
    for (const auto &[name, value] : request.headers) {
        userAgentGiven = userAgentGiven || name.compare("user-agent", Qt::CaseInsensitive) == 0;
        h += name + ": " + value + "\r\n";
    }
    if (!userAgentGiven && !request.userAgent.isEmpty())
        h += "User-Agent: " + request.userAgent + "\r\n";
    h += "\r\n";
}

ClientHandshake::Status ClientHandshake::fail(const QString &error)
{
    m_error = error;
    m_result = Status::Invalid;
    return m_result;
}

ClientHandshake::Status ClientHandshake::feed(const char *data, qsizetype size, qsizetype *consumed)
{
    *consumed = 0;
    if (m_result != Status::NeedMore)
        return m_result;
    const HttpHead::Status s = m_response.feed(data, size, consumed);
    if (!m_prefixChecked) {
        // Anything but an HTTP answer is named at once rather than after 64 KiB or a timeout.
        const QByteArray &raw = m_response.raw();
        const QByteArrayView prefix("HTTP/");
        const qsizetype n = qMin(raw.size(), prefix.size());
        m_prefixChecked = n == prefix.size();
        if (QByteArrayView(raw).first(n) != prefix.first(n)) {
            m_prefixChecked = true;
            QString shown;
            const QByteArray start = raw.left(24);
            for (const char c : start)
                shown += (uchar(c) >= 0x20 && uchar(c) < 0x7f)
                    ? QString(QLatin1Char(c))
                    : QStringLiteral("\\x%1").arg(uchar(c), 2, 16, QLatin1Char('0'));
            return fail(
                QStringLiteral("the server did not answer with HTTP (it sent \"%1\")").arg(shown));
        }
    }
    if (s == HttpHead::Status::NeedMore)
        return m_result;
    if (s == HttpHead::Status::Invalid)
        return fail(QStringLiteral("the server's handshake answer is not valid HTTP: %1")
                        .arg(m_response.error()));
    m_result = check();
    return m_result;
}

ClientHandshake::Status ClientHandshake::check()
{
    const QByteArray &version = m_response.startPart(0);
    const QByteArray &code = m_response.startPart(1);
    bool ok = code.size() == 3;
    m_status = ok ? code.toInt(&ok) : 0;
    if (!ok || !version.startsWith("HTTP/")) {
        m_status = 0;
        return fail(QStringLiteral("the server's status line is not HTTP: \"%1\"")
                        .arg(QString::fromLatin1(m_response.raw().left(qMax<qsizetype>(
                                                     0, m_response.raw().indexOf('\r'))))
                                 .left(100)));
    }
    const QString reason = QString::fromLatin1(m_response.startPart(2)).left(100);
    if (m_status != 101) {
        QString message = QStringLiteral(
            "the server answered HTTP %1 %2 instead of upgrading to WebSocket (101)")
                              .arg(m_status)
                              .arg(reason);
        const QByteArray location = m_response.value("Location");
        if (!location.isEmpty())
            message
                += QStringLiteral("; Location: %1").arg(QString::fromLatin1(location.left(500)));
        m_error = message;
        return Status::Rejected;
    }
    if (version != "HTTP/1.1")
        return fail(
            QStringLiteral("the server answered 101 with %1; a WebSocket upgrade needs HTTP/1.1")
                .arg(QString::fromLatin1(version.left(20))));
    if (!m_response.hasToken("Upgrade", "websocket"))
        return fail(QStringLiteral("the server's 101 answer lacks \"Upgrade: websocket\""));
    if (!m_response.hasToken("Connection", "upgrade"))
        return fail(QStringLiteral("the server's 101 answer lacks \"Connection: Upgrade\""));
    if (m_response.count("Sec-WebSocket-Accept") != 1
        || m_response.value("Sec-WebSocket-Accept") != acceptKeyFor(m_key))
        return fail(QStringLiteral(
            "the server's Sec-WebSocket-Accept does not match the key we sent (not a WebSocket "
            "server, or a proxy in between changed the answer)"));
    if (m_response.has("Sec-WebSocket-Protocol")) {
        const QString chosen = QString::fromLatin1(m_response.value("Sec-WebSocket-Protocol"));
        if (m_response.count("Sec-WebSocket-Protocol") != 1
            || !m_request.subprotocols.contains(chosen))
            return fail(QStringLiteral("the server chose subprotocol \"%1\", which was not offered")
                            .arg(chosen.left(100)));
        m_subprotocol = chosen;
    }
    if (m_response.has("Sec-WebSocket-Extensions")) {
        const QByteArray extensions = m_response.value("Sec-WebSocket-Extensions");
        if (!m_request.offerDeflate)
            return fail(QStringLiteral("the server enabled an extension that was not offered: %1")
                            .arg(QString::fromLatin1(extensions.left(200))));
        QString error;
        if (!PerMessageDeflate::parseServerAnswer(extensions, &m_deflateParameters, &error))
            return fail(error);
        m_deflate = true;
    }
    return Status::Accepted;
}
