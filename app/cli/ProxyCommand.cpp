#include "ProxyCommand.h"

#include "ConnectionSettings.h"
#include "ExitStatus.h"
#include "SignalWatcher.h"
#include "StandardOutput.h"
#include "TerminalText.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cerrno>
#include <csignal>
#include <cstdio>

namespace {

void writeErr(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void writeErr(const QString &line)
{
    TerminalText::writeLine(stderr, line);
}

bool parseSide(const QString &text, ProxySide *side)
{
    if (text == QLatin1String("client"))
        *side = ProxySide::Client;
    else if (text == QLatin1String("server"))
        *side = ProxySide::Server;
    else
        return false;
    return true;
}

// "8080", "0.0.0.0:8080", "[::1]:8080".
bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    QString host = colon < 0 ? QString() : text.left(colon);
    const QString portText = colon < 0 ? text : text.mid(colon + 1);
    bool ok = false;
    const int number = portText.toInt(&ok);
    if (!ok || number < 0 || number > 65535)
        return false;
    *port = quint16(number);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (colon < 0)
        return true;
    return address->setAddress(host);
}

// Non-negative seconds, fractions allowed ("2", "0.5"), as milliseconds.
bool parseSeconds(const QString &text, int *ms)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || seconds < 0 || seconds > 3600)
        return false;
    *ms = qRound(seconds * 1000);
    return true;
}

} // namespace

bool ProxyCommand::toSettings(
    const QCommandLineParser &parser, ProxyServer::Settings *s, QString *error)
{
    const auto value
        = [&parser](const char *name) { return parser.value(QString::fromLatin1(name)); };
    const auto isSet
        = [&parser](const char *name) { return parser.isSet(QString::fromLatin1(name)); };
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("proxy takes no positional argument ('%1'): the server is given "
                                "with --to URL")
                     .arg(parser.positionalArguments().constFirst());
        return false;
    }
    if (!isSet("to")) {
        *error = QStringLiteral("proxy needs --to URL");
        return false;
    }
    QString urlError;
    s->upstream = ConnectionSettings::parseUrl(value("to"), &urlError);
    if (!s->upstream.isValid()) {
        *error = QStringLiteral("--to: %1").arg(urlError);
        return false;
    }
    if (isSet("listen") && !parseListen(value("listen"), &s->address, &s->port)) {
        *error = QStringLiteral("--listen takes [ADDRESS:]PORT, not '%1'").arg(value("listen"));
        return false;
    }
    s->recordPath = value("output");
    if (isSet("latency")) {
        const QStringList parts = value("latency").split(QLatin1Char(':'));
        bool ok = parts.size() <= 2;
        const int latency = ok ? parts.at(0).toInt(&ok) : 0;
        bool jitterOk = true;
        const int jitter = parts.size() == 2 ? parts.at(1).toInt(&jitterOk) : 0;
        if (!ok || !jitterOk) {
            *error = QStringLiteral("--latency takes MS or MS:JITTER in milliseconds, not '%1'")
                         .arg(value("latency"));
            return false;
        }
        for (DirectionFaults *d : {&s->faults.fromClient, &s->faults.fromServer}) {
            d->latencyMs = latency;
            d->jitterMs = jitter;
        }
    }
    if (isSet("bandwidth")) {
        bool ok = false;
        const int kib = value("bandwidth").toInt(&ok);
        if (!ok || kib <= 0) {
            *error = QStringLiteral("--bandwidth takes a positive number of KiB/s, not '%1'")
                         .arg(value("bandwidth"));
            return false;
        }
        s->faults.fromClient.bandwidthKiBps = kib;
        s->faults.fromServer.bandwidthKiBps = kib;
    }
    for (const char *option : {"drop-pings", "drop-pongs"}) {
        if (!isSet(option))
            continue;
        ProxySide side;
        if (!parseSide(value(option), &side)) {
            *error = QStringLiteral("--%1 takes client or server, not '%2'")
                         .arg(QLatin1String(option), value(option));
            return false;
        }
        if (qstrcmp(option, "drop-pings") == 0)
            s->faults.of(side).dropPings = true;
        else
            s->faults.of(side).dropPongs = true;
    }
    if (isSet("stall")) {
        const QStringList parts = value("stall").split(QLatin1Char(':'));
        if (parts.size() != 3 || !parseSide(parts.at(0), &s->stallSide)
            || !parseSeconds(parts.at(1), &s->stallAfterMs)
            || !parseSeconds(parts.at(2), &s->stallForMs) || s->stallForMs == 0) {
            *error = QStringLiteral(
                "--stall takes client|server:AFTER_S:FOR_S in seconds (e.g. server:2:5), not '%1'")
                         .arg(value("stall"));
            return false;
        }
    }
    s->tlsCertFile = value("tls-cert");
    s->tlsKeyFile = value("tls-key");
    s->insecure = isSet("insecure");
    s->caFile = value("ca-file");
    *error = s->validate();
    return error->isEmpty();
}

ProxyCommand::ProxyCommand(const ProxyServer::Settings &settings, bool showPings,
    const QString &junitPath, QObject *parent)
    : QObject(parent), m_settings(settings), m_junitPath(junitPath), m_tests(settings.script.name)
{
    MessagePrinter::Options options;
    options.showPings = showPings;
    options.showSent = true;
    options.relay = true;
    options.scriptName = settings.script.name;
    m_printer = MessagePrinter(options);
}

int ProxyCommand::exec()
{
    // Before anything is printed: a Ctrl+C right after "listening on" still ends every pair
    // cleanly (the signal is taken once the event loop runs).
    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    connect(&signalWatcher, &SignalWatcher::signalReceived, this, [this] { stop(ExitStatus::Ok); });
    QString error;
    if (!m_server.listen(m_settings, &error)) {
        writeErr(QStringLiteral("sockscope: %1").arg(error));
        return ExitStatus::ConnectFailed;
    }
    if (!m_settings.address.isLoopback())
        writeErr(QStringLiteral("sockscope: warning: listening on %1: the proxy is reachable from "
                                "the network, and relays anyone who connects to %2")
                     .arg(m_settings.address.toString(), m_settings.upstream.toString()));
    writeErr(QStringLiteral("listening on %1").arg(m_server.url().toString()));
    connect(&m_server, &ProxyServer::eventsReceived, this,
        [this](int pairId, const TrafficBatch &batch) { onEvents(pairId, batch); });
    connect(&m_server, &ProxyServer::pairOpened, this, [](int pairId, const QString &address) {
        writeErr(QStringLiteral("[%1] * client %2 accepted").arg(pairId).arg(address));
    });
    return finishScript(QCoreApplication::exec());
}

void ProxyCommand::stop(int status)
{
    // Every pair ends within one bound; their last events and recordings are finished.
    m_server.stop();
    QCoreApplication::sendPostedEvents();
    std::fflush(stdout);
    QCoreApplication::exit(status);
}

int ProxyCommand::finishScript(int status)
{
    if (m_settings.script.isEmpty())
        return status;
    QString error;
    if (!m_tests.finish(m_junitPath, &error)) {
        writeErr(QStringLiteral("! %1").arg(error));
        return ExitStatus::FileError;
    }
    return m_tests.exitStatus(status);
}

void ProxyCommand::onEvents(int pairId, const TrafficBatch &batch)
{
    if (!m_settings.script.isEmpty())
        m_tests.add(batch);
    const QByteArray prefix = '[' + QByteArray::number(pairId) + "] ";
    QByteArray out;
    out.reserve(batch.payloads.size() + batch.events.size() * 8);
    // Once standard output is gone nothing more is printed, and the proxy stops as on Ctrl+C
    // (from the event loop: the pairs are joined there, not inside their own signal).
    const auto flushOut = [&] {
        if (!out.isEmpty() && !m_outputFailed && !StandardOutput::write(out)) {
            const int error = errno;
            m_outputFailed = true;
            writeErr(StandardOutput::failureText(error));
            QMetaObject::invokeMethod(
                this,
                [this, error] {
                    stop(StandardOutput::readerWentAway(error) ? ExitStatus::Ok
                                                               : ExitStatus::FileError);
                },
                Qt::QueuedConnection);
        }
        out.truncate(0);
    };
    const qsizetype count = batch.events.size();
    for (qsizetype i = m_printer.appendTextLines(out, batch, 0, prefix); i < count;
         i = m_printer.appendTextLines(out, batch, i + 1, prefix)) {
        const TrafficEvent &e = batch.events.at(i);
        const qsizetype before = out.size();
        out += prefix;
        m_printer.appendLine(out, batch, e);
        if (out.size() == before + prefix.size())
            out.truncate(before);
        // The pair's end is said once, by the note that says how each side ended.
        if (e.kind == TrafficEvent::Kind::Close)
            continue;
        const QByteArray status = m_printer.status(batch, e);
        if (status.isEmpty())
            continue;
        flushOut(); // stdout and stderr in the order things happened
        QByteArray err;
        for (const QByteArray &line : status.split('\n')) {
            if (!line.isEmpty())
                err += prefix + line + '\n';
        }
        writeErr(err);
    }
    flushOut();
}
