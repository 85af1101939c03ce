#include "SecretRedaction.h"

#include <QUrlQuery>

namespace SecretRedaction {

namespace {
QString redactedWord()
{
    return QStringLiteral("redacted");
}
} // namespace

bool isSecretHeader(QByteArrayView name)
{
    static const char *const names[]
        = {"authorization", "proxy-authorization", "cookie", "set-cookie", "sec-websocket-key"};
    for (const char *secret : names) {
        if (name.compare(QByteArrayView(secret), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool isSecretQueryName(QStringView name)
{
    static const char *const names[] = {
        "token", "access_token", "api_key", "apikey", "key", "password", "secret", "sig", "auth"};
    for (const char *secret : names) {
        if (name.compare(QLatin1String(secret), Qt::CaseInsensitive) == 0)
            return true;
    }
    return name.endsWith(QLatin1String("_token"), Qt::CaseInsensitive)
        || name.endsWith(QLatin1String("-token"), Qt::CaseInsensitive);
}

QList<HttpHeader> headers(const QList<HttpHeader> &list)
{
    QList<HttpHeader> result = list;
    for (HttpHeader &h : result) {
        if (isSecretHeader(h.name))
            h.value = Marker;
    }
    return result;
}

QUrl url(const QUrl &original)
{
    QUrl result = original;
    if (!result.password().isEmpty())
        result.setPassword(redactedWord());
    else if (!result.userName().isEmpty())
        result.setUserName(redactedWord()); // a user name alone is often a token
    if (result.hasQuery()) {
        QUrlQuery query(result);
        QList<QPair<QString, QString>> items = query.queryItems(QUrl::FullyEncoded);
        bool changed = false;
        for (auto &item : items) {
            if (isSecretQueryName(QUrl::fromPercentEncoding(item.first.toUtf8()))) {
                item.second = redactedWord();
                changed = true;
            }
        }
        if (changed) {
            query.setQueryItems(items);
            result.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
        }
    }
    return result;
}

bool isRedacted(const QUrl &url)
{
    if (url.password() == redactedWord()
        || (url.password().isEmpty() && url.userName() == redactedWord()))
        return true;
    const QUrlQuery query(url);
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (value == redactedWord() && isSecretQueryName(name))
            return true;
    }
    return false;
}

QString urlText(const QString &text)
{
    const QUrl parsed(text, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.scheme().isEmpty())
        return text;
    const QUrl redacted = url(parsed);
    return redacted == parsed ? text : redacted.toString();
}

QByteArray httpHead(const QByteArray &head)
{
    QList<QByteArray> lines = head.split('\n');
    bool changed = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray &line = lines[i];
        if (i == 0) { // "GET /path?token=x HTTP/1.1": redact the target's query
            const qsizetype first = line.indexOf(' ');
            const qsizetype last = line.lastIndexOf(' ');
            if (first > 0 && last > first && line.mid(first + 1, last - first - 1).contains('?')) {
                const QByteArray target = line.mid(first + 1, last - first - 1);
                const QUrl redacted
                    = url(QUrl(QStringLiteral("ws://h") + QString::fromUtf8(target)));
                QByteArray replaced
                    = redacted.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
                if (replaced != target) {
                    line = line.left(first + 1) + replaced + line.mid(last);
                    changed = true;
                }
            }
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && isSecretHeader(QByteArrayView(line).first(colon).trimmed())) {
            const bool cr = line.endsWith('\r');
            line = line.left(colon) + ": " + Marker + (cr ? "\r" : "");
            changed = true;
        }
    }
    return changed ? lines.join('\n') : head;
}

} // namespace SecretRedaction
