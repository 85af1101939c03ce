#include "CommandSpec.h"

#include "ConnectOptions.h"
#include "ExitStatus.h"
#include "ScriptOptions.h"

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
    const QList<QCommandLineOption> script = ScriptOptions::options();
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
        QStringLiteral("The recording file to write (JSON Lines)."), QStringLiteral("FILE"));
    const QCommandLineOption keepSecrets(QStringLiteral("keep-secrets"),
        QStringLiteral("Keep secrets: Authorization, Cookie, ... header values, the URL's user "
                       "info and secret query parameters (token, key, ...)."));
    const QCommandLineOption speed(QStringLiteral("speed"),
        QStringLiteral("Timing factor, 0.25 to 16 (default 1)."), QStringLiteral("X"));
    const QCommandLineOption max(
        QStringLiteral("max"), QStringLiteral("Send as fast as possible."));
    const QString connectDescription = QStringLiteral(
        "Connect to a WebSocket server. Each line on stdin is sent as a text message;\n"
        "received text prints as '< text', binary as '< (binary, N bytes) hex...'; control\n"
        "characters are shown escaped unless --raw. Status and errors go to stderr. EOF on\n"
        "stdin closes with 1000 (not with --script: the script, the server or Ctrl+C ends the\n"
        "session); Ctrl+C or SIGTERM closes (or cancels a pending connect) and exits at once.\n"
        "--script runs a JavaScript file on the connection (docs/scripting.md); its errors,\n"
        "log() lines and test() results print on stderr, --junit writes the results as JUnit.\n\n");

    QList<CommandSpec> specs;
    specs.append({QStringLiteral("connect"), QStringLiteral("URL [options]"),
        QStringLiteral("Interactive client: stdin lines are sent as text messages, received\n"
                       "messages are printed as '< message'; EOF closes with 1000."),
        connectDescription + exitStatuses(),
        {{QStringLiteral("URL"), QStringLiteral("ws:// or wss:// URL.")}}, connection + script});
    specs.append({QStringLiteral("record"), QStringLiteral("URL -o FILE [options]"),
        QStringLiteral("Like connect, and records the session to FILE, secrets redacted unless\n"
                       "--keep-secrets; Ctrl+C closes the connection and finishes the file."),
        connectDescription
            + QStringLiteral("Everything is recorded to FILE, which is checked before connecting. "
                             "A disk that\nfills up ends the session with status 6; the lines "
                             "written before are intact.\n\n")
            + exitStatuses(),
        {{QStringLiteral("URL"), QStringLiteral("ws:// or wss:// URL.")}},
        connection + QList<QCommandLineOption> {output, keepSecrets} + script});
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
            speed,
            max,
            QCommandLineOption(QStringLiteral("wait-reply"),
                QStringLiteral("Wait for a reply (at most 10 s) before sending the next message.")),
            QCommandLineOption(QStringLiteral("linger"),
                QStringLiteral("Time to wait for replies after the last message (default 1 s); "
                               "seconds, or a number with ms or s."),
                QStringLiteral("SEC")),
        } + connection});
    specs.append({QStringLiteral("test"),
        QStringLiteral("FILE [--to URL] [--ignore POINTER]... [--ignore-file FILE] [--unordered] "
                       "[--timeout SEC] [--speed X | --max] [--junit FILE] [options]"),
        QStringLiteral("Checks a server against a recording: replays the client messages and\n"
                       "compares each server message with the recorded one; exits 1 on a "
                       "mismatch."),
        QStringLiteral(
            "Test a server against a recording, as a CI check. The recording's client messages "
            "are\nsent with their timing (or --max), each once the server messages recorded "
            "before it have\narrived (at most --timeout seconds each). Every server message is "
            "checked against the\nrecorded one of the same step: JSON structurally (key order "
            "ignored, numbers by value,\n--ignore JSON Pointers with * for any key or index: "
            "/ts, /items/*/id), other text exactly,\nbinary by bytes; missing and extra messages "
            "fail their step. Prints one line per step\n(\u2713 or \u2717) and, for a failed one, "
            "the differing paths with the recorded and live values\nside by side. An "
            "--ignore-file holds one pointer a line ('#' starts a comment).\n\n")
            + QString::fromLatin1(ExitStatus::Test::helpText()),
        {{QStringLiteral("FILE"), QStringLiteral("A Sockscope recording.")}},
        QList<QCommandLineOption> {
            QCommandLineOption(QStringLiteral("to"),
                QStringLiteral("Server to test (default: the recorded URL)."),
                QStringLiteral("URL")),
            QCommandLineOption(QStringLiteral("ignore"),
                QStringLiteral("JSON Pointer of a value not to compare, * for any key or index "
                               "(repeatable): /ts, /items/*/id."),
                QStringLiteral("POINTER")),
            QCommandLineOption(QStringLiteral("ignore-file"),
                QStringLiteral("Read pointers to ignore from FILE, one a line."),
                QStringLiteral("FILE")),
            QCommandLineOption(QStringLiteral("unordered"),
                QStringLiteral("Match the server messages of a step by content, in any order.")),
            QCommandLineOption(QStringLiteral("timeout"),
                QStringLiteral("Longest wait for a step's server messages (default 5 s); "
                               "seconds, or a number with ms or s."),
                QStringLiteral("SEC")),
            speed,
            max,
            QCommandLineOption(QStringLiteral("junit"),
                QStringLiteral("Also write the results as JUnit XML to FILE, a test case per "
                               "step."),
                QStringLiteral("FILE")),
        } + ConnectOptions(ConnectOptions::Use::Test).options()});
    specs.append({QStringLiteral("serve"),
        QStringLiteral("[FILE] [--script FILE.js] [--rules FILE.json] [--port N] "
                       "[--mode timed|reply] [--listen ADDRESS]"),
        QStringLiteral("Serves a recording as a mock server on 127.0.0.1: each client gets the\n"
                       "recorded server messages, timed or in reply to its own messages; a\n"
                       "script or mock rules answer too, with or without a recording."),
        QStringLiteral(
            "Serve a recording as a mock WebSocket server. Each client that connects gets the "
            "recorded\nserver-to-client messages: with their original timing (--mode timed, the "
            "default), or\nthe next recorded server messages after each of its own messages "
            "(--mode reply).\n--script runs a JavaScript file for each client (its onMessage "
            "answers first; DROP holds\nback the other answers), --rules answers by mock rules "
            "(first match); either serves\nwithout a recording too. Prints the URL it listens "
            "on, then clients as they come and go,\nscript errors, log() lines and test() "
            "results on stderr; Ctrl+C stops it (exit status 8\nif a test failed)."),
        {{QStringLiteral("FILE"),
            QStringLiteral("A Sockscope recording (optional with --script or --rules)."),
            QStringLiteral("[FILE]")}},
        script + QList<QCommandLineOption> {ScriptOptions::rulesOption()}
            + QList<QCommandLineOption> {
                QCommandLineOption(QStringLiteral("port"),
                    QStringLiteral("Port to listen on (default: any free one)."),
                    QStringLiteral("N")),
                QCommandLineOption(QStringLiteral("mode"),
                    QStringLiteral("timed or reply (default timed)."), QStringLiteral("MODE")),
                QCommandLineOption(QStringLiteral("listen"),
                    QStringLiteral("Address to listen on (default 127.0.0.1; another address makes "
                                   "the mock server reachable from the network, with a warning)."),
                    QStringLiteral("ADDRESS")),
            }});
    const auto valued
        = [](const QString &name, const QString &description, const QString &valueName) {
              return QCommandLineOption(name, description, valueName);
          };
    specs.append({QStringLiteral("proxy"),
        QStringLiteral("--to URL [--listen [ADDRESS:]PORT] [-o FILE] [--show-pings] "
                       "[--latency MS[:JITTER]] [--bandwidth KIB_PER_S] "
                       "[--drop-pings client|server] [--drop-pongs client|server] "
                       "[--stall client|server:AFTER_S:FOR_S] [--tls-cert FILE --tls-key FILE] "
                       "[--insecure] [--ca-file FILE] [--script FILE.js [--script-budget MS] "
                       "[--junit FILE]]"),
        QStringLiteral("Relays every client to URL frame for frame, prints both directions as\n"
                       "'[N] > message' and '[N] < message', and injects faults on demand."),
        QStringLiteral(
            "A WebSocket proxy between your client and your server. Listens on 127.0.0.1 (another\n"
            "address only when named), prints 'listening on ws://ADDRESS:PORT/' on stderr, and\n"
            "relays each client to URL, its own path and query appended to URL's path. Frames go\n"
            "through as they arrived (masking, fragmentation, compression, control frames); the\n"
            "proxy never answers a ping. stdout: '[N] > payload' client->server, '[N] < payload'\n"
            "server->client, N the pair's number ('[N] > (injected) ...' or '(edited)' for what "
            "the\n"
            "proxy sent itself); status on stderr. The upstream refused or\n"
            "unreachable: the client gets 502. Ctrl+C ends every pair and finishes the "
            "recordings.\n"
            "Faults apply to every pair from its start; a side is named by who sends: "
            "'--drop-pongs\n"
            "client' drops the pongs the client sends, '--stall server:2:5' holds what the server\n"
            "sends for 5 s, 2 s after each pair opened.\n"
            "--script runs a JavaScript file on each pair (docs/scripting.md): onMessage sees\n"
            "both directions and forwards the message, what it returns instead, or nothing\n"
            "(DROP); its errors, log() lines and test() results print on stderr, --junit writes\n"
            "the results as JUnit when the proxy ends. A script that does not compile is refused\n"
            "(FILE:LINE: message, exit status 2)."),
        {},
        QList<QCommandLineOption> {
            valued(QStringLiteral("to"),
                QStringLiteral("The server to relay to (ws:// or wss://)."), QStringLiteral("URL")),
            valued(QStringLiteral("listen"),
                QStringLiteral("Port, or address and port, to listen on (default 127.0.0.1 and "
                               "any free port)."),
                QStringLiteral("[ADDRESS:]PORT")),
            QCommandLineOption({QStringLiteral("o"), QStringLiteral("output")},
                QStringLiteral("Record each pair, both directions: the first to FILE, pair N > 1 "
                               "to FILE with -N before the extension (secrets redacted)."),
                QStringLiteral("FILE")),
            QCommandLineOption(QStringLiteral("show-pings"),
                QStringLiteral("Also print pings, pongs (with the time the other side took to "
                               "answer) and close frames.")),
            valued(QStringLiteral("latency"),
                QStringLiteral("Delay each frame, both directions, by MS milliseconds (plus or "
                               "minus JITTER), order kept."),
                QStringLiteral("MS[:JITTER]")),
            valued(QStringLiteral("bandwidth"), QStringLiteral("At most this many KiB/s each way."),
                QStringLiteral("KIB_PER_S")),
            valued(QStringLiteral("drop-pings"), QStringLiteral("Drop the pings this side sends."),
                QStringLiteral("SIDE")),
            valued(QStringLiteral("drop-pongs"), QStringLiteral("Drop the pongs this side sends."),
                QStringLiteral("SIDE")),
            valued(QStringLiteral("stall"),
                QStringLiteral("Hold what SIDE sends for FOR_S seconds, AFTER_S seconds after "
                               "each pair opened."),
                QStringLiteral("SIDE:AFTER_S:FOR_S")),
            valued(QStringLiteral("tls-cert"),
                QStringLiteral("Listen with TLS (wss://) with this PEM certificate."),
                QStringLiteral("FILE")),
            valued(QStringLiteral("tls-key"), QStringLiteral("The PEM private key for --tls-cert."),
                QStringLiteral("FILE")),
            QCommandLineOption(QStringLiteral("insecure"),
                QStringLiteral("Accept any TLS certificate from a wss:// upstream.")),
            valued(QStringLiteral("ca-file"),
                QStringLiteral("Also trust the PEM certificates in FILE for a wss:// upstream."),
                QStringLiteral("FILE")),
        } + script});
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
        parser.addPositionalArgument(p.name, p.description, p.syntax);
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
