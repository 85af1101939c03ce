#pragma once

#include "HttpHead.h"
#include "PerMessageDeflate.h"

#include <QByteArray>
#include <QStringList>

// The server side of the opening handshake (RFC 6455 §4.2): reads a client's upgrade request,
// says whether it is a valid WebSocket upgrade, and builds the answer (101, or an HTTP error).
// Used by the mock server and the proxy. No socket here.
class ServerHandshake
{
public:
    enum class Status { NeedMore, Upgrade, NotWebSocket, Invalid };

    // Takes the client's bytes; after Upgrade, the bytes past *consumed are WebSocket frames.
    Status feed(const char *data, qsizetype size, qsizetype *consumed);
    QString error() const { return m_error; }
    const HttpHead &request() const { return m_request; }
    QByteArray path() const { return m_request.startPart(1); }
    QByteArray key() const { return m_key; }

    // The 101 answer. Picks the first offered subprotocol that is supported, and accepts
    // permessage-deflate when allowed and offered (*agreed tells, deflate when it returns true).
    QByteArray accept(const QStringList &supportedSubprotocols, bool allowDeflate,
        DeflateParameters *agreed, bool *deflate, QString *subprotocol) const;
    // An HTTP error answer with a one-line text body, e.g. 400 or 426.
    static QByteArray errorResponse(int status, const QByteArray &reason, const QString &text,
        const QByteArray &extraHeaders = {});

private:
    Status fail(Status status, const QString &error);

    HttpHead m_request;
    QByteArray m_key;
    QString m_error;
    Status m_result = Status::NeedMore;
};
