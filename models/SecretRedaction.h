#pragma once

#include "ConnectionSettings.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

// The one policy for what Sockscope leaves out of every recording and export it makes (record,
// HAR import, HAR export, the window's recordings): the values of credential headers, a URL's
// user info, and query parameters whose names say they are secrets. Applied unless the user keeps
// secrets (--keep-secrets, or the window's option).
namespace SecretRedaction {

enum class Policy : quint8 { Redact, Keep };

// What a redacted value is replaced with.
inline constexpr char Marker[] = "(redacted by Sockscope)";

// Authorization, Proxy-Authorization, Cookie, Set-Cookie, Sec-WebSocket-Key.
bool isSecretHeader(QByteArrayView name);
// token, access_token, api_key, key, password, secret, sig, auth (and *_token, *-token, apikey).
bool isSecretQueryName(QStringView name);

QList<HttpHeader> headers(const QList<HttpHeader> &headers);
// User info and secret query values replaced by "redacted".
QUrl url(const QUrl &url);
// The URL holds the word redaction left in place of a secret (user info, a secret query value):
// connecting to it would send the placeholder.
bool isRedacted(const QUrl &url);
// The same for a URL held as text (a connecting event); other text is returned unchanged.
QString urlText(const QString &text);
// An HTTP request or response head: the request target's query, and secret header values.
QByteArray httpHead(const QByteArray &head);

} // namespace SecretRedaction
