// Mock rules (`serve --rules`): matching by JSON Pointer with equals or regex, the first match
// answering, reply templates, and a clear message for each kind of bad rules file.
#include "MockRules.h"

#include <QTest>

class TestMockRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firstMatchAnswersWithTemplate()
    {
        MockRules rules;
        QString error;
        QVERIFY2(rules.parse(R"([
            {"match": {"pointer": "/op", "equals": "ping"},
             "reply": {"op": "pong", "id": "{{request:/id}}", "note": "for {{request:/user/name}}"}},
            {"match": {"pointer": "/op", "regex": "^sub"}, "reply": "subscribed to {{request:/topic}}",
             "delay": 50},
            {"match": {"pointer": "/op", "equals": "bye"}, "close": {"code": 4000, "reason": "bye"}},
            {"reply": "fallback: {{request}}"}
        ])",
                     &error),
            qPrintable(error));
        QCOMPARE(rules.size(), 4);

        MockRules::Answer a = rules.answer(R"({"op":"ping","id":42,"user":{"name":"ann"}})", false);
        QVERIFY(a.matched);
        QCOMPARE(a.rule, 0);
        QCOMPARE(a.reply, QByteArray(R"({"id":42,"note":"for ann","op":"pong"})"));
        QCOMPARE(a.delayMs, 0);
        QVERIFY(!a.close);

        a = rules.answer(R"({"op":"subscribe","topic":"news"})", false);
        QCOMPARE(a.rule, 1);
        QCOMPARE(a.reply, QByteArray("subscribed to news"));
        QCOMPARE(a.delayMs, 50);

        a = rules.answer(R"({"op":"bye"})", false);
        QCOMPARE(a.rule, 2);
        QVERIFY(!a.hasReply);
        QVERIFY(a.close);
        QCOMPARE(a.closeCode, quint16(4000));
        QCOMPARE(a.closeReason, QStringLiteral("bye"));

        // Not JSON, and JSON without the pointer: only the rule without match answers.
        a = rules.answer("hello there", false);
        QCOMPARE(a.rule, 3);
        QCOMPARE(a.reply, QByteArray("fallback: hello there"));
        QCOMPARE(rules.answer(R"({"other":1})", false).rule, 3);
        QCOMPARE(rules.answer(QByteArray("\x00\x01", 2), true).rule, 3);
    }

    void equalsComparesJsonValues()
    {
        MockRules rules;
        QString error;
        QVERIFY(rules.parse(R"([{"match": {"pointer": "/n", "equals": 1}, "reply": "one"},
                                {"match": {"pointer": "/a/1", "equals": {"x": true}}, "reply": "deep"}])",
            &error));
        QVERIFY(rules.answer(R"({"n":1.0})", false).matched);
        QVERIFY(!rules.answer(R"({"n":"1"})", false).matched);
        QCOMPARE(rules.answer(R"({"a":[0,{"x":true}]})", false).reply, QByteArray("deep"));
        QVERIFY(!rules.answer(R"({"a":[0]})", false).matched);
    }

    void regexOnTheWholeMessage()
    {
        MockRules rules;
        QString error;
        QVERIFY(
            rules.parse(R"([{"match": {"regex": "^GET (\\w+)$"}, "reply": "got it"}])", &error));
        QVERIFY(rules.answer("GET items", false).matched);
        QVERIFY(!rules.answer("PUT items", false).matched);
        QVERIFY(!rules.answer("GET items", true).matched); // binary never matches a pattern
    }

    void missingValuesBecomeNull()
    {
        MockRules rules;
        QString error;
        QVERIFY(rules.parse(R"([{"reply": {"id": "{{request:/id}}"}}])", &error));
        QCOMPARE(rules.answer("not json", false).reply, QByteArray(R"({"id":null})"));
    }

    void badRulesAreNamed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("[{") << QStringLiteral("not JSON at byte");
        QTest::newRow("not a list") << QByteArray("{}") << QStringLiteral("expected a JSON list");
        QTest::newRow("empty") << QByteArray("[]") << QStringLiteral("no rule");
        QTest::newRow("not an object")
            << QByteArray("[1]") << QStringLiteral("rule 1: expected an object");
        QTest::newRow("unknown key") << QByteArray(R"([{"reply":"x","replies":1}])")
                                     << QStringLiteral("rule 1: unknown key 'replies'");
        QTest::newRow("no action") << QByteArray(R"([{"reply":"x"},{"delay":5}])")
                                   << QStringLiteral("rule 2: a rule needs a 'reply'");
        QTest::newRow("bad regex")
            << QByteArray("[{\"match\":{\"regex\":\"(\"},\"reply\":\"x\"}]")
            << QStringLiteral("rule 1: 'regex' is not a valid regular expression");
        QTest::newRow("both") << QByteArray(
            R"([{"match":{"pointer":"/a","equals":1,"regex":"x"},"reply":"x"}])")
                              << QStringLiteral("exactly one of 'equals' and 'regex'");
        QTest::newRow("bad pointer")
            << QByteArray(R"([{"match":{"pointer":"a","equals":1},"reply":"x"}])")
            << QStringLiteral("JSON Pointer");
        QTest::newRow("negative delay") << QByteArray(R"([{"reply":"x","delay":-1}])")
                                        << QStringLiteral("'delay' must be a number of ms");
        QTest::newRow("huge delay") << QByteArray(R"([{"reply":"x","delay":1e12}])")
                                    << QStringLiteral("'delay' must be a number of ms");
        QTest::newRow("reserved close code")
            << QByteArray(R"([{"close":{"code":1006}}])") << QStringLiteral("'close' code");
        // Found by fuzz_mockrules: a code past int's range was converted before being checked.
        QTest::newRow("huge close code")
            << QByteArray(R"([{"close":{"code":2e128}}])") << QStringLiteral("'close' code");
        QTest::newRow("close code as text")
            << QByteArray(R"([{"close":{"code":"4000"}}])") << QStringLiteral("'close' code");
        QTest::newRow("fractional close code")
            << QByteArray(R"([{"close":{"code":4000.5}}])") << QStringLiteral("'close' code");
        QTest::newRow("close reason not text")
            << QByteArray(R"([{"close":{"code":4000,"reason":5}}])")
            << QStringLiteral("'close' reason must be a text");
        QTest::newRow("numeric reply")
            << QByteArray(R"([{"reply":5}])") << QStringLiteral("'reply' must be a text");
    }

    void badRulesAreNamed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        MockRules rules;
        QString error;
        QVERIFY(!rules.parse(json, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QCOMPARE(rules.size(), 0);
    }

    void tooManyRules()
    {
        QByteArray json = "[";
        for (int i = 0; i <= MockRules::MaxRules; ++i)
            json += QByteArray(i ? "," : "") + R"({"reply":"x"})";
        json += "]";
        MockRules rules;
        QString error;
        QVERIFY(!rules.parse(json, &error));
        QVERIFY2(error.contains(QLatin1String("at most")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestMockRules)
#include "tst_mockrules.moc"
