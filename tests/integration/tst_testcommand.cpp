// `sockscope test` as CI runs it: a recording against a real python-websockets server whose
// replies carry a new timestamp and new ids on every run, each kind of mismatch, the output a
// person reads, the JUnit file and every exit status.
#include "CliProcess.h"
#include "PeerProcess.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <csignal>

namespace {

// The api peer's conversation as it was recorded once: other timestamps, other ids.
QByteArray recording(const QUrl &url, const QList<QPair<char, QByteArray>> &events)
{
    QByteArray out = "{\"format\":\"sockscope-recording\",\"version\":1,\"url\":\""
        + url.toEncoded() + "\"}\n{\"timeUs\":0,\"direction\":\"local\",\"kind\":\"open\"}\n";
    qint64 t = 1000;
    for (const auto &[direction, json] : events) {
        QByteArray escaped = json;
        escaped.replace('"', "\\\""); // JSON escapes (\\u001b) are kept as written
        out += "{\"timeUs\":" + QByteArray::number(t) + ",\"direction\":\""
            + (direction == '>' ? "out" : "in") + "\",\"kind\":\"text\",\"payload\":\"" + escaped
            + "\"}\n";
        t += 20000;
    }
    return out;
}

// Functions, not globals: built when a test asks, not before QTest's main.
QList<QPair<char, QByteArray>> apiConversation()
{
    return {
        {'<', R"({"event":"welcome","ts":1700000000.5,"session":42})"},
        {'>', R"({"op":"get","key":"colour"})"},
        {'<', R"({"op":"get","key":"colour","value":"blue","ts":1700000001.25,"id":43})"},
        {'>', R"({"op":"list"})"},
        {'<', R"({"items":[{"id":44,"name":"a"},{"id":45,"name":"b"}],"ts":1700000002})"},
        {'>', R"({"op":"pair"})"},
        {'<', R"({"part":1})"},
        {'<', R"({"part":2})"},
    };
}

// The options that ignore what the api peer changes on every run.
QStringList ignoreVolatile()
{
    return {QStringLiteral("--ignore"), QStringLiteral("/ts"), QStringLiteral("--ignore"),
        QStringLiteral("/id"), QStringLiteral("--ignore"), QStringLiteral("/session"),
        QStringLiteral("--ignore"), QStringLiteral("/items/*/id")};
}

} // namespace

class TestTestCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void matchesWhenVolatileFieldsAreIgnored();
    void ignoreFileWorksLikeFlags();
    void timestampsAndIdsFailWhenNotIgnored();
    void mismatches_data();
    void mismatches();
    void unorderedMatchesByContent();
    void junitReportForCi();
    void liveTextIsEscapedForTheTerminal();
    void connectionEndingEarlyExits4();
    void connectFailureExits3();
    void aRedactedUrlIsTestedWithTo();
    void ctrlCEndsATestAtOnce();
    void badArgumentsExit2_data();
    void badArgumentsExit2();

private:
    QString write(const QString &name, const QByteArray &content);
    QString apiRecording(const QUrl &url);
    QTemporaryDir m_dir;
};

void TestTestCommand::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

QString TestTestCommand::write(const QString &name, const QByteArray &content)
{
    QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QString TestTestCommand::apiRecording(const QUrl &url)
{
    return write(QStringLiteral("api.jsonl"), recording(url, apiConversation()));
}

void TestTestCommand::matchesWhenVolatileFieldsAreIgnored()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("api")}), qPrintable(server.errorText()));
    const QString file = apiRecording(server.url());
    // The recorded URL is the server's: no --to needed; recorded timing (20 ms steps).
    CliProcess cli(QStringList {QStringLiteral("test"), file} + ignoreVolatile());
    QCOMPARE(cli.waitForExit(), 0);
    const QString out = cli.stdoutText();
    for (int step = 0; step <= 3; ++step)
        QVERIFY2(out.contains(QStringLiteral("\u2713 step %1").arg(step)), qPrintable(out));
    QVERIFY2(out.contains(
                 QStringLiteral("\u2713 step 1  {\"op\":\"get\",\"key\":\"colour\"}  (1 reply)")),
        qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("all 4 steps matched")));
    QVERIFY(!out.contains(QStringLiteral("\u2717")));
    QVERIFY(server.waitForLine(QStringLiteral("CLOSED 1000")).size() > 0);
}

void TestTestCommand::ignoreFileWorksLikeFlags()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("api")}), qPrintable(server.errorText()));
    const QString file = apiRecording(server.url());
    const QString ignore = write(QStringLiteral("volatile.txt"),
        "# fields that change on every run\n/ts\n/id\n\n/session\n/items/*/id\n");
    CliProcess cli({QStringLiteral("test"), file, QStringLiteral("--ignore-file"), ignore,
        QStringLiteral("--max")});
    QCOMPARE(cli.waitForExit(), 0);
    QVERIFY(cli.stdoutText().contains(QStringLiteral("all 4 steps matched")));
}

void TestTestCommand::timestampsAndIdsFailWhenNotIgnored()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("api")}), qPrintable(server.errorText()));
    const QString file = apiRecording(server.url());
    CliProcess cli({QStringLiteral("test"), file, QStringLiteral("--max"),
        QStringLiteral("--ignore"), QStringLiteral("/session")});
    QCOMPARE(cli.waitForExit(), 1);
    const QString out = cli.stdoutText();
    static const QRegularExpression firstStepTs(
        QStringLiteral("\u2717 step 0  \\(before the first message\\)  \\(1 reply\\)\\n"
                       "    reply 1  /ts  recorded: 1700000000.5  live: 1\\d{9}"));
    QVERIFY2(out.contains(firstStepTs), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("\u2717 step 1")), qPrintable(out));
    // The differing paths, recorded and live values side by side.
    static const QRegularExpression replyId(
        QStringLiteral("reply 1  /id  recorded: 43 +live: \\d+\\n"));
    QVERIFY2(out.contains(replyId), qPrintable(out));
    static const QRegularExpression replyTs(
        QStringLiteral("\\n +/ts  recorded: 1700000001.25  live: 1\\d{9}"));
    QVERIFY2(out.contains(replyTs), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("/items/0/id")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("/items/1/id")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("\u2713 step 3")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("3 of 4 steps failed")), qPrintable(out));
}

void TestTestCommand::mismatches_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("failedStep");
    QTest::addColumn<QString>("detail");
    QTest::newRow("a value changed") << "--changed"
                                     << "step 1"
                                     << "reply 1  /value  recorded: \"blue\"  live: \"changed\"";
    QTest::newRow("replies in another order") << "--swap"
                                              << "step 3"
                                              << "reply 1  /part  recorded: 1  live: 2";
    QTest::newRow("an extra reply") << "--extra"
                                    << "step 2"
                                    << "extra  live: {\"note\": \"extra\"}";
    QTest::newRow("a reply missing")
        << "--silent-list"
        << "step 2"
        << "reply 1 missing  recorded: {\"items\":[{\"id\":44,\"name\":\"a\"}";
}

void TestTestCommand::mismatches()
{
    QFETCH(QString, flag);
    QFETCH(QString, failedStep);
    QFETCH(QString, detail);
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("api"), flag}), qPrintable(server.errorText()));
    const QString file = apiRecording(server.url());
    // With the recorded timing (20 ms between steps), not --max: a message the server sends late
    // counts in the step during which it arrives.
    CliProcess cli(QStringList {QStringLiteral("test"), file, QStringLiteral("--timeout"),
                       QStringLiteral("300ms")}
        + ignoreVolatile());
    QCOMPARE(cli.waitForExit(), 1);
    const QString out = cli.stdoutText();
    QVERIFY2(out.contains(QStringLiteral("\u2717 ") + failedStep), qPrintable(out));
    QVERIFY2(out.contains(detail), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("1 of 4 steps failed")), qPrintable(out));
}

void TestTestCommand::unorderedMatchesByContent()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("api"), QStringLiteral("--swap")}),
        qPrintable(server.errorText()));
    const QString file = apiRecording(server.url());
    CliProcess cli(QStringList {QStringLiteral("test"), file, QStringLiteral("--max"),
                       QStringLiteral("--unordered")}
        + ignoreVolatile());
    QCOMPARE(cli.waitForExit(), 0);
    QVERIFY2(cli.stdoutText().contains(QStringLiteral("all 4 steps matched")),
        qPrintable(cli.stdoutText()));
}

void TestTestCommand::junitReportForCi()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("api"), QStringLiteral("--changed")}),
        qPrintable(server.errorText()));
    const QString file = apiRecording(server.url());
    const QString junit = m_dir.filePath(QStringLiteral("report.xml"));
    CliProcess cli(QStringList {QStringLiteral("test"), file, QStringLiteral("--max"),
                       QStringLiteral("--junit"), junit}
        + ignoreVolatile());
    QCOMPARE(cli.waitForExit(), 1);
    QVERIFY2(cli.stderrText().contains(QStringLiteral("JUnit report written to ") + junit),
        qPrintable(cli.stderrText()));

    QFile xml(junit);
    QVERIFY(xml.open(QIODevice::ReadOnly));
    QXmlStreamReader reader(&xml);
    int suites = 0, cases = 0, failures = 0;
    QString failureMessage;
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        const QXmlStreamAttributes a = reader.attributes();
        if (reader.name() == QLatin1String("testsuite")) {
            ++suites;
            for (const char *name : {"name", "tests", "failures", "errors", "time", "timestamp",
                     "hostname", "id", "package"})
                QVERIFY2(a.hasAttribute(QLatin1String(name)), name);
            QCOMPARE(a.value(QLatin1String("name")), QLatin1String("api.jsonl"));
            QCOMPARE(a.value(QLatin1String("tests")), QLatin1String("4"));
            QCOMPARE(a.value(QLatin1String("failures")), QLatin1String("1"));
        } else if (reader.name() == QLatin1String("testcase")) {
            ++cases;
            for (const char *name : {"name", "classname", "time"})
                QVERIFY2(a.hasAttribute(QLatin1String(name)), name);
        } else if (reader.name() == QLatin1String("failure")) {
            ++failures;
            QVERIFY(a.hasAttribute(QLatin1String("type")));
            failureMessage = a.value(QLatin1String("message")).toString();
            QVERIFY(reader.readElementText().contains(QLatin1String("live: \"changed\"")));
        }
    }
    QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
    QCOMPARE(suites, 1);
    QCOMPARE(cases, 4);
    QCOMPARE(failures, 1);
    QCOMPARE(failureMessage, QStringLiteral("reply 1 differs at /value"));
}

void TestTestCommand::liveTextIsEscapedForTheTerminal()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("api")}), qPrintable(server.errorText()));
    // The api peer echoes what it does not know: the live reply carries an escape sequence.
    const QString file = write(QStringLiteral("escape.jsonl"),
        recording(server.url(),
            {{'<', R"({"event":"welcome","session":1})"}, {'>', R"(\u001b]0;pwned\u0007 hi)"},
                {'<', "hi"}}));
    CliProcess cli(
        QStringList {QStringLiteral("test"), file, QStringLiteral("--max")} + ignoreVolatile());
    QCOMPARE(cli.waitForExit(), 1);
    const QString out = cli.stdoutText();
    QVERIFY2(out.contains(QStringLiteral("reply 1  recorded: hi  live: \\e]0;pwned\\x07 hi")),
        qPrintable(out));
    QVERIFY(!out.contains(QChar(0x1b)));
    QVERIFY(!out.contains(QChar(0x07)));
}

void TestTestCommand::connectionEndingEarlyExits4()
{
    PeerProcess server;
    QVERIFY2(server.startPython(
                 {QStringLiteral("api"), QStringLiteral("--drop-after"), QStringLiteral("2")}),
        qPrintable(server.errorText()));
    const QString file = apiRecording(server.url());
    CliProcess cli(
        QStringList {QStringLiteral("test"), file, QStringLiteral("--max")} + ignoreVolatile());
    QCOMPARE(cli.waitForExit(), 4);
    const QString out = cli.stdoutText();
    QVERIFY2(out.contains(QStringLiteral("\u2713 step 1")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("\u2717 step 2")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("not sent: the connection ended before this step")),
        qPrintable(out));
    QVERIFY2(cli.stderrText().contains(QStringLiteral("ended before every message")),
        qPrintable(cli.stderrText()));
}

void TestTestCommand::connectFailureExits3()
{
    const QString file = apiRecording(QUrl(QStringLiteral("ws://127.0.0.1:1/")));
    CliProcess cli({QStringLiteral("test"), file, QStringLiteral("--max")});
    QCOMPARE(cli.waitForExit(), 3);
    QVERIFY2(cli.stdoutText().contains(QStringLiteral("not sent")), qPrintable(cli.stdoutText()));
}

void TestTestCommand::aRedactedUrlIsTestedWithTo()
{
    // With --to, the recording is used as usual (here: nothing listens, so it cannot connect).
    const QString file = write(QStringLiteral("redacted-to.jsonl"),
        recording(QUrl(QStringLiteral("ws://127.0.0.1:1/feed?token=redacted")), apiConversation()));
    CliProcess cli({QStringLiteral("test"), file, QStringLiteral("--max"), QStringLiteral("--to"),
        QStringLiteral("ws://127.0.0.1:1/feed")});
    QCOMPARE(cli.waitForExit(), 3);
}

void TestTestCommand::ctrlCEndsATestAtOnce()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("api"), QStringLiteral("--silent-list")}),
        qPrintable(server.errorText()));
    const QString file = apiRecording(server.url());
    const QString junit = m_dir.filePath(QStringLiteral("interrupted.xml"));
    // The list is never answered: the test would wait a minute for it.
    CliProcess cli(
        QStringList {QStringLiteral("test"), file, QStringLiteral("--max"),
            QStringLiteral("--timeout"), QStringLiteral("60"), QStringLiteral("--junit"), junit}
        + ignoreVolatile());
    QVERIFY(cli.waitForStdout(QRegularExpression(QStringLiteral("step 1 "))));
    cli.signal(SIGINT);
    QCOMPARE(cli.waitForExit(3000), 130);
    QVERIFY(QFile::exists(junit)); // what ran is still reported
}

void TestTestCommand::badArgumentsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString file = write(QStringLiteral("args.jsonl"),
        recording(QUrl(QStringLiteral("ws://127.0.0.1:1/")), apiConversation()));
    const QString serverOnly = write(QStringLiteral("server-only.jsonl"),
        recording(QUrl(QStringLiteral("ws://127.0.0.1:1/")), {{'<', "hello"}}));
    const QString badPointers = write(QStringLiteral("bad-pointers.txt"), "/ok\nnot-a-pointer\n");
    QTest::newRow("no file") << QStringList {"test"} << "test takes one FILE";
    QTest::newRow("bad pointer") << QStringList {"test", file, "--ignore", "ts"}
                                 << "'ts' is not a JSON Pointer";
    QTest::newRow("bad pointer file") << QStringList {"test", file, "--ignore-file",
        badPointers} << "bad-pointers.txt:2: 'not-a-pointer' is not a JSON Pointer";
    QTest::newRow("missing pointer file")
        << QStringList {"test", file, "--ignore-file", m_dir.filePath("nope.txt")} << "nope.txt";
    QTest::newRow("bad timeout") << QStringList {"test", file, "--timeout", "soon"}
                                 << "--timeout takes seconds";
    QTest::newRow("bad speed") << QStringList {"test", file, "--speed", "100"} << "0.25 to 16";
    QTest::newRow("junit into a missing directory")
        << QStringList {"test", file, "--junit", m_dir.filePath("no/such/dir/r.xml")} << "--junit";
    QTest::newRow("no such recording")
        << QStringList {"test", m_dir.filePath("missing.jsonl")} << "missing.jsonl";
    QTest::newRow("nothing to send") << QStringList {"test", serverOnly} << "no client messages";
    QTest::newRow("reconnect is not a test option")
        << QStringList {"test", file, "--reconnect"} << "Unknown option 'reconnect'";
    // A recorded URL whose secrets were redacted holds placeholders: never connected to as is.
    const QString redactedPassword = write(QStringLiteral("redacted-password.jsonl"),
        recording(QUrl(QStringLiteral("ws://u:redacted@127.0.0.1:1/")), apiConversation()));
    const QString redactedToken = write(QStringLiteral("redacted-token.jsonl"),
        recording(QUrl(QStringLiteral("ws://127.0.0.1:1/feed?token=redacted")), apiConversation()));
    const QString said = QStringLiteral("recorded its URL with the secrets redacted: give the "
                                        "server with --to URL");
    QTest::newRow("redacted password") << QStringList {"test", redactedPassword} << said;
    QTest::newRow("redacted token") << QStringList {"test", redactedToken} << said;
    QTest::newRow("redacted token, replay") << QStringList {"replay", redactedToken} << said;
}

void TestTestCommand::badArgumentsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    CliProcess cli(arguments);
    QCOMPARE(cli.waitForExit(), 2);
    QVERIFY2(cli.stderrText().contains(message), qPrintable(cli.stderrText()));
}

QTEST_MAIN(TestTestCommand)
#include "tst_testcommand.moc"
