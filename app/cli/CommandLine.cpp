#include "CommandLine.h"

#include "ConnectCommand.h"
#include "ConnectOptions.h"
#include "ExitStatus.h"
#include "ShowCommand.h"
#include "Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>

#include <cstdio>

namespace {

const QStringList &subcommands()
{
    static const QStringList names = {QStringLiteral("connect"), QStringLiteral("record"), QStringLiteral("show")};
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
               "Usage: sockscope [URL...]                open the window, connecting to each URL\n"
               "       sockscope --demo                  the window on the built-in demo server\n"
               "       sockscope connect URL [options]   talk to a WebSocket server from the "
               "terminal\n"
               "       sockscope record URL -o FILE [options]   the same, recording to FILE\n"
               "       sockscope show FILE [--messages]  what a recording holds\n"
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
    const QCommandLineOption help(
        {QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    ConnectOptions options;
    options.addTo(parser);
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The recording file to write (JSON Lines)."), QStringLiteral("FILE"));
    if (record)
        parser.addOption(output);

    if (!parser.parse(arguments))
        return usageError(parser.errorText(), command);
    if (parser.isSet(help)) {
        print(stdout, parser.helpText());
        return ExitStatus::Ok;
    }
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
    ConnectCommand session(settings, options.showPings(parser), record ? parser.value(output) : QString());
    return session.exec();
}

int runShow(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print what a recording holds: URL, start, duration, counts by kind and bytes.\n"
        "Malformed lines are reported on stderr as FILE:LINE: what is wrong; the exit status is 0\n"
        "when the file could be read, 1 when nothing usable could be read."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A Sockscope recording."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption messages(QStringLiteral("messages"), QStringLiteral("Also print every message."));
    parser.addOptions({help, messages});
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("show"));
    if (parser.isSet(help)) {
        print(stdout, parser.helpText());
        return ExitStatus::Ok;
    }
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
    if (first.startsWith(QLatin1Char('-')))
        return usageError(QStringLiteral("unknown option '%1'").arg(first), {});
    return usageError(
        QStringLiteral("unknown command '%1' (to open a URL in the window, write ws://%1)")
            .arg(first),
        {});
}

} // namespace CommandLine
