#include "ConnectOptions.h"

#include <QCommandLineParser>
#include <QRegularExpression>

#include <cmath>

namespace {

QCommandLineOption option(
    const QStringList &names, const QString &description, const QString &valueName = {})
{
    return QCommandLineOption(names, description, valueName);
}

} // namespace

ConnectOptions::ConnectOptions(Use use) : m_use(use)
{
    const QString seconds
        = QStringLiteral(" SEC is seconds, or a number with ms or s (250ms, 2s).");
    m_options = {
        option({QStringLiteral("H"), QStringLiteral("header")},
            QStringLiteral("Extra handshake header (repeatable). Host, Upgrade, Connection, "
                           "Content-Length, Transfer-Encoding and Sec-WebSocket-* are refused; "
                           "Origin and Sec-WebSocket-Protocol map onto --origin and "
                           "--subprotocol."),
            QStringLiteral("'Name: value'")),
        option({QStringLiteral("subprotocol")},
            QStringLiteral("Offer this subprotocol (repeatable)."), QStringLiteral("P")),
        option({QStringLiteral("origin")}, QStringLiteral("Origin header to send."),
            QStringLiteral("O")),
        option({QStringLiteral("ping-interval")},
            QStringLiteral("Time between pings (default 20 s, minimum 0.05 s).") + seconds,
            QStringLiteral("SEC")),
        option({QStringLiteral("ping-timeout")},
            QStringLiteral("Time to wait for a pong (default 20 s, minimum 0.05 s).") + seconds,
            QStringLiteral("SEC")),
        option({QStringLiteral("on-ping-timeout")},
            QStringLiteral("What to do when a pong is overdue: report, close (1011) or reconnect "
                           "(default report)."),
            QStringLiteral("ACTION")),
        option({QStringLiteral("no-ping")}, QStringLiteral("Send no pings.")),
        option({QStringLiteral("pong")},
            QStringLiteral("How the server's pings are answered: auto (at once, the default), "
                           "off (never), or delay:MS (after MS milliseconds)."),
            QStringLiteral("POLICY")),
        option({QStringLiteral("connect-timeout")},
            QStringLiteral("Time to wait for the connection (default 10 s).") + seconds,
            QStringLiteral("SEC")),
        option({QStringLiteral("close-timeout")},
            QStringLiteral("After sending a close frame, time to wait for the server's (default "
                           "1 s, at most 600 s).")
                + seconds,
            QStringLiteral("SEC")),
        option({QStringLiteral("no-deflate")},
            QStringLiteral("Do not offer permessage-deflate compression.")),
        option({QStringLiteral("insecure")},
            QStringLiteral("Accept any TLS certificate (wss:// only).")),
        option({QStringLiteral("ca-file")},
            QStringLiteral("Also trust the PEM certificates in FILE."), QStringLiteral("FILE")),
        option({QStringLiteral("show-pings")},
            QStringLiteral("Print each pong with its round-trip time, and the server's pings "
                           "with our answers.")),
        option({QStringLiteral("show-frames")},
            QStringLiteral("Print on stderr how each message, ping, pong and close arrived: "
                           "frames, opcode, RSV bits, compression, bytes on the wire.")),
        rawOption(),
        option({QStringLiteral("max-size")},
            QStringLiteral("Largest incoming message in bytes; K, M, G suffixes (default 64M)."),
            QStringLiteral("BYTES")),
        option({QStringLiteral("reconnect")},
            QStringLiteral("Reconnect automatically when the connection is lost.")),
    };
    if (m_use == Use::Test) {
        const QStringList sessionOnly {QStringLiteral("show-pings"), QStringLiteral("show-frames"),
            QStringLiteral("raw"), QStringLiteral("reconnect")};
        m_options.removeIf([&sessionOnly](const QCommandLineOption &o) {
            return sessionOnly.contains(o.names().constLast());
        });
    }
}

QCommandLineOption ConnectOptions::rawOption()
{
    return QCommandLineOption(QStringLiteral("raw"),
        QStringLiteral("Print payloads untouched (for piping); by default control characters are "
                       "shown escaped (\\e, \\n, \\x07), so one message is one line."));
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
    *ms = int(std::lround(result));
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

MessagePrinter::Options ConnectOptions::printerOptions(const QCommandLineParser &parser)
{
    MessagePrinter::Options options;
    options.showPings = parser.isSet(QStringLiteral("show-pings"));
    options.showFrames = parser.isSet(QStringLiteral("show-frames"));
    options.raw = parser.isSet(QStringLiteral("raw"));
    return options;
}

bool ConnectOptions::toSettings(const QCommandLineParser &parser, const QString &urlText,
    ConnectionSettings *settings, QString *error) const
{
    auto value = [&parser](const char *name) { return parser.value(QLatin1String(name)); };
    auto isSet = [&parser](const char *name) { return parser.isSet(QLatin1String(name)); };
    ConnectionSettings s;
    s.url = ConnectionSettings::parseUrl(urlText, error);
    if (!s.url.isValid())
        return false;
    for (const QString &line : parser.values(QStringLiteral("header"))) {
        if (!s.addHeaderLine(line, error))
            return false;
    }
    for (const QString &protocol : parser.values(QStringLiteral("subprotocol"))) {
        if (!ConnectionSettings::isValidToken(protocol)) {
            *error = QStringLiteral("'%1' is not a valid subprotocol name").arg(protocol);
            return false;
        }
        if (!s.subprotocols.contains(protocol))
            s.subprotocols.append(protocol);
    }
    // Through the header check, so a line break in it is refused like in any header.
    if (isSet("origin") && !s.addHeader(QStringLiteral("Origin"), value("origin"), error))
        return false;

    auto duration = [&](const char *name, int *target) {
        if (!isSet(name))
            return true;
        if (!parseDuration(value(name), target)) {
            *error = QStringLiteral("--%1 '%2' is not a duration: give seconds, or a number "
                                    "with ms or s")
                         .arg(QLatin1String(name), value(name));
            return false;
        }
        return true;
    };
    if (!duration("ping-interval", &s.heartbeat.intervalMs)
        || !duration("ping-timeout", &s.heartbeat.timeoutMs)
        || !duration("connect-timeout", &s.connectTimeoutMs)
        || !duration("close-timeout", &s.closeTimeoutMs))
        return false;
    if (isSet("on-ping-timeout")
        && !HeartbeatSettings::parseAction(value("on-ping-timeout"), &s.heartbeat.onTimeout)) {
        *error = QStringLiteral("--on-ping-timeout takes report, close or reconnect, not '%1'")
                     .arg(value("on-ping-timeout"));
        return false;
    }
    if (isSet("pong")
        && !HeartbeatSettings::parsePongPolicy(
            value("pong"), &s.heartbeat.pong, &s.heartbeat.pongDelayMs)) {
        *error = QStringLiteral("--pong takes auto, off or delay:MS (0 to 3600000 ms), not '%1'")
                     .arg(value("pong"));
        return false;
    }
    s.heartbeat.enabled = !isSet("no-ping");
    s.deflate = !isSet("no-deflate");
    s.tls.ignoreCertificateErrors = isSet("insecure");
    if (isSet("ca-file"))
        s.tls.caFile = value("ca-file");
    if (isSet("max-size") && !parseSize(value("max-size"), &s.maxIncomingMessageSize)) {
        *error = QStringLiteral("--max-size '%1' is not a size in bytes").arg(value("max-size"));
        return false;
    }
    s.reconnect.enabled = m_use == Use::Session && isSet("reconnect");

    const QString invalid = s.validate();
    if (!invalid.isEmpty()) {
        *error = invalid;
        return false;
    }
    *settings = s;
    return true;
}
