#include "CommandSpec.h"

#include "ConnectOptions.h"
#include "ExitStatus.h"

#include <QCommandLineParser>

namespace {

QString exitStatuses()
{
    return QString::fromLatin1(ExitStatus::helpText());
}

QList<CommandSpec> makeSpecs()
{
    const ConnectOptions connectOptions;
    const QList<QCommandLineOption> &connection = connectOptions.options();
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
        QStringLiteral("The recording file to write (JSON Lines)."), QStringLiteral("FILE"));
    const QCommandLineOption keepSecrets(QStringLiteral("keep-secrets"),
        QStringLiteral("Keep secrets: Authorization, Cookie, ... header values, the URL's user "
                       "info and secret query parameters (token, key, ...)."));
    const QString connectDescription = QStringLiteral(
        "Connect to a WebSocket server. Each line on stdin is sent as a text message;\n"
        "received text prints as '< text', binary as '< (binary, N bytes) hex...'; control\n"
        "characters are shown escaped unless --raw. Status and errors go to stderr. EOF on\n"
        "stdin closes with 1000; Ctrl+C or SIGTERM closes (or cancels a pending connect) and\n"
        "exits at once.\n\n");

    QList<CommandSpec> specs;
    specs.append({QStringLiteral("connect"), QStringLiteral("URL [options]"),
        QStringLiteral("Interactive client: stdin lines are sent as text messages, received\n"
                       "messages are printed as '< message'; EOF closes with 1000."),
        connectDescription + exitStatuses(),
        {{QStringLiteral("URL"), QStringLiteral("ws:// or wss:// URL.")}}, connection});
    specs.append({QStringLiteral("record"), QStringLiteral("URL -o FILE [options]"),
        QStringLiteral("Like connect, and records the session to FILE, secrets redacted unless\n"
                       "--keep-secrets; Ctrl+C closes the connection and finishes the file."),
        connectDescription
            + QStringLiteral("Everything is recorded to FILE, which is checked before connecting. "
                             "A disk that\nfills up ends the session with status 6; the lines "
                             "written before are intact.\n\n")
            + exitStatuses(),
        {{QStringLiteral("URL"), QStringLiteral("ws:// or wss:// URL.")}},
        connection + QList<QCommandLineOption> {output, keepSecrets}});
    specs.append({QStringLiteral("replay"),
        QStringLiteral("FILE [--to URL] [--speed X | --max] [--wait-reply] [--linger SEC] "
                       "[options]"),
        QStringLiteral("Sends a recording's client messages to a server with their original\n"
                       "timing, prints what is sent and received, closes with 1000."),
        QStringLiteral(
            "Replay a recording's client messages against a server with their original timing.\n"
            "Prints what it sends ('> ') and receives ('< '), waits --linger seconds for replies\n"
            "after the last message, closes with 1000 and exits 0; non-zero if the connection\n"
            "fails. Ctrl+C closes at once.\n\n")
            + exitStatuses(),
        {{QStringLiteral("FILE"), QStringLiteral("A Sockscope recording.")}},
        QList<QCommandLineOption> {
            QCommandLineOption(QStringLiteral("to"),
                QStringLiteral("Server to replay to (default: the recorded URL)."),
                QStringLiteral("URL")),
            QCommandLineOption(QStringLiteral("speed"),
                QStringLiteral("Timing factor, 0.25 to 16 (default 1)."), QStringLiteral("X")),
            QCommandLineOption(QStringLiteral("max"), QStringLiteral("Send as fast as possible.")),
            QCommandLineOption(QStringLiteral("wait-reply"),
                QStringLiteral("Wait for a reply (at most 10 s) before sending the next message.")),
            QCommandLineOption(QStringLiteral("linger"),
                QStringLiteral("Time to wait for replies after the last message (default 1 s); "
                               "seconds, or a number with ms or s."),
                QStringLiteral("SEC")),
        } + connection});
    specs.append({QStringLiteral("serve"),
        QStringLiteral("FILE [--port N] [--mode timed|reply] [--listen ADDRESS]"),
        QStringLiteral("Serves a recording as a mock server on 127.0.0.1: each client gets the\n"
                       "recorded server messages, timed or in reply to its own messages."),
        QStringLiteral(
            "Serve a recording as a mock WebSocket server. Each client that connects gets the "
            "recorded\nserver-to-client messages: with their original timing (--mode timed, the "
            "default), or\nthe next recorded server messages after each of its own messages "
            "(--mode reply).\nPrints the URL it listens on, then clients as they come and go; "
            "Ctrl+C stops it."),
        {{QStringLiteral("FILE"), QStringLiteral("A Sockscope recording.")}},
        {
            QCommandLineOption(QStringLiteral("port"),
                QStringLiteral("Port to listen on (default: any free one)."), QStringLiteral("N")),
            QCommandLineOption(QStringLiteral("mode"),
                QStringLiteral("timed or reply (default timed)."), QStringLiteral("MODE")),
            QCommandLineOption(QStringLiteral("listen"),
                QStringLiteral("Address to listen on (default 127.0.0.1; another address makes "
                               "the mock server reachable from the network, with a warning)."),
                QStringLiteral("ADDRESS")),
        }});
    specs.append({QStringLiteral("convert"), QStringLiteral("IN OUT [--keep-secrets]"),
        QStringLiteral("Turns a devtools HAR file into recordings, or a recording into a HAR\n"
                       "file that devtools can import (secrets redacted unless --keep-secrets)."),
        QStringLiteral(
            "Convert between HAR files from browser devtools and Sockscope recordings, by "
            "extension:\nIN.har -> OUT (one recording per WebSocket session: OUT, then OUT with "
            "-2, -3, ...\nbefore its extension), or a recording -> OUT.har. Secrets are redacted "
            "both ways unless\n--keep-secrets. Exits 0 when IN could be read (also when it holds "
            "no WebSocket session),\n7 when parts of it were skipped (each reported on stderr), "
            "1 when it could not be read,\n6 when OUT could not be written."),
        {{QStringLiteral("IN"), QStringLiteral("A .har file or a recording.")},
            {QStringLiteral("OUT"), QStringLiteral("A recording or a .har file.")}},
        {QCommandLineOption(QStringLiteral("keep-secrets"),
            QStringLiteral("Keep secrets: Authorization, Cookie, ... header values, the URL's "
                           "user info and secret query parameters."))}});
    specs.append({QStringLiteral("show"), QStringLiteral("FILE [--messages] [--raw]"),
        QStringLiteral("Prints a recording's URL, duration, counts and bytes; --messages\n"
                       "prints every message with its time."),
        QStringLiteral(
            "Print what a recording holds: URL, start, duration, counts by kind and bytes.\n"
            "Malformed lines are reported on stderr as FILE:LINE: what is wrong; the exit status "
            "is 0\nwhen the file could be read, 1 when nothing usable could be read."),
        {{QStringLiteral("FILE"), QStringLiteral("A Sockscope recording.")}},
        {QCommandLineOption(
             QStringLiteral("messages"), QStringLiteral("Also print every message.")),
            ConnectOptions::rawOption()}});
    return specs;
}

} // namespace

const QList<CommandSpec> &CommandSpec::all()
{
    static const QList<CommandSpec> specs = makeSpecs();
    return specs;
}

const CommandSpec *CommandSpec::find(const QString &name)
{
    for (const CommandSpec &spec : all()) {
        if (spec.name == name)
            return &spec;
    }
    return nullptr;
}

QCommandLineOption CommandSpec::helpOption()
{
    return QCommandLineOption(
        {QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
}

void CommandSpec::setUp(QCommandLineParser &parser) const
{
    parser.setApplicationDescription(description);
    for (const Positional &p : positionals)
        parser.addPositionalArgument(p.name, p.description);
    parser.addOptions(options);
    parser.addOption(helpOption());
}

QStringList CommandSpec::optionNames() const
{
    QStringList names;
    for (const QCommandLineOption &option : options + QList<QCommandLineOption> {helpOption()}) {
        for (const QString &name : option.names())
            names << (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
    }
    return names;
}
