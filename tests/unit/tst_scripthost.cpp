// ScriptHost on its own, in the test's thread: the API of docs/scripting.md, errors with their
// line that never stop the host, the time budget, and what a script cannot reach.
#include "ScriptHost.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using Note = TrafficEvent::ScriptNote;
using Verdict = ScriptHost::Verdict;

namespace {

struct Output
{
    Note note;
    QString text;
    int line;
    QString detail;
};

// Stands for the connection: records what the script did.
class FakeConnection : public ScriptHost::Connection
{
public:
    void scriptSend(bool binary, const QByteArray &payload) override
    {
        sent.append({binary, payload});
    }
    void scriptClose(quint16 code, const QString &reason) override
    {
        closedWith = code;
        closeReason = reason;
    }
    void scriptOutput(Note note, const QString &text, int line, const QString &detail) override
    {
        outputs.append({note, text, line, detail});
    }
    QList<Output> of(Note note) const
    {
        QList<Output> out;
        for (const Output &o : outputs) {
            if (o.note == note)
                out.append(o);
        }
        return out;
    }

    QList<QPair<bool, QByteArray>> sent;
    QList<Output> outputs;
    int closedWith = 0;
    QString closeReason;
};

ScriptSource source(const QString &code, int budgetMs = ScriptSource::DefaultBudgetMs)
{
    return {QStringLiteral("t.js"), code, budgetMs};
}

Verdict text(ScriptHost &host, const QByteArray &payload)
{
    return host.message(TrafficEvent::Direction::Incoming, false, payload.constData(),
        payload.size(), 1'700'000'000'000);
}

} // namespace

class TestScriptHost : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void repliesWithTextOrJson()
    {
        FakeConnection c;
        ScriptHost host(
            source(QStringLiteral("function onMessage(msg, ctx) {\n"
                                  "  if (msg.data === 'hi') return 'hello';\n"
                                  "  if (msg.json && msg.json.op === 'ping') return {op: 'pong', "
                                  "id: msg.json.id};\n"
                                  "}\n")),
            &c);
        QVERIFY(host.load());
        QVERIFY(host.handlesMessages());
        Verdict v = text(host, "hi");
        QCOMPARE(v.kind, Verdict::Kind::Replace);
        QCOMPARE(v.payload, QByteArray("hello"));
        QVERIFY(!v.binary);
        v = text(host, R"({"op":"ping","id":7})");
        QCOMPARE(v.kind, Verdict::Kind::Replace);
        QCOMPARE(v.payload, QByteArray(R"({"op":"pong","id":7})"));
        QCOMPARE(text(host, R"({"op":"other"})").kind, Verdict::Kind::Pass);
        QVERIFY(c.outputs.isEmpty());
    }

    void dropAndBinaryReplacement()
    {
        FakeConnection c;
        ScriptHost host(
            source(QStringLiteral("function onMessage(msg) {\n"
                                  "  if (msg.data instanceof ArrayBuffer) {\n"
                                  "    const b = new Uint8Array(msg.data); b[0] = 0xff; return b;\n"
                                  "  }\n"
                                  "  if (msg.data === 'secret') return DROP;\n"
                                  "}\n")),
            &c);
        QVERIFY(host.load());
        QCOMPARE(text(host, "secret").kind, Verdict::Kind::Drop);
        const QByteArray bytes("\x01\x02\x03", 3);
        const Verdict v = host.message(
            TrafficEvent::Direction::Outgoing, true, bytes.constData(), bytes.size(), 0);
        QCOMPARE(v.kind, Verdict::Kind::Replace);
        QVERIFY(v.binary);
        QCOMPARE(v.payload, QByteArray("\xff\x02\x03", 3));
    }

    void messageFields()
    {
        FakeConnection c;
        ScriptHost host(
            source(QStringLiteral("function onMessage(msg) {\n"
                                  "  log(msg.direction, msg.size, typeof msg.time, msg.time > 0);\n"
                                  "}\n")),
            &c);
        QVERIFY(host.load());
        text(host, "héllo");
        QCOMPARE(c.of(Note::Log).size(), 1);
        QCOMPARE(c.of(Note::Log).constFirst().text, QStringLiteral("incoming 6 number true"));
        QCOMPARE(c.of(Note::Log).constFirst().line, 2);
    }

    void jsonIsParsedOnlyWhenRead()
    {
        FakeConnection c;
        ScriptHost host(
            source(QStringLiteral("let n = 0;\n"
                                  "function onMessage(msg) { n++; if (msg.data === 'read') return "
                                  "String(msg.json); }\n"
                                  "test('counted', () => expect(n).toBe(0));\n")),
            &c);
        QVERIFY(host.load());
        // Not JSON, never read as JSON: no error.
        QCOMPARE(text(host, "{not json").kind, Verdict::Kind::Pass);
        QVERIFY(c.of(Note::Error).isEmpty());
        // Read: the parse error is the script's, reported with the line that read it.
        QCOMPARE(text(host, "read").kind, Verdict::Kind::Pass);
        QCOMPARE(c.of(Note::Error).size(), 1);
        QVERIFY2(c.of(Note::Error).constFirst().text.contains(QLatin1String("SyntaxError")),
            qPrintable(c.of(Note::Error).constFirst().text));
        QCOMPARE(c.of(Note::Error).constFirst().line, 2);
    }

    void throwingHandlerPassesTheMessageAndGoesOn()
    {
        FakeConnection c;
        ScriptHost host(
            source(QStringLiteral("let calls = 0;\n"
                                  "function onMessage(msg) {\n"
                                  "  calls++;\n"
                                  "  if (calls === 1) throw new Error('first one fails');\n"
                                  "  if (calls === 2) null.x;\n"
                                  "  if (calls === 3) throw 'a string';\n"
                                  "  return 'ok ' + calls;\n"
                                  "}\n")),
            &c);
        QVERIFY(host.load());
        QCOMPARE(text(host, "a").kind, Verdict::Kind::Pass);
        QCOMPARE(text(host, "b").kind, Verdict::Kind::Pass);
        QCOMPARE(text(host, "c").kind, Verdict::Kind::Pass);
        const Verdict v = text(host, "d");
        QCOMPARE(v.payload, QByteArray("ok 4"));
        const QList<Output> errors = c.of(Note::Error);
        QCOMPARE(errors.size(), 3);
        QCOMPARE(errors.at(0).text, QStringLiteral("onMessage: Error: first one fails"));
        QCOMPARE(errors.at(0).line, 4);
        QVERIFY(errors.at(1).text.startsWith(QLatin1String("onMessage: TypeError")));
        QCOMPARE(errors.at(1).line, 5);
        QCOMPARE(errors.at(2).text, QStringLiteral("onMessage: uncaught \"a string\""));
    }

    void endlessLoopIsInterruptedAndTheHostGoesOn()
    {
        FakeConnection c;
        ScriptHost host(
            source(QStringLiteral("function onMessage(msg) {\n"
                                  "  if (msg.data === 'spin') { for (;;) { try { for (;;) {} } "
                                  "catch (e) {} } }\n"
                                  "  return 'still here';\n"
                                  "}\n"),
                100),
            &c);
        QVERIFY(host.load());
        QElapsedTimer t;
        t.start();
        QCOMPARE(text(host, "spin").kind, Verdict::Kind::Pass);
        QVERIFY2(
            t.elapsed() >= 100 && t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(c.of(Note::Error).size(), 1);
        QCOMPARE(c.of(Note::Error).constFirst().text,
            QStringLiteral("onMessage ran longer than 100 ms and was interrupted"));
        QCOMPARE(text(host, "next").payload, QByteArray("still here"));
    }

    void endlessTopLevelIsInterrupted()
    {
        FakeConnection c;
        ScriptHost host(source(QStringLiteral("while (true) {}\n"), 50), &c);
        QVERIFY(!host.load());
        QCOMPARE(c.of(Note::LoadFailed).size(), 1);
        QVERIFY(c.of(Note::LoadFailed).constFirst().text.contains(QLatin1String("interrupted")));
    }

    void syntaxErrorNamesItsLine()
    {
        FakeConnection c;
        ScriptHost host(source(QStringLiteral("// fine\nfunction onMessage(msg {\n}\n")), &c);
        QVERIFY(!host.load());
        QCOMPARE(c.of(Note::LoadFailed).size(), 1);
        QCOMPARE(c.of(Note::LoadFailed).constFirst().line, 2);
        QVERIFY(c.of(Note::LoadFailed).constFirst().text.startsWith(QLatin1String("SyntaxError")));
    }

    void testsAndExpectations()
    {
        FakeConnection c;
        ScriptHost host(source(QStringLiteral(
                            "test('toBe', () => expect(1 + 1).toBe(2));\n"
                            "test('toEqual ignores key order', () => expect({a: 1, b: [1, 2]})"
                            ".toEqual({b: [1, 2], a: 1}));\n"
                            "test('toMatch', () => { expect('abc').toMatch(/b/); "
                            "expect('abc').toMatch('c'); });\n"
                            "test('toBeGreaterThan', () => expect(3).toBeGreaterThan(2));\n"
                            "test('not', () => expect(1).not.toBe(2));\n"
                            "test('fails', () => {\n"
                            "  expect({a: 1}).toEqual({a: 2});\n"
                            "});\n"
                            "test('throws', () => { throw new TypeError('bad'); });\n")),
            &c);
        QVERIFY(host.load());
        const QList<Output> passed = c.of(Note::TestPassed);
        QCOMPARE(passed.size(), 5);
        QCOMPARE(passed.first().text, QStringLiteral("toBe"));
        QCOMPARE(passed.first().line, 1);
        QCOMPARE(passed.at(4).line, 5);
        const QList<Output> failed = c.of(Note::TestFailed);
        QCOMPARE(failed.size(), 2);
        QCOMPARE(failed.at(0).text, QStringLiteral("fails"));
        QCOMPARE(failed.at(0).detail, QStringLiteral("expected {\"a\":1} to equal {\"a\":2}"));
        QCOMPARE(failed.at(0).line, 7);
        QCOMPARE(failed.at(1).detail, QStringLiteral("TypeError: bad"));
        QCOMPARE(failed.at(1).line, 9);
    }

    void contextSendsClosesAndKeepsVars()
    {
        FakeConnection c;
        ScriptHost host(source(QStringLiteral(
                            "function onOpen(ctx) { ctx.vars.n = 0; ctx.send('hello'); "
                            "ctx.send({op: 'hi'}); ctx.send(new Uint8Array([1, 2])); }\n"
                            "function onMessage(msg, ctx) { ctx.vars.n++; if (ctx.vars.n === 2) "
                            "ctx.close(4000, 'done'); }\n"
                            "function onClose(code, reason, ctx) { log('closed', code, reason, "
                            "ctx.vars.n); }\n")),
            &c);
        QVERIFY(host.load());
        host.opened();
        QCOMPARE(c.sent.size(), 3);
        QCOMPARE(c.sent.at(0), qMakePair(false, QByteArray("hello")));
        QCOMPARE(c.sent.at(1), qMakePair(false, QByteArray(R"({"op":"hi"})")));
        QCOMPARE(c.sent.at(2), qMakePair(true, QByteArray("\x01\x02", 2)));
        text(host, "a");
        text(host, "b");
        QCOMPARE(c.closedWith, 4000);
        QCOMPARE(c.closeReason, QStringLiteral("done"));
        host.closed(4000, QStringLiteral("done"));
        QCOMPARE(c.of(Note::Log).constLast().text, QStringLiteral("closed 4000 done 2"));
    }

    void timersRunAndStopAtClose()
    {
        FakeConnection c;
        ScriptHost host(
            source(QStringLiteral("function onOpen(ctx) {\n"
                                  "  ctx.every(20, () => ctx.send('tick'));\n"
                                  "  ctx.after(10, () => ctx.send('once'));\n"
                                  "  const id = ctx.after(10, () => ctx.send('cancelled'));\n"
                                  "  ctx.cancel(id);\n"
                                  "}\n")),
            &c);
        QVERIFY(host.load());
        host.opened();
        QTRY_VERIFY(c.sent.size() >= 4);
        QCOMPARE(c.sent.count(qMakePair(false, QByteArray("once"))), 1);
        QCOMPARE(c.sent.count(qMakePair(false, QByteArray("cancelled"))), 0);
        host.closed(1000, {});
        const qsizetype after = c.sent.size();
        QTest::qWait(100); // nothing may happen: a wait for an absence
        QCOMPARE(c.sent.size(), after);
    }

    void timerArgumentsAreChecked()
    {
        FakeConnection c;
        ScriptHost host(source(QStringLiteral("function onOpen(ctx) {\n"
                                              "  ctx.every(0, () => {});\n"
                                              "}\n")),
            &c);
        QVERIFY(host.load());
        host.opened();
        QCOMPARE(c.of(Note::Error).size(), 1);
        QVERIFY(c.of(Note::Error).constFirst().text.contains(QLatin1String("RangeError")));
        QCOMPARE(c.of(Note::Error).constFirst().line, 2);
    }

    void nothingBeyondTheApiIsReachable()
    {
        FakeConnection c;
        ScriptHost host(source(QStringLiteral(
                            "const g = this;\n"
                            "test('globals', () => {\n"
                            "  for (const name of ['console', 'print', 'gc', 'Qt', 'require', "
                            "'XMLHttpRequest', 'fetch', 'WebSocket', 'Atomics', "
                            "'SharedArrayBuffer', 'qsTr', 'importScripts'])\n"
                            "    expect(typeof g[name]).toBe('undefined');\n"
                            "});\n"
                            "test('no dynamic import', () => {\n"
                            "  let threw = false;\n"
                            "  try { new Function(\"return import('/etc/passwd')\")(); } catch "
                            "(e) { threw = e instanceof SyntaxError; }\n"
                            "  expect(threw).toBe(true);\n"
                            "});\n")),
            &c);
        QVERIFY(host.load());
        QCOMPARE(c.of(Note::TestFailed).size(), 0);
        QCOMPARE(c.of(Note::TestPassed).size(), 2);
        // Static imports do not even parse.
        FakeConnection c2;
        ScriptHost importing(source(QStringLiteral("import x from '/etc/passwd';\n")), &c2);
        QVERIFY(!importing.load());
        QCOMPARE(c2.of(Note::LoadFailed).size(), 1);
    }

    void noHandlerNoCall()
    {
        FakeConnection c;
        ScriptHost host(source(QStringLiteral("function onOpen(ctx) {}\n")), &c);
        QVERIFY(host.load());
        QVERIFY(!host.handlesMessages());
        QCOMPARE(text(host, "x").kind, Verdict::Kind::Pass);
    }
};

QTEST_GUILESS_MAIN(TestScriptHost)
#include "tst_scripthost.moc"
