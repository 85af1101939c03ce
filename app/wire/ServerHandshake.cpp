#include "ServerHandshake.h"

#include "ClientHandshake.h"

ServerHandshake::Status ServerHandshake::fail(Status status, const QString &error)
{
    m_error = error;
    m_result = status;
    return status;
}

ServerHandshake::Status ServerHandshake::feed(const char *data, qsizetype size, qsizetype *consumed)
{
    *consumed = 0;
    if (m_result != Status::NeedMore)
        return m_result;
    switch (m_request.feed(data, size, consumed)) {
    case HttpHead::Status::NeedMore:
        return m_result;
    case HttpHead::Status::Invalid:
        return fail(Status::Invalid, m_request.error());
    case HttpHead::Status::Complete:
        break;
    }
    if (m_request.startPart(0) != "GET" || m_request.startPart(2) != "HTTP/1.1")
        return fail(Status::NotWebSocket,
            QStringLiteral("not a WebSocket upgrade: the request is not \"GET ... HTTP/1.1\""));
    if (!m_request.hasToken("Upgrade", "websocket") || !m_request.hasToken("Connection", "upgrade"))
        return fail(Status::NotWebSocket,
            QStringLiteral("not a WebSocket upgrade: no \"Upgrade: websocket\" and "
                           "\"Connection: Upgrade\""));
    if (m_request.value("Sec-WebSocket-Version") != "13")
        return fail(Status::Invalid, QStringLiteral("only Sec-WebSocket-Version 13 is supported"));
    m_key = m_request.value("Sec-WebSocket-Key");
    if (m_request.count("Sec-WebSocket-Key") != 1 || QByteArray::fromBase64(m_key).size() != 16)
        return fail(
            Status::Invalid, QStringLiteral("the Sec-WebSocket-Key is not 16 bytes in base64"));
    m_result = Status::Upgrade;
    return m_result;
}

QByteArray ServerHandshake::accept(const QStringList &supportedSubprotocols, bool allowDeflate,
    DeflateParameters *agreed, bool *deflate, QString *subprotocol) const
{
    QByteArray h
        = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: "
        + ClientHandshake::acceptKeyFor(m_key) + "\r\n";
    subprotocol->clear();
    for (const QByteArray &offered : m_request.value("Sec-WebSocket-Protocol").split(',')) {
        const QString name = QString::fromLatin1(offered.trimmed());
        if (!name.isEmpty() && supportedSubprotocols.contains(name)) {
            *subprotocol = name;
            h += "Sec-WebSocket-Protocol: " + name.toLatin1() + "\r\n";
            break;
        }
    }
    *deflate = allowDeflate
        && PerMessageDeflate::acceptClientOffer(
            m_request.value("Sec-WebSocket-Extensions"), agreed);
    if (*deflate)
        h += "Sec-WebSocket-Extensions: " + agreed->toHeaderValue() + "\r\n";
    h += "\r\n";
    return h;
}

QByteArray ServerHandshake::errorResponse(
    int status, const QByteArray &reason, const QString &text, const QByteArray &extraHeaders)
{
    const QByteArray body = text.toUtf8() + '\n';
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n" + extraHeaders + "\r\n"
        + body;
}
