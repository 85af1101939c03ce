// One source of truth for the command line's options: the specs the parsers are built from. The
// general --help, each command's --help, the man page, the bash completion and the README are
// checked against them, so none can drift.
#include "CommandLine.h"
#include "CommandSpec.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

namespace {

QString sourceFile(const QString &path)
{
    QFile file(QStringLiteral(SOCKSCOPE_SOURCE_DIR "/") + path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QStringList longOptions(const CommandSpec &spec)
{
    QStringList names;
    for (const QString &name : spec.optionNames()) {
        if (name.startsWith(QLatin1String("--")))
            names << name;
    }
    return names;
}

// What the bash completion offers for a command, by running its completion function in bash.
QStringList completionOffers(const QString &command)
{
    QProcess bash;
    const QString script = QStringLiteral(
        "_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; "
        "words=(\"${COMP_WORDS[@]}\"); cword=$COMP_CWORD; }\n"
        "_filedir() { :; }\ncompopt() { :; }\ncomplete() { :; }\n"
        "source \"$1\"\nCOMP_WORDS=(sockscope \"$2\" --); COMP_CWORD=2\n_sockscope\n"
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n");
    bash.start(QStringLiteral("bash"),
        {QStringLiteral("-c"), script, QStringLiteral("bash"),
            QStringLiteral(SOCKSCOPE_SOURCE_DIR "/packaging/sockscope.bash-completion"), command});
    bash.waitForFinished();
    return QString::fromUtf8(bash.readAllStandardOutput())
        .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace

class TestCommandSpec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyCommandIsListed();
    void helpListsEveryOption_data();
    void helpListsEveryOption();
    void manPageDocumentsEveryOptionAndNoOther();
    void completionOffersExactlyTheOptions_data();
    void completionOffersExactlyTheOptions();
    void readmeDocumentsTheConnectionOptions();
    void usageLinesShowWhatIsOptional();
    void manPageSynopsisNamesEveryWayToStart();
    void manPageAndReadmeRepeatNoWord();
    void completionHandlesEachOptionOnce();
};

void TestCommandSpec::everyCommandIsListed()
{
    QStringList names;
    for (const CommandSpec &spec : CommandSpec::all())
        names << spec.name;
    QCOMPARE(names,
        QStringList({QStringLiteral("connect"), QStringLiteral("record"), QStringLiteral("replay"),
            QStringLiteral("test"), QStringLiteral("serve"), QStringLiteral("proxy"),
            QStringLiteral("convert"), QStringLiteral("show")}));
}

void TestCommandSpec::helpListsEveryOption_data()
{
    QTest::addColumn<QString>("command");
    for (const CommandSpec &spec : CommandSpec::all())
        QTest::newRow(qPrintable(spec.name)) << spec.name;
}

// Every option a help text names as a word of its own: "-H", "--url" followed by a space, a
// comma, '=' or the end of a line.
static QSet<QString> optionWords(const QString &text)
{
    static const QRegularExpression word(
        QStringLiteral("(?:^|[\\s,])(--?[A-Za-z0-9][\\w-]*)(?=[\\s,=]|$)"),
        QRegularExpression::MultilineOption);
    QSet<QString> words;
    auto it = word.globalMatch(text);
    while (it.hasNext())
        words.insert(it.next().captured(1));
    return words;
}

void TestCommandSpec::helpListsEveryOption()
{
    QFETCH(QString, command);
    const CommandSpec *spec = CommandSpec::find(command);
    QProcess help;
    help.start(QStringLiteral(SOCKSCOPE_BINARY), {command, QStringLiteral("--help")});
    QVERIFY(help.waitForFinished());
    QCOMPARE(help.exitCode(), 0);
    const QString commandHelp = QString::fromUtf8(help.readAllStandardOutput());
    // The general help names each command with every option it takes.
    const QString general = CommandLine::helpText();
    const qsizetype start = general.indexOf(QStringLiteral("  sockscope %1 ").arg(command));
    QVERIFY(start >= 0);
    const qsizetype end = general.indexOf(QLatin1String("\n  sockscope "), start + 1);
    const QString section = general.mid(start, end < 0 ? -1 : end - start);
    const QSet<QString> inCommandHelp = optionWords(commandHelp);
    const QSet<QString> inSection = optionWords(section);
    for (const QString &option : spec->optionNames()) {
        QVERIFY2(inCommandHelp.contains(option), qPrintable(command + QLatin1Char(' ') + option));
        QVERIFY2(inSection.contains(option), qPrintable(command + QLatin1Char(' ') + option));
    }
}

void TestCommandSpec::manPageDocumentsEveryOptionAndNoOther()
{
    const QString man = sourceFile(QStringLiteral("packaging/sockscope.1.in"));
    QVERIFY(!man.isEmpty());
    QSet<QString> known
        = {QStringLiteral("--demo"), QStringLiteral("--help"), QStringLiteral("--version")};
    for (const CommandSpec &spec : CommandSpec::all()) {
        for (const QString &option : longOptions(spec)) {
            known.insert(option);
            QString escaped = option;
            escaped.replace(QLatin1Char('-'), QLatin1String("\\-"));
            QVERIFY2(man.contains(escaped), qPrintable(spec.name + QLatin1Char(' ') + option));
        }
    }
    static const QRegularExpression manOption(QStringLiteral("\\\\-\\\\-([a-z]+(?:\\\\-[a-z]+)*)"));
    for (auto it = manOption.globalMatch(man); it.hasNext();) {
        QString option = QStringLiteral("--") + it.next().captured(1);
        option.replace(QLatin1String("\\-"), QLatin1String("-"));
        QVERIFY2(known.contains(option), qPrintable(option + QStringLiteral(" is not an option")));
    }
}

void TestCommandSpec::completionOffersExactlyTheOptions_data()
{
    helpListsEveryOption_data();
}

void TestCommandSpec::completionOffersExactlyTheOptions()
{
    QFETCH(QString, command);
    QStringList offered = completionOffers(command);
    QStringList expected = longOptions(*CommandSpec::find(command));
    offered.sort();
    expected.sort();
    QCOMPARE(offered, expected);
}

void TestCommandSpec::readmeDocumentsTheConnectionOptions()
{
    const QString readme = sourceFile(QStringLiteral("README.md"));
    QVERIFY(!readme.isEmpty());
    for (const char *command : {"record", "replay", "test", "serve", "proxy", "convert", "show"}) {
        for (const QString &option : longOptions(*CommandSpec::find(QLatin1String(command)))) {
            if (option == QLatin1String("--help"))
                continue; // said once for all commands
            QVERIFY2(readme.contains(QStringLiteral("`%1").arg(option))
                    || readme.contains(QStringLiteral(", %1").arg(option)),
                qPrintable(QLatin1String(command) + QLatin1Char(' ') + option));
        }
    }
}

void TestCommandSpec::usageLinesShowWhatIsOptional()
{
    // test's --to is optional (the recorded URL by default); serve's FILE too.
    const QString general = CommandLine::helpText();
    QVERIFY(general.contains(QLatin1String("  sockscope test FILE [--to URL] ")));
    QVERIFY(general.contains(QLatin1String("  sockscope serve [FILE] ")));
    QProcess help;
    help.start(
        QStringLiteral(SOCKSCOPE_BINARY), {QStringLiteral("serve"), QStringLiteral("--help")});
    QVERIFY(help.waitForFinished());
    const QString usage
        = QString::fromUtf8(help.readAllStandardOutput()).section(QLatin1Char('\n'), 0, 0);
    QVERIFY2(usage.endsWith(QLatin1String(" [FILE]")), qPrintable(usage));
}

void TestCommandSpec::manPageSynopsisNamesEveryWayToStart()
{
    const QString man = sourceFile(QStringLiteral("packaging/sockscope.1.in"));
    const QString synopsis
        = man.section(QLatin1String(".SH SYNOPSIS"), 1).section(QLatin1String(".SH"), 0, 0);
    // The window with URLs or with recordings, then each command.
    QVERIFY(synopsis.contains(QLatin1String(".B sockscope\n.RI [ URL ...]")));
    QVERIFY(synopsis.contains(QLatin1String(".B sockscope\n.IR FILE ...")));
    for (const CommandSpec &spec : CommandSpec::all())
        QVERIFY2(synopsis.contains(QStringLiteral(".B sockscope %1\n").arg(spec.name)),
            qPrintable(spec.name));
}

void TestCommandSpec::manPageAndReadmeRepeatNoWord()
{
    // "then then" split over two roff lines reads as one doubled word.
    static const QRegularExpression doubled(
        QStringLiteral("(?<![\\w\\\\-])([a-z]{2,})\\s+\\1(?![\\w-])"));
    for (const char *path : {"packaging/sockscope.1.in", "README.md"}) {
        const QString text = sourceFile(QLatin1String(path));
        QVERIFY(!text.isEmpty());
        const QRegularExpressionMatch m = doubled.match(text);
        QVERIFY2(!m.hasMatch(),
            qPrintable(QStringLiteral("%1: \"%2\"").arg(QLatin1String(path), m.captured(0))));
    }
}

void TestCommandSpec::completionHandlesEachOptionOnce()
{
    // A second case for the same option is never reached: its completion would silently differ.
    QString completion = sourceFile(QStringLiteral("packaging/sockscope.bash-completion"));
    QVERIFY(!completion.isEmpty());
    static const QRegularExpression continuation(QStringLiteral("\\\\\\n\\s*"));
    completion.replace(continuation, QStringLiteral(" "));
    static const QRegularExpression label(
        QStringLiteral("^\\s+(-[-\\w| ]*)\\)\\s*$"), QRegularExpression::MultilineOption);
    QSet<QString> seen;
    int labels = 0;
    for (auto it = label.globalMatch(completion); it.hasNext(); ++labels) {
        for (QString option : it.next().captured(1).split(QLatin1Char('|'))) {
            option = option.trimmed();
            QVERIFY2(!seen.contains(option), qPrintable(option + QStringLiteral(" has two cases")));
            seen.insert(option);
        }
    }
    QVERIFY(labels >= 10);
}

QTEST_GUILESS_MAIN(TestCommandSpec)
#include "tst_commandspec.moc"
