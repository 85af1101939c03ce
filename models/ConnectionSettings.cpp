#include "ConnectionSettings.h"

#include <QFileInfo>

namespace {

QString formatDuration(int ms)
{
    if (ms % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms / 1000);
    if (ms > 1000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 2);
    return QStringLiteral("%1 ms").arg(ms);
}

// Headers the WebSocket handshake sets itself; sending them again would make a malformed request.
bool isHandshakeHeader(const QByteArray &lowerName)
{
    static const QList<QByteArray> reserved = {
        "host",
        "upgrade",
        "connection",
        "sec-websocket-key",
        "sec-websocket-version",
        "sec-websocket-accept",
        "sec-websocket-extensions",
        "content-length",
        "transfer-encoding",
    };
    // Every Sec-WebSocket-* header belongs to the handshake (Sec-WebSocket-Protocol is mapped onto
    // the subprotocols before this is asked).
    return reserved.contains(lowerName) || lowerName.startsWith("sec-websocket-");
}

} // namespace

QString HeartbeatSettings::validate() const
{
    if (intervalMs < MinimumIntervalMs)
        return QStringLiteral("ping interval %1 ms is too short: the minimum is %2 ms")
            .arg(intervalMs)
            .arg(MinimumIntervalMs);
    if (timeoutMs < MinimumIntervalMs)
        return QStringLiteral("pong timeout %1 ms is too short: the minimum is %2 ms")
            .arg(timeoutMs)
            .arg(MinimumIntervalMs);
    if (pongDelayMs < 0 || pongDelayMs > 3'600'000)
        return QStringLiteral("pong delay %1 ms is out of range (0 to 3600000)").arg(pongDelayMs);
    return {};
}

QString HeartbeatSettings::describe() const
{
    QString text = enabled
        ? QStringLiteral("ping every %1, pong timeout %2, on timeout: %3")
              .arg(formatDuration(intervalMs), formatDuration(timeoutMs), actionName(onTimeout))
        : QStringLiteral("heartbeat off");
    if (pong == PongPolicy::Off)
        text += QStringLiteral("; server pings are not answered");
    else if (pong == PongPolicy::Delay)
        text += QStringLiteral("; server pings answered after %1").arg(formatDuration(pongDelayMs));
    return text;
}

QString HeartbeatSettings::pongPolicyName(PongPolicy policy, int delayMs)
{
    switch (policy) {
    case PongPolicy::Auto:
        return QStringLiteral("auto");
    case PongPolicy::Off:
        return QStringLiteral("off");
    case PongPolicy::Delay:
        return QStringLiteral("delay:%1").arg(delayMs);
    }
    return {};
}

bool HeartbeatSettings::parsePongPolicy(const QString &text, PongPolicy *policy, int *delayMs)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("auto") || t == QLatin1String("off")) {
        *policy = t == QLatin1String("auto") ? PongPolicy::Auto : PongPolicy::Off;
        *delayMs = 0;
        return true;
    }
    if (!t.startsWith(QLatin1String("delay:")))
        return false;
    bool ok = false;
    const int ms = t.mid(6).toInt(&ok);
    // An hour is far past any server's keepalive timeout; more is a typo.
    if (!ok || ms < 0 || ms > 3'600'000)
        return false;
    *policy = PongPolicy::Delay;
    *delayMs = ms;
    return true;
}

QString HeartbeatSettings::actionName(TimeoutAction action)
{
    switch (action) {
    case TimeoutAction::Report:
        return QStringLiteral("report");
    case TimeoutAction::Close:
        return QStringLiteral("close");
    case TimeoutAction::Reconnect:
        return QStringLiteral("reconnect");
    }
    return {};
}

bool HeartbeatSettings::parseAction(const QString &name, TimeoutAction *action)
{
    for (auto a : {TimeoutAction::Report, TimeoutAction::Close, TimeoutAction::Reconnect}) {
        if (name.compare(actionName(a), Qt::CaseInsensitive) == 0) {
            *action = a;
            return true;
        }
    }
    return false;
}

// What is wrong with a parsed URL as a WebSocket address, or an empty string. `shown` is how the
// user wrote it, for the message.
static QString urlProblem(const QUrl &url, const QString &shown)
{
    if (!url.isValid()) {
        // Qt appends "; source was ..." with every part of the URL: the cause is enough.
        QString reason = url.errorString();
        reason.truncate(reason.indexOf(QLatin1String("; source was")) >= 0
                ? reason.indexOf(QLatin1String("; source was"))
                : reason.size());
        return QStringLiteral("'%1' is not a valid URL: %2").arg(shown, reason);
    }
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        return QStringLiteral("'%1' is an HTTP URL: WebSocket URLs start with %2://")
            .arg(shown,
                scheme == QLatin1String("http") ? QLatin1String("ws") : QLatin1String("wss"));
    if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))
        return QStringLiteral("'%1' has the scheme '%2': only ws:// and wss:// are WebSocket URLs")
            .arg(shown, url.scheme());
    if (url.host().isEmpty())
        return QStringLiteral("'%1' has no host name").arg(shown);
    if (url.hasFragment())
        return QStringLiteral("'%1' has a fragment (#%2): WebSocket URLs cannot have one")
            .arg(shown, url.fragment());
    if (url.port() == 0)
        return QStringLiteral("'%1' has port 0").arg(shown);
    return {};
}

QUrl ConnectionSettings::parseUrl(const QString &input, QString *error)
{
    const QString text = input.trimmed();
    if (text.isEmpty()) {
        *error = QStringLiteral("the URL is empty");
        return {};
    }
    // "localhost:8080/chat" is what people type; it means ws://.
    const QString withScheme
        = text.contains(QLatin1String("://")) ? text : QLatin1String("ws://") + text;
    const QUrl url(withScheme, QUrl::StrictMode);
    *error = urlProblem(url, text);
    return error->isEmpty() ? url : QUrl();
}

bool ConnectionSettings::isValidToken(const QString &token)
{
    // RFC 7230 tchar: visible ASCII except separators.
    static const QString separators = QStringLiteral("()<>@,;:\\\"/[]?={} \t");
    if (token.isEmpty())
        return false;
    for (const QChar c : token) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f || separators.contains(c))
            return false;
    }
    return true;
}

bool ConnectionSettings::addHeader(const QString &rawName, const QString &rawValue, QString *error)
{
    const QString name = rawName.trimmed();
    const QString value = rawValue.trimmed();
    if (!isValidToken(name)) {
        *error = QStringLiteral("'%1' is not a valid header name").arg(name);
        return false;
    }
    for (const QChar c : value) {
        if (c == QLatin1Char('\r') || c == QLatin1Char('\n') || c == QChar(0)) {
            *error
                = QStringLiteral("the value of header '%1' contains a line break or NUL").arg(name);
            return false;
        }
    }
    const QByteArray lower = name.toLatin1().toLower();
    if (lower == "origin") {
        origin = value;
        return true;
    }
    if (lower == "sec-websocket-protocol") {
        // All or nothing: a refused list adds none of its names.
        QStringList offered;
        for (const QString &p : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString protocol = p.trimmed();
            if (!isValidToken(protocol)) {
                *error = QStringLiteral("'%1' is not a valid subprotocol name").arg(protocol);
                return false;
            }
            offered << protocol;
        }
        for (const QString &protocol : std::as_const(offered)) {
            if (!subprotocols.contains(protocol))
                subprotocols.append(protocol);
        }
        return true;
    }
    if (isHandshakeHeader(lower)) {
        *error = QStringLiteral(
            "the header '%1' is set by the WebSocket handshake itself and cannot be overridden")
                     .arg(name);
        return false;
    }
    headers.append({name.toLatin1(), value.toUtf8()});
    return true;
}

bool ConnectionSettings::addHeaderLine(const QString &line, QString *error)
{
    const int colon = line.indexOf(QLatin1Char(':'));
    if (colon <= 0) {
        *error = QStringLiteral("'%1' is not a header: write it as 'Name: value'").arg(line);
        return false;
    }
    return addHeader(line.left(colon), line.mid(colon + 1), error);
}

QString ConnectionSettings::validate() const
{
    if (url.isEmpty())
        return QStringLiteral("no URL to connect to");
    QString error = urlProblem(url, url.toString());
    if (!error.isEmpty())
        return error;
    if (connectTimeoutMs <= 0)
        return QStringLiteral("the connect timeout must be positive");
    if (closeTimeoutMs < 0 || closeTimeoutMs > 600'000)
        return QStringLiteral("the close timeout must be between 0 and 600 s");
    if (heartbeat.enabled) {
        error = heartbeat.validate();
        if (!error.isEmpty())
            return error;
    }
    if (maxIncomingMessageSize < 1)
        return QStringLiteral("the maximum message size must be at least 1 byte");
    for (const QString &protocol : subprotocols) {
        if (!isValidToken(protocol))
            return QStringLiteral("'%1' is not a valid subprotocol name").arg(protocol);
    }
    if (reconnect.enabled
        && (reconnect.initialDelayMs < 0 || reconnect.maxDelayMs < reconnect.initialDelayMs))
        return QStringLiteral(
            "the reconnect delays must satisfy 0 <= first delay <= maximum delay");
    if (!tls.caFile.isEmpty()) {
        const QFileInfo info(tls.caFile);
        if (!info.exists())
            return QStringLiteral("the CA file '%1' does not exist").arg(tls.caFile);
        if (!info.isFile() || !info.isReadable())
            return QStringLiteral("the CA file '%1' cannot be read").arg(tls.caFile);
    }
    return {};
}
