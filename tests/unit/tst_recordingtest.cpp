// A recording as a check of a live server: steps cut at each client message, replies matched in
// order or by content, missing and extra replies, steps never reached, the plan the engine runs,
// the lines a person reads and the JUnit cases CI reads.
#include "HandMadeEvents.h"
#include "RecordingTest.h"

#include <QTest>

using Direction = TrafficEvent::Direction;

namespace {

// "> text" is sent by the client, "< text" by the server; times 1 ms apart.
TrafficBatch conversation(const QStringList &lines)
{
    TrafficBatch batch;
    batch.events.append(HandMade::event(TrafficEvent::Kind::Open, 0));
    qint64 t = 0;
    for (const QString &line : lines) {
        t += 1000;
        batch.events.append(HandMade::text(line.mid(2),
            line.startsWith(QLatin1Char('>')) ? Direction::Outgoing : Direction::Incoming, t));
    }
    return batch;
}

RecordingTest::Options options(bool unordered = false, const QStringList &ignore = {})
{
    RecordingTest::Options o;
    o.unordered = unordered;
    for (const QString &text : ignore) {
        JsonPointerPattern p;
        QString error;
        if (!JsonPointerPattern::parse(text, &p, &error))
            qFatal("%s", qPrintable(error));
        o.ignore.append(p);
    }
    return o;
}

QList<bool> verdicts(const RecordingTest &test)
{
    QList<bool> out;
    for (const auto &r : test.results())
        out.append(r.passed);
    return out;
}

QStringList recorded()
{
    return {"< {\"hello\":1}", "> {\"op\":\"get\"}", "< {\"id\":1,\"ts\":100,\"v\":\"a\"}",
        "< {\"id\":2,\"ts\":100,\"v\":\"b\"}", "> bye", "< ok"};
}

} // namespace

class TestRecordingTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void planWaitsForTheRecordedReplies();
    void steps_data();
    void steps();
    void resultsComeAsStepsEnd();
    void linesShowDifferencesSideBySide();
    void floodingServerIsBounded();
    void junitHasOneCasePerStep();
};

void TestRecordingTest::planWaitsForTheRecordedReplies()
{
    const RecordingTest test({conversation(recorded())}, options());
    QCOMPARE(test.clientMessages(), 2);
    const ReplayPlan plan = test.plan(0, 2500);
    QCOMPARE(plan.items.size(), 2);
    QCOMPARE(plan.items.at(0).payload, QByteArray("{\"op\":\"get\"}"));
    QCOMPARE(plan.items.at(0).replies, 2);
    QCOMPARE(plan.items.at(1).replies, 1);
    QCOMPARE(plan.initialReplies, 1);
    QVERIFY(plan.waitForReply);
    QVERIFY(plan.waitAfterLast);
    QCOMPARE(plan.replyTimeoutMs, 2500);
    QCOMPARE(plan.speed, 0.0);
}

void TestRecordingTest::steps_data()
{
    QTest::addColumn<QStringList>("live");
    QTest::addColumn<bool>("unordered");
    QTest::addColumn<QStringList>("ignore");
    QTest::addColumn<QList<bool>>("passed"); // steps 0, 1, 2
    QTest::addColumn<QString>("summary"); // of the first failing step

    const QList<bool> allPass {true, true, true};
    QTest::newRow("the same conversation") << recorded() << false << QStringList() << allPass << "";
    QTest::newRow("timestamps and ids changed, ignored")
        << QStringList {"< {\"hello\":1}", "> {\"op\":\"get\"}",
               "< {\"id\":8,\"ts\":555,\"v\":\"a\"}", "< {\"ts\":556,\"v\":\"b\",\"id\":9}",
               "> bye", "< ok"}
        << false << QStringList {"/ts", "/id"} << allPass << "";
    QTest::newRow("timestamps changed, not ignored")
        << QStringList {"< {\"hello\":1}", "> {\"op\":\"get\"}",
               "< {\"id\":1,\"ts\":555,\"v\":\"a\"}", "< {\"id\":2,\"ts\":100,\"v\":\"b\"}",
               "> bye", "< ok"}
        << false << QStringList() << QList<bool> {true, false, true} << "reply 1 differs at /ts";
    const QStringList swapped {"< {\"hello\":1}", "> {\"op\":\"get\"}",
        "< {\"id\":2,\"ts\":100,\"v\":\"b\"}", "< {\"id\":1,\"ts\":100,\"v\":\"a\"}", "> bye",
        "< ok"};
    QTest::newRow("replies swapped, in order")
        << swapped << false << QStringList() << QList<bool> {true, false, true}
        << "reply 1 differs at /id, /v; reply 2 differs at /id, /v";
    QTest::newRow("replies swapped, unordered")
        << swapped << true << QStringList() << allPass << "";
    QTest::newRow("a reply missing")
        << QStringList {"< {\"hello\":1}", "> {\"op\":\"get\"}",
               "< {\"id\":1,\"ts\":100,\"v\":\"a\"}", "> bye", "< ok"}
        << false << QStringList() << QList<bool> {true, false, true} << "1 reply missing";
    QTest::newRow("an extra reply")
        << QStringList {"< {\"hello\":1}", "> {\"op\":\"get\"}",
               "< {\"id\":1,\"ts\":100,\"v\":\"a\"}", "< {\"id\":2,\"ts\":100,\"v\":\"b\"}",
               "> bye", "< ok", "< surprise"}
        << false << QStringList() << QList<bool> {true, true, false} << "1 extra reply";
    QTest::newRow("no greeting") << recorded().mid(1) << false << QStringList()
                                 << QList<bool> {false, true, true} << "1 reply missing";
    QTest::newRow("text changed") << QStringList {"< {\"hello\":1}", "> {\"op\":\"get\"}",
        "< {\"id\":1,\"ts\":100,\"v\":\"a\"}", "< {\"id\":2,\"ts\":100,\"v\":\"b\"}", "> bye",
        "< OK"} << false << QStringList()
                                  << QList<bool> {true, true, false}
                                  << "reply 1 differs at the message";
    QTest::newRow("ended before the last step")
        << recorded().mid(0, 4) << false << QStringList() << QList<bool> {true, true, false}
        << "not sent: the connection ended before this step";
}

void TestRecordingTest::steps()
{
    QFETCH(QStringList, live);
    QFETCH(bool, unordered);
    QFETCH(QStringList, ignore);
    QFETCH(QList<bool>, passed);
    QFETCH(QString, summary);

    RecordingTest test({conversation(recorded())}, options(unordered, ignore));
    test.addLive(conversation(live));
    test.finish(1'000'000);
    QCOMPARE(verdicts(test), passed);
    QCOMPARE(test.passed(), !passed.contains(false));
    QCOMPARE(test.failedSteps(), passed.count(false));
    for (const auto &r : test.results()) {
        if (!r.passed) {
            QCOMPARE(r.summary(), summary);
            break;
        }
    }
}

void TestRecordingTest::resultsComeAsStepsEnd()
{
    RecordingTest test({conversation(recorded())}, options());
    const TrafficBatch live = conversation(recorded());
    // Open, greeting, first message sent: step 0 is over.
    test.addLive({live.events.mid(0, 3), {}});
    QList<RecordingTest::StepResult> fresh = test.takeNewResults();
    QCOMPARE(fresh.size(), 1);
    QCOMPARE(fresh.first().number, 0);
    QVERIFY(fresh.first().passed);
    QVERIFY(!test.allSent());
    test.addLive({live.events.mid(3, 3), {}}); // both replies and "bye": step 1 is over
    fresh = test.takeNewResults();
    QCOMPARE(fresh.size(), 1);
    QCOMPARE(fresh.first().number, 1);
    QCOMPARE(fresh.first().sent, QStringLiteral("{\"op\":\"get\"}"));
    QVERIFY(test.allSent());
    QVERIFY(test.takeNewResults().isEmpty());
    test.addLive({live.events.mid(6), {}});
    test.finish(1'000'000);
    fresh = test.takeNewResults();
    QCOMPARE(fresh.size(), 1);
    QCOMPARE(fresh.first().number, 2);
    QVERIFY(test.passed());
    QCOMPARE(test.passedSteps(), 3);
}

void TestRecordingTest::linesShowDifferencesSideBySide()
{
    RecordingTest test({conversation(recorded())}, options());
    test.addLive(conversation(
        {"< {\"hello\":1}", "> {\"op\":\"get\"}", "< {\"id\":1,\"ts\":100,\"v\":\"a\"}",
            "< {\"id\":2,\"ts\":12345,\"v\":null}", "> bye", "< ok", "< more"}));
    test.finish(1'000'000);
    const auto &results = test.results();
    QCOMPARE(results.at(0).lines(),
        QStringList {QStringLiteral("\u2713 step 0  (before the first message)  (1 reply)")});
    QCOMPARE(results.at(1).lines(),
        (QStringList {QStringLiteral("\u2717 step 1  {\"op\":\"get\"}  (2 replies)"),
            QStringLiteral("    reply 2  /ts  recorded: 100  live: 12345"),
            QStringLiteral("             /v   recorded: \"b\"  live: null")}));
    QCOMPARE(results.at(2).lines(),
        (QStringList {QStringLiteral("\u2717 step 2  bye  (1 reply)"),
            QStringLiteral("    extra  live: more")}));

    RecordingTest early({conversation(recorded())}, options());
    early.addLive(conversation({"< {\"hello\":1}", "> {\"op\":\"get\"}"}));
    early.finish(1'000'000);
    QCOMPARE(early.results().at(1).lines(),
        (QStringList {QStringLiteral("\u2717 step 1  {\"op\":\"get\"}  (2 replies)"),
            QStringLiteral("    reply 1 missing  recorded: {\"id\":1,\"ts\":100,\"v\":\"a\"}"),
            QStringLiteral("    reply 2 missing  recorded: {\"id\":2,\"ts\":100,\"v\":\"b\"}")}));
    QCOMPARE(early.results().at(2).lines(),
        (QStringList {QStringLiteral("\u2717 step 2  bye  (1 reply)"),
            QStringLiteral("    not sent: the connection ended before this step")}));
}

void TestRecordingTest::floodingServerIsBounded()
{
    RecordingTest test({conversation({"> go", "< one"})}, options());
    TrafficBatch flood = conversation({"> go"});
    for (int i = 0; i < 10000; ++i)
        flood.events.append(HandMade::text(QStringLiteral("x"), Direction::Incoming, 5000 + i));
    test.addLive(flood);
    test.finish(1'000'000);
    const auto &step = test.results().at(0);
    QVERIFY(!step.passed);
    QCOMPARE(step.messages.size(), 1 + RecordingTest::MaxExtraKept);
    QCOMPARE(step.extraNotKept, 10000 - 1 - RecordingTest::MaxExtraKept);
    QCOMPARE(step.summary(), QStringLiteral("reply 1 differs at the message; 9999 extra replies"));
}

void TestRecordingTest::junitHasOneCasePerStep()
{
    RecordingTest test({conversation(recorded())}, options(false, {"/ts"}));
    test.addLive(conversation(recorded().mid(0, 3)));
    test.finish(1'000'000);
    const JUnitReport report = test.junit(QStringLiteral("chat.jsonl"), QStringLiteral("ws://h/"));
    QCOMPARE(report.suites().size(), 1);
    const JUnitReport::Suite &suite = report.suites().first();
    QCOMPARE(suite.cases.size(), 3);
    QCOMPARE(suite.cases.at(0).name, QStringLiteral("step 0"));
    QCOMPARE(suite.cases.at(0).outcome, JUnitReport::Outcome::Passed);
    QCOMPARE(suite.cases.at(1).name, QStringLiteral("step 1: {\"op\":\"get\"}"));
    QCOMPARE(suite.cases.at(1).outcome, JUnitReport::Outcome::Failed);
    QCOMPARE(suite.cases.at(1).message, QStringLiteral("1 reply missing"));
    QVERIFY(suite.cases.at(1).details.contains(QLatin1String("reply 2 missing")));
    QCOMPARE(suite.cases.at(2).outcome, JUnitReport::Outcome::Error);
    QVERIFY(suite.properties.contains(qMakePair(QStringLiteral("ignore"), QStringLiteral("/ts"))));
    QVERIFY(report.hasFailures());
}

QTEST_GUILESS_MAIN(TestRecordingTest)
#include "tst_recordingtest.moc"
