#include "ConnectOptions.h"

#include <QCommandLineParser>
#include <QRegularExpression>

ConnectOptions::ConnectOptions()
    : m_header({QStringLiteral("H"), QStringLiteral("header")},
        QStringLiteral("Extra handshake header (repeatable)."), QStringLiteral("'Name: value'"))
    , m_subprotocol(QStringLiteral("subprotocol"),
          QStringLiteral("Offer this subprotocol (repeatable)."), QStringLiteral("P"))
    , m_origin(
          QStringLiteral("origin"), QStringLiteral("Origin header to send."), QStringLiteral("O"))
    , m_pingInterval(QStringLiteral("ping-interval"),
          QStringLiteral("Seconds between pings (default 20, minimum 0.05)."),
          QStringLiteral("SEC"))
    , m_pingTimeout(QStringLiteral("ping-timeout"),
          QStringLiteral("Seconds to wait for a pong (default 20)."), QStringLiteral("SEC"))
    , m_onPingTimeout(QStringLiteral("on-ping-timeout"),
          QStringLiteral("What to do when a pong is overdue: report, close (1011) or reconnect "
                         "(default report)."),
          QStringLiteral("ACTION"))
    , m_noPing(QStringLiteral("no-ping"), QStringLiteral("Send no pings."))
    , m_connectTimeout(QStringLiteral("connect-timeout"),
          QStringLiteral("Seconds to wait for the connection (default 10)."), QStringLiteral("SEC"))
    , m_insecure(
          QStringLiteral("insecure"), QStringLiteral("Accept any TLS certificate (wss:// only)."))
    , m_caFile(QStringLiteral("ca-file"),
          QStringLiteral("Also trust the PEM certificates in FILE."), QStringLiteral("FILE"))
    , m_showPings(
          QStringLiteral("show-pings"), QStringLiteral("Print each pong with its round-trip time."))
    , m_maxSize(QStringLiteral("max-size"),
          QStringLiteral("Largest incoming message in bytes; K, M, G suffixes (default 64M)."),
          QStringLiteral("BYTES"))
    , m_reconnect(QStringLiteral("reconnect"),
          QStringLiteral("Reconnect automatically when the connection is lost."))
{ }

void ConnectOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions(
        {m_header, m_subprotocol, m_origin, m_pingInterval, m_pingTimeout, m_onPingTimeout,
            m_noPing, m_connectTimeout, m_insecure, m_caFile, m_showPings, m_maxSize, m_reconnect});
}

bool ConnectOptions::parseDuration(const QString &text, int *ms)
{
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ms|s)?\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return false;
    const double value = match.captured(1).toDouble();
    const double result = match.captured(2) == QLatin1String("ms") ? value : value * 1000.0;
    if (result > 24.0 * 3600 * 1000)
        return false;
    *ms = int(result + 0.5);
    return true;
}

bool ConnectOptions::parseSize(const QString &text, qint64 *bytes)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*(\\d+)\\s*([KMG]i?B?)?\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return false;
    qint64 value = match.captured(1).toLongLong();
    const QChar unit = match.captured(2).isEmpty() ? QChar() : match.captured(2).at(0).toUpper();
    const int shift = unit == QLatin1Char('K') ? 10
        : unit == QLatin1Char('M')             ? 20
        : unit == QLatin1Char('G')             ? 30
                                               : 0;
    if (value > (qint64(1) << (62 - shift)))
        return false;
    *bytes = value << shift;
    return *bytes > 0;
}

bool ConnectOptions::showPings(const QCommandLineParser &parser) const
{
    return parser.isSet(m_showPings);
}

bool ConnectOptions::toSettings(const QCommandLineParser &parser, const QString &urlText,
    ConnectionSettings *settings, QString *error) const
{
    ConnectionSettings s;
    s.url = ConnectionSettings::parseUrl(urlText, error);
    if (!s.url.isValid())
        return false;
    for (const QString &line : parser.values(m_header)) {
        if (!s.addHeaderLine(line, error))
            return false;
    }
    for (const QString &protocol : parser.values(m_subprotocol)) {
        if (!ConnectionSettings::isValidToken(protocol)) {
            *error = QStringLiteral("'%1' is not a valid subprotocol name").arg(protocol);
            return false;
        }
        if (!s.subprotocols.contains(protocol))
            s.subprotocols.append(protocol);
    }
    if (parser.isSet(m_origin))
        s.origin = parser.value(m_origin);

    auto duration = [&](const QCommandLineOption &option, int *target) {
        if (!parser.isSet(option))
            return true;
        if (!parseDuration(parser.value(option), target)) {
            *error = QStringLiteral("--%1 '%2' is not a number of seconds")
                         .arg(option.names().constLast(), parser.value(option));
            return false;
        }
        return true;
    };
    if (!duration(m_pingInterval, &s.heartbeat.intervalMs)
        || !duration(m_pingTimeout, &s.heartbeat.timeoutMs)
        || !duration(m_connectTimeout, &s.connectTimeoutMs))
        return false;
    if (parser.isSet(m_onPingTimeout)
        && !HeartbeatSettings::parseAction(parser.value(m_onPingTimeout), &s.heartbeat.onTimeout)) {
        *error = QStringLiteral("--on-ping-timeout takes report, close or reconnect, not '%1'")
                     .arg(parser.value(m_onPingTimeout));
        return false;
    }
    s.heartbeat.enabled = !parser.isSet(m_noPing);
    s.tls.ignoreCertificateErrors = parser.isSet(m_insecure);
    if (parser.isSet(m_caFile))
        s.tls.caFile = parser.value(m_caFile);
    if (parser.isSet(m_maxSize) && !parseSize(parser.value(m_maxSize), &s.maxIncomingMessageSize)) {
        *error
            = QStringLiteral("--max-size '%1' is not a size in bytes").arg(parser.value(m_maxSize));
        return false;
    }
    s.reconnect.enabled = parser.isSet(m_reconnect);

    const QString invalid = s.validate();
    if (!invalid.isEmpty()) {
        *error = invalid;
        return false;
    }
    *settings = s;
    return true;
}
