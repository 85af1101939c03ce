#include "CommandLine.h"

#include "BoundedFile.h"
#include "CommandSpec.h"
#include "ConnectCommand.h"
#include "ConnectOptions.h"
#include "ConvertCommand.h"
#include "ExitStatus.h"
#include "MessagePrinter.h"
#include "MockServer.h"
#include "ProxyCommand.h"
#include "RecordingInput.h"
#include "RecordingReader.h"
#include "ScriptOptions.h"
#include "ScriptTestReport.h"
#include "SecretRedaction.h"
#include "ShowCommand.h"
#include "SignalWatcher.h"
#include "TerminalText.h"
#include "TestCommand.h"
#include "Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>
#include <csignal>
#include <cstdio>

namespace {

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

// Wraps "-H, --header, --subprotocol, ..." to the help's width.
QString optionSummary(const CommandSpec &spec)
{
    QString text;
    QString line = QStringLiteral("      options:");
    for (const QString &name : spec.optionNames()) {
        if (line.size() + name.size() + 2 > 79) {
            text += line + QLatin1Char('\n');
            line = QStringLiteral("              ");
        }
        line += QLatin1Char(' ') + name;
    }
    return text + line + QLatin1Char('\n');
}

QString generalHelp()
{
    QString text = QStringLiteral(
        "Usage: sockscope [URL... | FILE...]   open the window: connect to each URL, open each "
        "recording\n"
        "       sockscope --demo               the window on the built-in demo server\n"
        "       sockscope COMMAND ...          one of the commands below, in the terminal\n"
        "       sockscope --help | --version\n"
        "\n"
        "Sockscope is a WebSocket inspector. 'sockscope COMMAND --help' shows a command's "
        "options\nin full.\n\nCommands:\n");
    for (const CommandSpec &spec : CommandSpec::all()) {
        text += QStringLiteral("  sockscope %1 %2\n").arg(spec.name, spec.synopsis);
        for (const QString &line : spec.summary.split(QLatin1Char('\n')))
            text += QStringLiteral("      ") + line + QLatin1Char('\n');
        text += optionSummary(spec);
    }
    return text + QLatin1Char('\n') + QString::fromLatin1(ExitStatus::helpText());
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
            .arg(QString::fromUtf8(TerminalText::escaped(message)),
                command.isEmpty() ? QString() : command + QLatin1Char(' ')));
    return ExitStatus::Usage;
}

// Sets the parser up from the command's spec and parses. Returns the exit status when the
// command ends here (help shown, or the arguments are wrong), or -1 to go on.
int parseArguments(QCommandLineParser &parser, const QStringList &arguments, const QString &command)
{
    CommandSpec::find(command)->setUp(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), command);
    if (parser.isSet(QStringLiteral("help"))) {
        // Name the command, not the path the binary was started from.
        static const QRegularExpression usage(QStringLiteral("^Usage: \\S+"));
        print(stdout,
            parser.helpText().replace(usage, QStringLiteral("Usage: sockscope ") + command));
        return ExitStatus::Ok;
    }
    return -1;
}

// --speed X or --max (0); false when X is not a factor from 0.25 to 16.
bool parseSpeed(const QCommandLineParser &parser, double *speed)
{
    if (parser.isSet(QStringLiteral("max"))) {
        *speed = 0;
        return true;
    }
    if (!parser.isSet(QStringLiteral("speed")))
        return true;
    bool ok = false;
    *speed = parser.value(QStringLiteral("speed")).toDouble(&ok);
    return ok && *speed >= 0.25 && *speed <= 16; // NaN fails both comparisons
}

// The server to talk to: --to URL, or the one the recording was made with.
bool targetUrl(const QCommandLineParser &parser, const RecordingReader &reader, const QString &file,
    QString *url, QString *error)
{
    *url = parser.value(QStringLiteral("to"));
    if (!url->isEmpty())
        return true;
    if (!reader.header().url.isValid()) {
        *error = QStringLiteral("%1 records no valid URL: give one with --to URL").arg(file);
        return false;
    }
    if (SecretRedaction::isRedacted(reader.header().url)) {
        *error = QStringLiteral(
            "%1 recorded its URL with the secrets redacted: give the server with --to URL")
                     .arg(file);
        return false;
    }
    *url = reader.header().url.toString();
    return true;
}

int runConnect(const QStringList &arguments, bool record)
{
    const QString command = record ? QStringLiteral("record") : QStringLiteral("connect");
    QCommandLineParser parser;
    if (const int status = parseArguments(parser, arguments, command); status >= 0)
        return status;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(positional.isEmpty() ? QStringLiteral("%1 needs a URL").arg(command)
                                               : QStringLiteral("%1 takes one URL").arg(command),
            command);
    const QString output = record ? parser.value(QStringLiteral("output")) : QString();
    if (record && output.isEmpty())
        return usageError(QStringLiteral("record needs -o FILE"), command);
    ConnectionSettings settings;
    QString error;
    if (!ConnectOptions().toSettings(parser, positional.first(), &settings, &error))
        return usageError(error, command);
    ScriptSource script;
    if (!ScriptOptions::read(parser, &script, &error))
        return usageError(error, command);
    const bool keepSecrets = record && parser.isSet(QStringLiteral("keep-secrets"));
    settings.recording.keepSecrets = keepSecrets;
    ConnectCommand session(settings, ConnectOptions::printerOptions(parser));
    if (!script.isEmpty())
        session.setScript(script, ScriptOptions::junitPath(parser));
    if (record)
        session.setRecording(
            output, keepSecrets ? SecretRedaction::Policy::Keep : SecretRedaction::Policy::Redact);
    return session.exec();
}

int runReplay(const QStringList &arguments)
{
    const QString command = QStringLiteral("replay");
    QCommandLineParser parser;
    if (const int status = parseArguments(parser, arguments, command); status >= 0)
        return status;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("replay takes one FILE"), command);
    double speed = 1.0;
    if (!parseSpeed(parser, &speed))
        return usageError(QStringLiteral("--speed takes a factor from 0.25 to 16"), command);
    int lingerMs = 1000;
    if (parser.isSet(QStringLiteral("linger"))
        && !ConnectOptions::parseDuration(parser.value(QStringLiteral("linger")), &lingerMs))
        return usageError(QStringLiteral("--linger takes seconds"), command);

    const QString file = parser.positionalArguments().constFirst();
    RecordingReader reader;
    if (!RecordingInput::read(file, &reader))
        return ExitStatus::ConnectFailed;
    ReplayPlan plan = ReplayPlan::fromRecording(reader);
    if (plan.isEmpty()) {
        TerminalText::writeLine(stderr,
            QStringLiteral("sockscope: %1 has no client messages: nothing to replay").arg(file));
        return ExitStatus::ConnectFailed;
    }
    plan.speed = speed;
    plan.waitForReply = parser.isSet(QStringLiteral("wait-reply"));
    QString url;
    QString error;
    if (!targetUrl(parser, reader, file, &url, &error))
        return usageError(error, command);
    ConnectionSettings settings;
    if (!ConnectOptions().toSettings(parser, url, &settings, &error))
        return usageError(error, command);
    MessagePrinter::Options printing = ConnectOptions::printerOptions(parser);
    printing.showSent = true;
    ConnectCommand session(settings, printing);
    session.setReplay(plan, lingerMs);
    return session.exec();
}

int runTest(const QStringList &arguments)
{
    const QString command = QStringLiteral("test");
    QCommandLineParser parser;
    if (const int status = parseArguments(parser, arguments, command); status >= 0)
        return status;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("test takes one FILE"), command);
    double speed = 1.0;
    if (!parseSpeed(parser, &speed))
        return usageError(QStringLiteral("--speed takes a factor from 0.25 to 16"), command);
    int timeoutMs = 5000;
    if (parser.isSet(QStringLiteral("timeout"))
        && (!ConnectOptions::parseDuration(parser.value(QStringLiteral("timeout")), &timeoutMs)
            || timeoutMs <= 0))
        return usageError(QStringLiteral("--timeout takes seconds, more than 0"), command);

    RecordingTest::Options options;
    options.unordered = parser.isSet(QStringLiteral("unordered"));
    for (const QString &text : parser.values(QStringLiteral("ignore"))) {
        JsonPointerPattern pattern;
        QString error;
        if (!JsonPointerPattern::parse(text, &pattern, &error))
            return usageError(QStringLiteral("--ignore: %1").arg(error), command);
        options.ignore.append(pattern);
    }
    if (parser.isSet(QStringLiteral("ignore-file"))) {
        const QString path = parser.value(QStringLiteral("ignore-file"));
        constexpr qint64 MaxIgnoreFileBytes = 1024LL * 1024; // far more than a list of pointers
        QByteArray text;
        QString error;
        if (!BoundedFile::read(
                path, MaxIgnoreFileBytes, QStringLiteral("--ignore-file"), &text, &error))
            return usageError(error, command);
        QStringList problems;
        options.ignore += JsonPointerPattern::parseLines(QString::fromUtf8(text), path, &problems);
        if (!problems.isEmpty())
            return usageError(problems.join(QLatin1Char('\n')), command);
    }
    const QString junit = parser.value(QStringLiteral("junit"));
    if (parser.isSet(QStringLiteral("junit"))) {
        // Known before connecting: a report that cannot be written is a bad argument.
        QFile probe(junit);
        const bool existed = probe.exists();
        if (junit.isEmpty() || !probe.open(QIODevice::WriteOnly | QIODevice::Append))
            return usageError(
                QStringLiteral("--junit %1: %2")
                    .arg(junit,
                        junit.isEmpty() ? QStringLiteral("no file name") : probe.errorString()),
                command);
        probe.close();
        if (!existed)
            probe.remove();
    }

    const QString file = parser.positionalArguments().constFirst();
    RecordingReader reader;
    if (!RecordingInput::read(file, &reader))
        return ExitStatus::Test::Usage;
    QString url;
    QString error;
    if (!targetUrl(parser, reader, file, &url, &error))
        return usageError(error, command);
    ConnectionSettings settings;
    if (!ConnectOptions(ConnectOptions::Use::Test).toSettings(parser, url, &settings, &error))
        return usageError(error, command);
    TestCommand test(settings, reader.batches(), options, speed, timeoutMs);
    if (test.clientMessages() == 0) {
        TerminalText::writeLine(stderr,
            QStringLiteral("sockscope: %1 has no client messages: nothing to test").arg(file));
        return ExitStatus::Test::Usage;
    }
    if (!junit.isEmpty())
        test.setJUnit(junit, QFileInfo(file).fileName());
    return test.exec();
}

int runServe(const QStringList &arguments)
{
    const QString command = QStringLiteral("serve");
    QCommandLineParser parser;
    if (const int status = parseArguments(parser, arguments, command); status >= 0)
        return status;
    ScriptSource script;
    QString error;
    if (!ScriptOptions::read(parser, &script, &error))
        return usageError(error, command);
    MockRules rules;
    const QString rulesPath = parser.value(QStringLiteral("rules"));
    if (!rulesPath.isEmpty() && !rules.load(rulesPath, &error))
        return usageError(error, command);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1 || (positional.isEmpty() && script.isEmpty() && rulesPath.isEmpty()))
        return usageError(positional.isEmpty()
                ? QStringLiteral("serve needs a recording FILE, --script FILE.js or --rules "
                                 "FILE.json")
                : QStringLiteral("serve takes one FILE"),
            command);
    const QString modeName = parser.value(QStringLiteral("mode")).isEmpty()
        ? QStringLiteral("timed")
        : parser.value(QStringLiteral("mode"));
    if (modeName != QLatin1String("timed") && modeName != QLatin1String("reply"))
        return usageError(
            QStringLiteral("--mode takes timed or reply, not '%1'").arg(modeName), command);
    bool portOk = true;
    const int portNumber = parser.isSet(QStringLiteral("port"))
        ? parser.value(QStringLiteral("port")).toInt(&portOk)
        : 0;
    if (!portOk || portNumber < 0 || portNumber > 65535)
        return usageError(QStringLiteral("--port takes a port number"), command);
    const QString listen = parser.isSet(QStringLiteral("listen"))
        ? parser.value(QStringLiteral("listen"))
        : QStringLiteral("127.0.0.1");
    const QHostAddress address(listen);
    if (address.isNull())
        return usageError(QStringLiteral("'%1' is not an IP address").arg(listen), command);

    const QString file = positional.value(0);
    QList<MockServer::Message> messages;
    if (!file.isEmpty()) {
        RecordingReader reader;
        if (!RecordingInput::read(file, &reader))
            return ExitStatus::ConnectFailed;
        messages = MockServer::messagesOf(reader.batches());
    }
    // Before anything is printed: a Ctrl+C right after the first line still ends the server
    // cleanly (the signal is taken once the event loop runs).
    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived,
        [] { QCoreApplication::exit(ExitStatus::Ok); });
    MockServer server;
    server.setScript(script);
    server.setRules(rules);
    if (!server.listen(messages,
            modeName == QLatin1String("reply") ? MockServer::Mode::Reply : MockServer::Mode::Timed,
            address, quint16(portNumber), &error)) {
        TerminalText::writeLine(stderr, QStringLiteral("sockscope: %1").arg(error));
        return ExitStatus::ConnectFailed;
    }
    if (!address.isLoopback())
        print(stderr,
            QStringLiteral("sockscope: warning: listening on %1: the mock server is reachable "
                           "from the network, and serves this recording to anyone who connects\n")
                .arg(address.toString()));
    // Lines that name the file and the clients' addresses.
    const auto printNow = [](const QString &line) { TerminalText::writeLine(stdout, line); };
    QStringList what;
    if (!file.isEmpty())
        what << QStringLiteral("%1 (%2)").arg(file, modeName);
    if (!script.isEmpty())
        what << QStringLiteral("script %1").arg(script.name);
    if (!rulesPath.isEmpty())
        what << QStringLiteral("%1 rules from %2").arg(rules.size()).arg(rulesPath);
    printNow(QStringLiteral("Serving %1 on %2")
                 .arg(what.join(QStringLiteral(", ")), server.url().toString()));
    QObject::connect(&server, &MockServer::clientConnected,
        [&](const QString &peer) { printNow(QStringLiteral("client %1 connected").arg(peer)); });
    QObject::connect(&server, &MockServer::clientDisconnected,
        [&](const QString &peer) { printNow(QStringLiteral("client %1 disconnected").arg(peer)); });
    MessagePrinter::Options printing;
    printing.scriptName = script.name;
    const MessagePrinter printer(printing);
    ScriptTestReport tests(script.name);
    QObject::connect(&server, &MockServer::scriptEvents, [&](const TrafficBatch &batch) {
        tests.add(batch);
        QByteArray err;
        for (const TrafficEvent &e : batch.events)
            err += printer.status(batch, e);
        std::fwrite(err.constData(), 1, size_t(err.size()), stderr);
        std::fflush(stderr);
    });
    const int status = QCoreApplication::exec();
    server.stop();
    QCoreApplication::sendPostedEvents(&server); // the scripts' last batch
    if (script.isEmpty())
        return status;
    if (!tests.summary().isEmpty())
        print(stderr, QStringLiteral("* %1\n").arg(tests.summary()));
    if (!ScriptOptions::junitPath(parser).isEmpty()
        && !tests.writeJUnit(ScriptOptions::junitPath(parser), &error)) {
        TerminalText::writeLine(stderr, QStringLiteral("sockscope: %1").arg(error));
        return ExitStatus::FileError;
    }
    return tests.exitStatus(status);
}

int runProxy(const QStringList &arguments)
{
    const QString command = QStringLiteral("proxy");
    QCommandLineParser parser;
    if (const int status = parseArguments(parser, arguments, command); status >= 0)
        return status;
    ProxyServer::Settings settings;
    QString error;
    if (!ProxyCommand::toSettings(parser, &settings, &error))
        return usageError(error, command);
    if (!ScriptOptions::read(parser, &settings.script, &error))
        return usageError(error, command);
    // A script that does not compile would fail on every pair: said now, as a compiler would.
    if (const QString problem = ProxyServer::scriptProblem(settings.script); !problem.isEmpty()) {
        print(stderr,
            QString::fromUtf8(TerminalText::escaped(problem))
                + QStringLiteral("\nsockscope: the proxy was not started: its script has an "
                                 "error\n"));
        return ExitStatus::Usage;
    }
    ProxyCommand proxy(
        settings, parser.isSet(QStringLiteral("show-pings")), ScriptOptions::junitPath(parser));
    return proxy.exec();
}

int runConvert(const QStringList &arguments)
{
    const QString command = QStringLiteral("convert");
    QCommandLineParser parser;
    if (const int status = parseArguments(parser, arguments, command); status >= 0)
        return status;
    if (parser.positionalArguments().size() != 2)
        return usageError(QStringLiteral("convert takes IN and OUT"), command);
    return ConvertCommand::run(parser.positionalArguments().at(0),
        parser.positionalArguments().at(1), parser.isSet(QStringLiteral("keep-secrets")));
}

int runShow(const QStringList &arguments)
{
    const QString command = QStringLiteral("show");
    QCommandLineParser parser;
    if (const int status = parseArguments(parser, arguments, command); status >= 0)
        return status;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("show takes one FILE"), command);
    return ShowCommand::run(parser.positionalArguments().constFirst(),
        parser.isSet(QStringLiteral("messages")), parser.isSet(QStringLiteral("raw")));
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
    return CommandSpec::find(first) || first.startsWith(QLatin1Char('-')) || isBareWord(first);
}

QString helpText()
{
    return generalHelp();
}

int run(const QStringList &arguments)
{
    // A closed standard output (`| head -1`) must not kill a command that is recording: it
    // sees EPIPE instead and ends cleanly (StandardOutput).
    std::signal(SIGPIPE, SIG_IGN);
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
    if (first == QLatin1String("test"))
        return runTest(rest);
    if (first == QLatin1String("serve"))
        return runServe(rest);
    if (first == QLatin1String("proxy"))
        return runProxy(rest);
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
