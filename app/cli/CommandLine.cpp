#include "CommandLine.h"

#include "ConnectCommand.h"
#include "ConnectOptions.h"
#include "ExitStatus.h"
#include "Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>

#include <cstdio>

namespace {

const QStringList &subcommands()
{
    static const QStringList names = {QStringLiteral("connect")};
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
               "       sockscope --help | --version\n"
               "\n"
               "Sockscope is a WebSocket inspector. 'sockscope COMMAND --help' shows a command's "
               "options.\n"
               "\n"
               "Commands:\n"
               "  connect   Interactive client: stdin lines are sent as text messages, received\n"
               "            messages are printed as '< message'; EOF closes with 1000.\n"
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

int runConnect(const QStringList &arguments)
{
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

    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("connect"));
    if (parser.isSet(help)) {
        print(stdout, parser.helpText());
        return ExitStatus::Ok;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(positional.isEmpty() ? QStringLiteral("connect needs a URL")
                                               : QStringLiteral("connect takes one URL"),
            QStringLiteral("connect"));
    ConnectionSettings settings;
    QString error;
    if (!options.toSettings(parser, positional.first(), &settings, &error))
        return usageError(error, QStringLiteral("connect"));
    ConnectCommand command(settings, options.showPings(parser));
    return command.exec();
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
    if (first == QLatin1String("connect"))
        return runConnect(rest);
    if (first.startsWith(QLatin1Char('-')))
        return usageError(QStringLiteral("unknown option '%1'").arg(first), {});
    return usageError(
        QStringLiteral("unknown command '%1' (to open a URL in the window, write ws://%1)")
            .arg(first),
        {});
}

} // namespace CommandLine
