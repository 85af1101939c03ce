#pragma once

#include "HttpHead.h"
#include "PerMessageDeflate.h"

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <QUrl>

#include <utility>

// The client side of the opening handshake (RFC 6455 §4.1): the upgrade request with the
// user's headers, subprotocols and origin, and every check of the server's answer. Keeps the
// full response (status line and every header) for the inspector to show. No socket here.
class ClientHandshake
{
public:
    struct Request
    {
        QUrl url;
        QList<std::pair<QByteArray, QByteArray>> headers; // extra headers, already validated
        QStringList subprotocols;
        QString origin;
        bool offerDeflate = true;
        QByteArray userAgent;
    };

    enum class Status {
        NeedMore,
        Accepted, // 101 and every check passed
        Rejected, // a valid HTTP answer other than 101 (statusCode() says which)
        Invalid, // not HTTP, not HTTP/1.1, a failed check, or too large
    };

    explicit ClientHandshake(const Request &request);

    // What is wrong with the request itself (a CR/LF or space in the path, ...), or empty.
    QString requestProblem() const { return m_requestProblem; }
    const QByteArray &requestHead() const { return m_requestHead; }

    // Takes the server's bytes. After Accepted, the bytes past *consumed are WebSocket frames.
    Status feed(const char *data, qsizetype size, qsizetype *consumed);
    // Why the handshake was Rejected or Invalid, in words a person uses.
    QString error() const { return m_error; }

    const HttpHead &response() const { return m_response; }
    int statusCode() const { return m_status; }
    QString subprotocol() const { return m_subprotocol; }
    bool deflateAgreed() const { return m_deflate; }
    const DeflateParameters &deflateParameters() const { return m_deflateParameters; }

    static QByteArray acceptKeyFor(const QByteArray &key);
    // The Host header's value for a ws:// or wss:// URL: the host, with its port unless default.
    static QByteArray hostHeaderFor(const QUrl &url);

private:
    Status fail(const QString &error);
    Status check();

    Request m_request;
    QByteArray m_key;
    QByteArray m_requestHead;
    QString m_requestProblem;
    HttpHead m_response;
    QString m_error;
    int m_status = 0;
    QString m_subprotocol;
    bool m_deflate = false;
    DeflateParameters m_deflateParameters;
    bool m_prefixChecked = false;
    Status m_result = Status::NeedMore;
};
