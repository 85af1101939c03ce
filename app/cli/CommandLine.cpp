#include "CommandLine.h"

#include "ConnectCommand.h"
#include "ConnectOptions.h"
#include "ConvertCommand.h"
#include "ExitStatus.h"
#include "MockServer.h"
#include "RecordingInput.h"
#include "RecordingReader.h"
#include "ShowCommand.h"
#include "SignalWatcher.h"
#include "Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>

#include <csignal>
#include <cstdio>

namespace {

const QStringList &subcommands()
{
    static const QStringList names
        = {QStringLiteral("connect"), QStringLiteral("record"), QStringLiteral("show"),
            QStringLiteral("replay"), QStringLiteral("serve"), QStringLiteral("convert")};
    return names;
}

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

QString generalHelp()
{
    return QStringLiteral(
               "Usage: sockscope [URL... | FILE...]      open the window: connect to each URL, "
               "open each recording\n"
               "       sockscope --demo                  the window on the built-in demo server\n"
               "       sockscope connect URL [options]   talk to a WebSocket server from the "
               "terminal\n"
               "       sockscope record URL -o FILE [options]   the same, recording to FILE\n"
               "       sockscope show FILE [--messages]  what a recording holds\n"
               "       sockscope replay FILE [--to URL] [--speed X | --max] [--wait-reply] "
               "[--linger SEC]\n"
               "       sockscope serve FILE [--port N] [--mode timed|reply]\n"
               "       sockscope convert IN OUT          HAR <-> recording, by the extensions\n"
               "       sockscope --help | --version\n"
               "\n"
               "Sockscope is a WebSocket inspector. 'sockscope COMMAND --help' shows a command's "
               "options.\n"
               "\n"
               "Commands:\n"
               "  connect   Interactive client: stdin lines are sent as text messages, received\n"
               "            messages are printed as '< message'; EOF closes with 1000.\n"
               "  record    Like connect, and records the session to a file (-o FILE); Ctrl+C\n"
               "            closes the connection and finishes the file.\n"
               "  replay    Sends a recording's client messages to a server with their original\n"
               "            timing, prints what is sent and received, closes with 1000.\n"
               "  convert   Turns a devtools HAR file into recordings, or a recording into a HAR\n"
               "            file that devtools can import (secrets redacted).\n"
               "  serve     Serves a recording as a mock server on 127.0.0.1: each client gets "
               "the\n"
               "            recorded server messages, timed or in reply to its own messages.\n"
               "  show      Prints a recording's URL, duration, counts and bytes; --messages\n"
               "            prints every message with its time.\n"
               "\n")
        + QString::fromLatin1(ExitStatus::helpText());
}

// A bare word ("conect", "localhost") is a mistyped command more often than a URL: URLs have a
// scheme, a dot, a colon or a slash.
bool isBareWord(const QString &argument)
{
    static const QRegularExpression word(QStringLiteral("^[A-Za-z][A-Za-z0-9_-]*$"));
    return word.match(argument).hasMatch() && !QFileInfo::exists(argument);
}

int usageError(const QString &message, const QString &command)
{
    print(stderr,
        QStringLiteral("sockscope: %1\nTry 'sockscope %2--help'.\n")
            .arg(message, command.isEmpty() ? QString() : command + QLatin1Char(' ')));
    return ExitStatus::Usage;
}

// Adds --help and parses. Returns the exit status when the command ends here (help shown, or the
// arguments are wrong), or -1 to go on.
int parseArguments(QCommandLineParser &parser, const QStringList &arguments, const QString &command)
{
    const QCommandLineOption help(
        {QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), command);
    if (parser.isSet(help)) {
        // Name the command, not the path the binary was started from.
        static const QRegularExpression usage(QStringLiteral("^Usage: \\S+"));
        print(stdout,
            parser.helpText().replace(usage, QStringLiteral("Usage: sockscope ") + command));
        return ExitStatus::Ok;
    }
    return -1;
}

int runConnect(const QStringList &arguments, bool record)
{
    const QString command = record ? QStringLiteral("record") : QStringLiteral("connect");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Connect to a WebSocket server. Each line on stdin is sent as a text message;\n"
            "received text prints as '< text', binary as '< (binary, N bytes) hex...'.\n"
            "Status and errors go to stderr. EOF on stdin closes with 1000; Ctrl+C or\n"
            "SIGTERM closes (or cancels a pending connect) and exits at once.\n\n")
        + QString::fromLatin1(ExitStatus::helpText()));
    parser.addPositionalArgument(QStringLiteral("URL"), QStringLiteral("ws:// or wss:// URL."));
    ConnectOptions options;
    options.addTo(parser);
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
        QStringLiteral("The recording file to write (JSON Lines)."), QStringLiteral("FILE"));
    const QCommandLineOption keepSecrets(QStringLiteral("keep-secrets"),
        QStringLiteral("Keep Authorization, Cookie, ... values in the recording."));
    if (record)
        parser.addOptions({output, keepSecrets});

    if (const int status = parseArguments(parser, arguments, command); status >= 0)
        return status;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(positional.isEmpty() ? QStringLiteral("%1 needs a URL").arg(command)
                                               : QStringLiteral("%1 takes one URL").arg(command),
            command);
    if (record && parser.value(output).isEmpty())
        return usageError(QStringLiteral("record needs -o FILE"), command);
    ConnectionSettings settings;
    QString error;
    if (!options.toSettings(parser, positional.first(), &settings, &error))
        return usageError(error, command);
    settings.recording.keepSecrets = record && parser.isSet(keepSecrets);
    ConnectCommand session(
        settings, options.showPings(parser), record ? parser.value(output) : QString());
    return session.exec();
}

int runReplay(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Replay a recording's client messages against a server with their original timing.\n"
            "Prints what it sends ('> ') and receives ('< '), waits --linger seconds for replies\n"
            "after the last message, closes with 1000 and exits 0; non-zero if the connection\n"
            "fails. Ctrl+C closes at once.\n\n")
        + QString::fromLatin1(ExitStatus::helpText()));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A Sockscope recording."));
    const QCommandLineOption to(QStringLiteral("to"),
        QStringLiteral("Server to replay to (default: the recorded URL)."), QStringLiteral("URL"));
    const QCommandLineOption speed(QStringLiteral("speed"),
        QStringLiteral("Timing factor, 0.25 to 16 (default 1)."), QStringLiteral("X"));
    const QCommandLineOption max(
        QStringLiteral("max"), QStringLiteral("Send as fast as possible."));
    const QCommandLineOption waitReply(QStringLiteral("wait-reply"),
        QStringLiteral("Wait for a reply before sending the next message."));
    const QCommandLineOption linger(QStringLiteral("linger"),
        QStringLiteral("Seconds to wait for replies after the last message (default 1)."),
        QStringLiteral("SEC"));
    parser.addOptions({to, speed, max, waitReply, linger});
    ConnectOptions options;
    options.addTo(parser);
    if (const int status = parseArguments(parser, arguments, QStringLiteral("replay")); status >= 0)
        return status;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("replay takes one FILE"), QStringLiteral("replay"));
    RecordingReader reader;
    if (!RecordingInput::read(parser.positionalArguments().first(), &reader))
        return ExitStatus::ConnectFailed;
    ReplayPlan plan = ReplayPlan::fromRecording(reader);
    if (parser.isSet(max)) {
        plan.speed = 0;
    } else if (parser.isSet(speed)) {
        bool ok = false;
        plan.speed = parser.value(speed).toDouble(&ok);
        if (!ok || plan.speed < 0.25 || plan.speed > 16)
            return usageError(
                QStringLiteral("--speed takes a factor from 0.25 to 16"), QStringLiteral("replay"));
    }
    plan.waitForReply = parser.isSet(waitReply);
    int lingerMs = 1000;
    if (parser.isSet(linger) && !ConnectOptions::parseDuration(parser.value(linger), &lingerMs))
        return usageError(QStringLiteral("--linger takes seconds"), QStringLiteral("replay"));
    const QString url = parser.isSet(to) ? parser.value(to) : reader.header().url.toString();
    ConnectionSettings settings;
    QString error;
    if (!options.toSettings(parser, url, &settings, &error))
        return usageError(error, QStringLiteral("replay"));
    ConnectCommand session(settings, options.showPings(parser));
    session.setReplay(plan, lingerMs);
    return session.exec();
}

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Serve a recording as a mock WebSocket server. Each client that connects gets the "
        "recorded\n"
        "server-to-client messages: with their original timing (--mode timed, the default), or\n"
        "the next recorded server messages after each of its own messages (--mode reply).\n"
        "Prints the URL it listens on, then clients as they come and go; Ctrl+C stops it."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A Sockscope recording."));
    const QCommandLineOption port(QStringLiteral("port"),
        QStringLiteral("Port to listen on (default: any free one)."), QStringLiteral("N"));
    const QCommandLineOption mode(QStringLiteral("mode"),
        QStringLiteral("timed or reply (default timed)."), QStringLiteral("MODE"));
    const QCommandLineOption listen(QStringLiteral("listen"),
        QStringLiteral("Address to listen on (default 127.0.0.1; others only when asked)."),
        QStringLiteral("ADDRESS"));
    parser.addOptions({port, mode, listen});
    if (const int status = parseArguments(parser, arguments, QStringLiteral("serve")); status >= 0)
        return status;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("serve takes one FILE"), QStringLiteral("serve"));
    const QString modeName
        = parser.value(mode).isEmpty() ? QStringLiteral("timed") : parser.value(mode);
    if (modeName != QLatin1String("timed") && modeName != QLatin1String("reply"))
        return usageError(QStringLiteral("--mode takes timed or reply, not '%1'").arg(modeName),
            QStringLiteral("serve"));
    bool portOk = true;
    const int portNumber = parser.isSet(port) ? parser.value(port).toInt(&portOk) : 0;
    if (!portOk || portNumber < 0 || portNumber > 65535)
        return usageError(QStringLiteral("--port takes a port number"), QStringLiteral("serve"));
    const QHostAddress address(
        parser.isSet(listen) ? parser.value(listen) : QStringLiteral("127.0.0.1"));
    if (address.isNull())
        return usageError(QStringLiteral("'%1' is not an IP address").arg(parser.value(listen)),
            QStringLiteral("serve"));

    const QString file = parser.positionalArguments().first();
    RecordingReader reader;
    if (!RecordingInput::read(file, &reader))
        return ExitStatus::ConnectFailed;
    MockServer server;
    QString error;
    if (!server.listen(MockServer::messagesOf(reader.batches()),
            modeName == QLatin1String("reply") ? MockServer::Mode::Reply : MockServer::Mode::Timed,
            address, quint16(portNumber), &error)) {
        print(stderr, QStringLiteral("sockscope: %1\n").arg(error));
        return ExitStatus::ConnectFailed;
    }
    auto printNow = [](const QString &line) {
        print(stdout, line + QLatin1Char('\n'));
        std::fflush(stdout);
    };
    printNow(QStringLiteral("Serving %1 (%2) on %3").arg(file, modeName, server.url().toString()));
    QObject::connect(&server, &MockServer::clientConnected,
        [&](const QString &peer) { printNow(QStringLiteral("client %1 connected").arg(peer)); });
    QObject::connect(&server, &MockServer::clientDisconnected,
        [&](const QString &peer) { printNow(QStringLiteral("client %1 disconnected").arg(peer)); });
    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived,
        [] { QCoreApplication::exit(ExitStatus::Ok); });
    return QCoreApplication::exec();
}

int runConvert(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Convert between HAR files from browser devtools and Sockscope recordings, by extension:\n"
        "IN.har -> OUT (one recording per WebSocket session: OUT, OUT-2, ...), or a recording ->\n"
        "OUT.har. Exits 0 when IN could be read; skipped lines or entries are reported on "
        "stderr."));
    parser.addPositionalArgument(
        QStringLiteral("IN"), QStringLiteral("A .har file or a recording."));
    parser.addPositionalArgument(
        QStringLiteral("OUT"), QStringLiteral("A recording or a .har file."));
    const QCommandLineOption keep(QStringLiteral("keep-secrets"),
        QStringLiteral("Keep Authorization, Cookie, ... values in the HAR."));
    parser.addOptions({keep});
    if (const int status = parseArguments(parser, arguments, QStringLiteral("convert"));
        status >= 0)
        return status;
    if (parser.positionalArguments().size() != 2)
        return usageError(QStringLiteral("convert takes IN and OUT"), QStringLiteral("convert"));
    return ConvertCommand::run(
        parser.positionalArguments().at(0), parser.positionalArguments().at(1), parser.isSet(keep));
}

int runShow(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print what a recording holds: URL, start, duration, counts by kind and bytes.\n"
        "Malformed lines are reported on stderr as FILE:LINE: what is wrong; the exit status is 0\n"
        "when the file could be read, 1 when nothing usable could be read."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A Sockscope recording."));
    const QCommandLineOption messages(
        QStringLiteral("messages"), QStringLiteral("Also print every message."));
    parser.addOptions({messages});
    if (const int status = parseArguments(parser, arguments, QStringLiteral("show")); status >= 0)
        return status;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("show takes one FILE"), QStringLiteral("show"));
    return ShowCommand::run(parser.positionalArguments().first(), parser.isSet(messages));
}

} // namespace

namespace CommandLine {

bool isCommandLine(const QStringList &arguments)
{
    if (arguments.size() < 2)
        return false;
    const QString &first = arguments.at(1);
    if (first == QLatin1String("--demo"))
        return false;
    // --help, --version and unknown options are answered by the command line.
    return subcommands().contains(first) || first.startsWith(QLatin1Char('-')) || isBareWord(first);
}

int run(const QStringList &arguments)
{
    const QString first = arguments.value(1);
    if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
        print(stdout,
            QStringLiteral("sockscope %1 (Qt %2)\n")
                .arg(QLatin1String(SOCKSCOPE_VERSION), QLatin1String(qVersion())));
        return ExitStatus::Ok;
    }
    if (first.isEmpty() || first == QLatin1String("--help") || first == QLatin1String("-h")) {
        print(stdout, generalHelp());
        return ExitStatus::Ok;
    }
    const QStringList rest = QStringList(arguments.first()) + arguments.mid(2);
    if (first == QLatin1String("connect") || first == QLatin1String("record"))
        return runConnect(rest, first == QLatin1String("record"));
    if (first == QLatin1String("show"))
        return runShow(rest);
    if (first == QLatin1String("replay"))
        return runReplay(rest);
    if (first == QLatin1String("serve"))
        return runServe(rest);
    if (first == QLatin1String("convert"))
        return runConvert(rest);
    if (first.startsWith(QLatin1Char('-')))
        return usageError(QStringLiteral("unknown option '%1'").arg(first), {});
    return usageError(
        QStringLiteral("unknown command '%1' (to open a URL in the window, write ws://%1)")
            .arg(first),
        {});
}

} // namespace CommandLine
