// Scripts on real connections: a script answering a python-websockets peer, an application-level
// heartbeat it sees, a throwing handler and an endless loop that leave the connection working,
// `connect --script` with test results in JUnit, and `serve` answering by script and by rules.
#include "CliProcess.h"
#include "ConnectionHandle.h"
#include "EventRecorder.h"
#include "PeerProcess.h"
#include "TestSettings.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <csignal>
#include <memory>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Note = TrafficEvent::ScriptNote;

namespace {

QList<TrafficEvent> scriptEvents(const EventRecorder &recorder, Note note)
{
    QList<TrafficEvent> out;
    for (const TrafficEvent &e : recorder.ofKind(Kind::Script)) {
        if (Note(e.code) == note)
            out.append(e);
    }
    return out;
}

QStringList incomingTexts(const EventRecorder &recorder)
{
    QStringList out;
    for (const TrafficEvent &e : recorder.ofKind(Kind::Text)) {
        if (e.direction == Direction::Incoming)
            out << e.text;
    }
    return out;
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return path;
}

// "ARRIVAL <ns> <message>" lines of a stamp peer whose message matches.
QList<qint64> arrivals(PeerProcess &peer, const QString &message)
{
    QList<qint64> times;
    for (const QString &line : peer.lines()) {
        const QStringList parts = line.split(QLatin1Char(' '));
        if (parts.size() >= 3 && parts.at(0) == QLatin1String("ARRIVAL")
            && line.section(QLatin1Char(' '), 2) == message)
            times << parts.at(1).toLongLong();
    }
    return times;
}

// A python-websockets peer in the given mode and a connection to it running the script, open.
struct ScriptedPeer
{
    ScriptedPeer(const QString &mode, const QString &code, int budgetMs = 500)
    {
        if (!peer.startPython({mode}))
            return;
        connection.loadScript({QStringLiteral("test.js"), code, budgetMs});
        connection.openWith(quietSettings(peer.url()));
        open = recorder.waitForState(ConnectionState::Open);
    }

    PeerProcess peer;
    ConnectionHandle connection {ConnectionSettings()}; // opened with the peer's URL
    EventRecorder recorder {&connection};
    bool open = false;
};

// `sockscope connect URL --no-ping --script FILE [extra...]` against a python-websockets echo
// peer, the script written from code into a temporary folder.
struct ScriptedCli
{
    ScriptedCli(const QString &name, const QByteArray &code, const QStringList &extra = {})
    {
        if (!peer.startPython({QStringLiteral("echo-plain")}))
            return;
        script = writeFile(dir, name, code);
        cli = std::make_unique<CliProcess>(
            QStringList {QStringLiteral("connect"), peer.url().toString(),
                QStringLiteral("--no-ping"), QStringLiteral("--script"), script}
            + extra);
    }

    QTemporaryDir dir;
    PeerProcess peer;
    QString script;
    std::unique_ptr<CliProcess> cli; // null when the peer did not start
};

// `sockscope serve --OPTION FILE` (the file written from content) and a connection opened to the
// URL it prints.
struct ServedConnection
{
    ServedConnection(const QString &option, const QString &name, const QByteArray &content)
    {
        file = writeFile(dir, name, content);
        serve = std::make_unique<CliProcess>(QStringList {QStringLiteral("serve"), option, file});
        static const QRegularExpression listening(QStringLiteral("on (ws://\\S+)"));
        if (!serve->waitForStdout(listening))
            return;
        connection = std::make_unique<ConnectionHandle>(
            quietSettings(QUrl(listening.match(serve->stdoutText()).captured(1))));
        recorder = std::make_unique<EventRecorder>(connection.get());
        connection->open();
        open = recorder->waitForState(ConnectionState::Open);
    }

    QTemporaryDir dir;
    QString file;
    std::unique_ptr<CliProcess> serve;
    std::unique_ptr<ConnectionHandle> connection;
    std::unique_ptr<EventRecorder> recorder;
    bool open = false;
};

} // namespace

class TestScripting : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }

    void autoReplyReachesTheServer()
    {
        ScriptedPeer p(QStringLiteral("stamp"),
            QStringLiteral("function onMessage(msg) {\n"
                           "  if (msg.json && msg.json.op === 'hello')\n"
                           "    return {op: 'welcome', id: msg.json.id};\n"
                           "}\n"));
        QVERIFY2(p.open, qPrintable(p.peer.errorText()));
        [[maybe_unused]] auto &[peer, connection, recorder, open] = p;
        connection.sendText(QStringLiteral(R"({"op":"hello","id":7})"));
        // The echo server sends hello back; the script answers it; the server gets the answer.
        QVERIFY(!peer.waitForLine(QStringLiteral(R"(ARRIVAL)")).isEmpty());
        QTRY_COMPARE(arrivals(peer, QStringLiteral(R"({"op":"welcome","id":7})")).size(), 1);
        QTRY_VERIFY(incomingTexts(recorder).contains(QStringLiteral(R"({"op":"welcome","id":7})")));
        QVERIFY(recorder.ofKind(Kind::Script).isEmpty());
    }

    void heartbeatAtTheApplicationLevel()
    {
        ScriptedPeer p(QStringLiteral("stamp"),
            QStringLiteral("function onOpen(ctx) {\n"
                           "  ctx.every(100, () => ctx.send({op: 'ping'}));\n"
                           "}\n"));
        QVERIFY2(p.open, qPrintable(p.peer.errorText()));
        [[maybe_unused]] auto &[peer, connection, recorder, open] = p;
        const QString ping = QStringLiteral(R"({"op":"ping"})");
        QTRY_VERIFY_WITH_TIMEOUT(arrivals(peer, ping).size() >= 4, 10000);
        const QList<qint64> times = arrivals(peer, ping);
        for (int i = 1; i < times.size(); ++i) // every 100 ms, not a burst
            QVERIFY2(times.at(i) - times.at(i - 1) >= 50'000'000,
                qPrintable(QString::number(times.at(i) - times.at(i - 1))));
        // The heartbeat stops with the connection.
        connection.requestClose(1000);
        QVERIFY(recorder.waitForState(ConnectionState::Closed));
        const int sent = recorder.count(Kind::Text, Direction::Outgoing);
        QTest::qWait(300); // waiting for an absence: no tick after the close
        QCOMPARE(recorder.count(Kind::Text, Direction::Outgoing), sent);
        QCOMPARE(recorder.count(Kind::Error), 0);
    }

    void throwingHandlerAndEndlessLoopLeaveTheConnectionWorking()
    {
        ScriptedPeer p(QStringLiteral("echo-plain"),
            QStringLiteral("function onMessage(msg) {\n"
                           "  if (msg.data === 'throw') throw new Error('handler failed');\n"
                           "  if (msg.data === 'spin') for (;;) {}\n"
                           "}\n"),
            100);
        QVERIFY2(p.open, qPrintable(p.peer.errorText()));
        [[maybe_unused]] auto &[peer, connection, recorder, open] = p;
        connection.sendText(QStringLiteral("throw"));
        connection.sendText(QStringLiteral("spin"));
        connection.sendText(QStringLiteral("after"));
        QTRY_COMPARE(incomingTexts(recorder),
            (QStringList {
                QStringLiteral("throw"), QStringLiteral("spin"), QStringLiteral("after")}));
        QTRY_COMPARE(scriptEvents(recorder, Note::Error).size(), 2);
        const QList<TrafficEvent> errors = scriptEvents(recorder, Note::Error);
        QCOMPARE(errors.at(0).text, QStringLiteral("onMessage: Error: handler failed"));
        QCOMPARE(errors.at(0).sequence, 2u);
        QCOMPARE(errors.at(1).text,
            QStringLiteral("onMessage ran longer than 100 ms and was interrupted"));
        QCOMPARE(connection.state(), ConnectionState::Open);
        connection.sendText(QStringLiteral("still open"));
        QTRY_VERIFY(incomingTexts(recorder).contains(QStringLiteral("still open")));
    }

    void connectWritesTestResultsAsJUnit()
    {
        QTemporaryDir dir;
        const QString junit = dir.filePath(QStringLiteral("results.xml"));
        ScriptedCli run(QStringLiteral("check.js"),
            "function onOpen(ctx) { ctx.send(JSON.stringify({op: 'hello', n: 3})); }\n"
            "function onMessage(msg, ctx) {\n"
            "  log('got \\x1b[31m' + msg.data);\n"
            "  test('echo keeps op', () => expect(msg.json.op).toBe('hello'));\n"
            "  test('echo doubles n', () => expect(msg.json.n).toBe(6));\n"
            "  ctx.close(1000, 'done');\n"
            "}\n",
            {QStringLiteral("--junit"), junit});
        QVERIFY2(run.cli, qPrintable(run.peer.errorText()));
        CliProcess &cli = *run.cli;
        const QString &script = run.script;
        cli.process().closeWriteChannel(); // EOF on stdin does not end a scripted session
        QCOMPARE(cli.waitForExit(), 8);
        const QString err = cli.stderrText();
        // Lines as FILE:LINE: message, escaped for the terminal.
        QVERIFY2(err.contains(script + QStringLiteral(":3: got \\e[31m{\"op\":\"hello\",\"n\":3}")),
            qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("\u2713 test echo keeps op")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("\u2717 test echo doubles n: ") + script
                     + QStringLiteral(":5: expected 3 to be 6")),
            qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("2 tests: 1 passed, 1 failed")), qPrintable(err));

        QFile file(junit);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&file);
        QStringList cases;
        QString suiteTests, suiteFailures, failureMessage;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            const QXmlStreamAttributes a = xml.attributes();
            if (xml.name() == QLatin1String("testsuite")) {
                suiteTests = a.value(QLatin1String("tests")).toString();
                suiteFailures = a.value(QLatin1String("failures")).toString();
            } else if (xml.name() == QLatin1String("testcase")) {
                cases << a.value(QLatin1String("name")).toString();
            } else if (xml.name() == QLatin1String("failure")) {
                failureMessage = cases.last() + QStringLiteral(": ")
                    + a.value(QLatin1String("message")).toString();
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(suiteTests, QStringLiteral("2"));
        QCOMPARE(suiteFailures, QStringLiteral("1"));
        QCOMPARE(cases,
            (QStringList {QStringLiteral("echo keeps op"), QStringLiteral("echo doubles n")}));
        QCOMPARE(failureMessage, QStringLiteral("echo doubles n: expected 3 to be 6"));
    }

    void connectPassingTestsExitZero()
    {
        ScriptedCli run(QStringLiteral("ok.js"),
            "function onOpen(ctx) { ctx.send('x'); }\n"
            "function onMessage(msg, ctx) { test('echo', () => expect(msg.data).toBe('x')); "
            "ctx.close(); }\n");
        QVERIFY2(run.cli, qPrintable(run.peer.errorText()));
        CliProcess &cli = *run.cli;
        QCOMPARE(cli.waitForExit(), 0);
        QVERIFY2(cli.stderrText().contains(QStringLiteral("1 test: 1 passed, 0 failed")),
            qPrintable(cli.stderrText()));
    }

    void connectScriptErrorsAreArgumentsOrLoadFailures()
    {
        QTemporaryDir dir;
        CliProcess missing({QStringLiteral("connect"), QStringLiteral("ws://127.0.0.1:1/"),
            QStringLiteral("--script"), dir.filePath(QStringLiteral("none.js"))});
        QCOMPARE(missing.waitForExit(), 2);
        QVERIFY(missing.stderrText().contains(QStringLiteral("cannot read the script")));
        CliProcess budget({QStringLiteral("connect"), QStringLiteral("ws://127.0.0.1:1/"),
            QStringLiteral("--script-budget"), QStringLiteral("5")});
        QCOMPARE(budget.waitForExit(), 2);
    }

    // A script that cannot be loaded ends connect, record and serve at once, before anything
    // connects or listens, with FILE:LINE: message and status 2 (bad input, as for proxy).
    void aScriptThatCannotBeLoadedEndsTheCommandAtOnce_data()
    {
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QString>("said");
        QTest::newRow("syntax error")
            << QByteArray("let a = 1;\nfunction (\n") << QStringLiteral(":2: SyntaxError");
        QTest::newRow("throw at the top level")
            << QByteArray("let a = 1;\n\nthrow new Error('no config');\n")
            << QStringLiteral(":3: Error: no config");
        QTest::newRow("endless top level")
            << QByteArray("while (true) {}\n") << QStringLiteral(": the script's top level ran");
    }

    void aScriptThatCannotBeLoadedEndsTheCommandAtOnce()
    {
        QFETCH(QByteArray, code);
        QFETCH(QString, said);
        QTemporaryDir dir;
        const QString script = writeFile(dir, QStringLiteral("broken.js"), code);
        PeerProcess peer;
        QVERIFY2(peer.startPython({QStringLiteral("echo-plain")}), qPrintable(peer.errorText()));
        const QStringList budget {QStringLiteral("--script"), script,
            QStringLiteral("--script-budget"), QStringLiteral("100ms")};
        for (const QStringList &arguments :
            {QStringList {
                 QStringLiteral("connect"), peer.url().toString(), QStringLiteral("--no-ping")},
                QStringList {QStringLiteral("record"), peer.url().toString(), QStringLiteral("-o"),
                    dir.filePath(QStringLiteral("out.jsonl"))},
                QStringList {QStringLiteral("serve")}}) {
            CliProcess cli(arguments + budget);
            QCOMPARE(cli.waitForExit(), 2);
            QVERIFY2(cli.stderrText().contains(script + said), qPrintable(cli.stderrText()));
            QVERIFY2(!cli.stderrText().contains(QStringLiteral("connecting")),
                qPrintable(cli.stderrText()));
            QVERIFY(cli.stdoutText().isEmpty()); // serve never said it listens
            QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("out.jsonl"))));
        }
    }

    void serveAnswersByScriptWithoutARecording()
    {
        ServedConnection served(QStringLiteral("--script"), QStringLiteral("server.js"),
            "function onOpen(ctx) { ctx.send({op: 'ready'}); }\n"
            "function onMessage(msg, ctx) {\n"
            "  ctx.vars.count = (ctx.vars.count || 0) + 1;\n"
            "  log('request', ctx.vars.count);\n"
            "  if (msg.data === 'quiet') return DROP;\n"
            "  return {op: 'answer', to: msg.json.id, count: ctx.vars.count};\n"
            "}\n");
        QVERIFY2(served.open, qPrintable(served.serve->stderrText()));
        CliProcess &serve = *served.serve;
        ConnectionHandle &connection = *served.connection;
        const EventRecorder &recorder = *served.recorder;
        const QString &script = served.file;
        QTRY_COMPARE(incomingTexts(recorder), QStringList {QStringLiteral(R"({"op":"ready"})")});
        connection.sendText(QStringLiteral(R"({"id":41})"));
        connection.sendText(QStringLiteral("quiet"));
        connection.sendText(QStringLiteral(R"({"id":43})"));
        QTRY_COMPARE(incomingTexts(recorder).size(), 3);
        QCOMPARE(
            incomingTexts(recorder).at(1), QStringLiteral(R"({"op":"answer","to":41,"count":1})"));
        QCOMPARE(
            incomingTexts(recorder).at(2), QStringLiteral(R"({"op":"answer","to":43,"count":3})"));
        QVERIFY(serve.waitForStderr(script + QStringLiteral(":4: request 3")));
        serve.signal(SIGINT);
        QCOMPARE(serve.waitForExit(), 0);
    }

    void serveAnswersByRules()
    {
        ServedConnection served(QStringLiteral("--rules"), QStringLiteral("rules.json"), R"([
            {"match": {"pointer": "/op", "equals": "ping"}, "reply": {"op": "pong", "id": "{{request:/id}}"}},
            {"match": {"pointer": "/op", "regex": "^slow"}, "reply": "late", "delay": 150},
            {"match": {"pointer": "/op", "equals": "bye"}, "reply": "bye", "close": {"code": 4001, "reason": "asked"}}
        ])");
        QVERIFY2(served.open, qPrintable(served.serve->stderrText()));
        CliProcess &serve = *served.serve;
        ConnectionHandle &connection = *served.connection;
        EventRecorder &recorder = *served.recorder;
        static const QRegularExpression announced(QStringLiteral("3 rules from .* on ws://"));
        QVERIFY(serve.stdoutText().contains(announced));
        connection.sendText(QStringLiteral(R"({"op":"slow-one"})"));
        connection.sendText(QStringLiteral(R"({"op":"ping","id":"a1"})"));
        connection.sendText(QStringLiteral(R"({"op":"unknown"})"));
        QTRY_COMPARE(incomingTexts(recorder),
            (QStringList {QStringLiteral(R"({"id":"a1","op":"pong"})"), QStringLiteral("late")}));
        connection.sendText(QStringLiteral(R"({"op":"bye"})"));
        QVERIFY(recorder.waitForState(ConnectionState::Closed));
        const TrafficEvent close = recorder.ofKind(Kind::Close).constLast();
        QCOMPARE(close.code, quint16(4001));
        QCOMPARE(close.text, QStringLiteral("asked"));
        QVERIFY(incomingTexts(recorder).contains(QStringLiteral("bye")));
        serve.signal(SIGINT);
        QCOMPARE(serve.waitForExit(), 0);

        const QString bad = writeFile(served.dir, QStringLiteral("bad.json"), R"([{"reply": 1}])");
        CliProcess badServe({QStringLiteral("serve"), QStringLiteral("--rules"), bad});
        QCOMPARE(badServe.waitForExit(), 2);
        QVERIFY2(badServe.stderrText().contains(bad + QStringLiteral(": rule 1: 'reply' must be")),
            qPrintable(badServe.stderrText()));
    }
};

QTEST_GUILESS_MAIN(TestScripting)
#include "tst_scripting.moc"
