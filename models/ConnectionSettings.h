#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>

// How the connection keeps itself alive and notices a peer that stopped answering.
struct HeartbeatSettings
{
    enum class TimeoutAction : quint8 { Report, Close, Reconnect };
    static constexpr int MinimumIntervalMs = 50;

    bool enabled = true;
    int intervalMs = 20000;
    int timeoutMs = 20000;
    TimeoutAction onTimeout = TimeoutAction::Report;
    // How the server's pings are answered: at once (as RFC 6455 asks), never (to watch the
    // server's own keepalive fire), or after pongDelayMs.
    enum class PongPolicy : quint8 { Auto, Off, Delay };
    PongPolicy pong = PongPolicy::Auto;
    int pongDelayMs = 0;

    QString validate() const; // empty when valid
    QString describe() const; // "ping every 100 ms, pong timeout 2 s, on timeout: close"

    static QString actionName(TimeoutAction action);
    static bool parseAction(const QString &name, TimeoutAction *action);
    // "auto", "off", "delay:250"
    static QString pongPolicyName(PongPolicy policy, int delayMs);
    static bool parsePongPolicy(const QString &text, PongPolicy *policy, int *delayMs);

    bool operator==(const HeartbeatSettings &o) const
    {
        return enabled == o.enabled && intervalMs == o.intervalMs && timeoutMs == o.timeoutMs
            && onTimeout == o.onTimeout && pong == o.pong && pongDelayMs == o.pongDelayMs;
    }
    bool operator!=(const HeartbeatSettings &o) const { return !(*this == o); }
};

// Automatic reconnection after a connection was lost (never after a close the user asked for).
struct ReconnectSettings
{
    bool enabled = false;
    int initialDelayMs = 1000; // the first delay is random in [0, initialDelayMs]
    int maxDelayMs = 30000; // later delays double from initialDelayMs up to this cap
    int maxAttempts = 0; // 0: keep trying
};

struct TlsSettings
{
    bool ignoreCertificateErrors = false; // only ever by the user's explicit choice
    QString caFile; // extra PEM certificates to trust
};

// Recording every connection automatically, into a folder.
struct RecordingSettings
{
    QString directory; // empty: record only when asked
    bool keepSecrets = false; // keep Authorization, Cookie, ... values in recordings
};

struct HttpHeader
{
    QByteArray name;
    QByteArray value;
    bool operator==(const HttpHeader &o) const { return name == o.name && value == o.value; }
};

// Everything needed to open one connection. A value type: the window edits a copy, the
// engine receives a copy; nothing here touches the network.
struct ConnectionSettings
{
    static constexpr int DefaultConnectTimeoutMs = 10000;
    static constexpr qint64 DefaultMaxIncomingMessageSize = 64LL * 1024 * 1024;
    static constexpr int DefaultCloseTimeoutMs = 1000;
    // How long a server of ours (serve, proxy) waits for a client's whole upgrade request before
    // it answers 408 and lets go: idle or trickling connections (slowloris) must not hold its
    // sockets, or its threads, for ever.
    static constexpr int DefaultUpgradeRequestTimeoutMs = 10000;

    QUrl url;
    QList<HttpHeader> headers; // extra handshake headers, validated by addHeader()
    QStringList subprotocols;
    QString origin;
    int connectTimeoutMs = DefaultConnectTimeoutMs;
    HeartbeatSettings heartbeat;
    ReconnectSettings reconnect;
    TlsSettings tls;
    RecordingSettings recording;
    qint64 maxIncomingMessageSize = DefaultMaxIncomingMessageSize;
    bool deflate = true; // offer permessage-deflate, as browsers do
    int closeTimeoutMs = DefaultCloseTimeoutMs; // wait for the peer's close frame, then cut TCP

    // Parses a ws:// or wss:// URL ("host:port/path" alone means ws://). On failure returns an
    // invalid QUrl and says what is wrong in *error.
    static QUrl parseUrl(const QString &text, QString *error);

    // Adds an extra handshake header. Origin and Sec-WebSocket-Protocol are mapped onto origin and
    // subprotocols; headers the WebSocket handshake itself sets (Host, Upgrade, Sec-WebSocket-Key,
    // ...) are refused, because Qt would send them twice.
    bool addHeader(const QString &name, const QString &value, QString *error);
    // The same from a "Name: value" line, as given to -H.
    bool addHeaderLine(const QString &line, QString *error);
    static bool isValidToken(const QString &token);

    QString validate() const; // empty when these settings can be used to connect
};

Q_DECLARE_METATYPE(HeartbeatSettings)
Q_DECLARE_METATYPE(ConnectionSettings)
