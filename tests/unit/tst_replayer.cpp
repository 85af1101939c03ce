// Timed replay with offsets far beyond what a QTimer's int of milliseconds holds: nothing is sent
// early, nothing spins, no timer warning, and cancelling still works at once.
#include "EventClock.h"
#include "Replayer.h"

#include <QSignalSpy>
#include <QTest>

#include <ctime>

class TestReplayer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void hugeOffsetsWaitWithoutSpinning_data();
    void hugeOffsetsWaitWithoutSpinning();
    void waitsForEachStepsReplies();
    void repliesThatNeverComeTimeOut();
};

void TestReplayer::hugeOffsetsWaitWithoutSpinning_data()
{
    QTest::addColumn<qint64>("offsetUs");
    QTest::addColumn<double>("speed");
    // 2^31 ms and more: "Timers cannot have negative intervals" before; a wrapped value spun.
    QTest::newRow("2^31 ms") << (qint64(1) << 31) * 1000 << 1.0;
    QTest::newRow("2^32 ms + 5 ms (wraps to 5 ms)") << ((qint64(1) << 32) + 5) * 1000 << 1.0;
    QTest::newRow("6 days at 0.25") << qint64(6) * 24 * 3600 * 1'000'000 << 0.25;
    QTest::newRow("100 years") << qint64(100) * 365 * 24 * 3600 * 1'000'000 << 0.25;
}

void TestReplayer::hugeOffsetsWaitWithoutSpinning()
{
    QFETCH(qint64, offsetUs);
    QFETCH(double, speed);
    EventClock clock;
    Replayer replayer(clock);
    QSignalSpy sent(&replayer, &Replayer::sendRequested);
    QSignalSpy finished(&replayer, &Replayer::finished);
    ReplayPlan plan;
    plan.speed = speed;
    plan.items = {{0, false, "first"}, {offsetUs, false, "much later"}};
    replayer.start(plan);
    QTRY_COMPARE(sent.size(), 1);
    const std::clock_t cpuBefore = std::clock();
    QTest::qWait(300);
    const double cpuMs = double(std::clock() - cpuBefore) * 1000 / CLOCKS_PER_SEC;
    QCOMPARE(sent.size(), 1); // the second is not due yet
    QVERIFY(replayer.isRunning());
    QVERIFY2(cpuMs < 100, qPrintable(QStringLiteral("%1 ms of CPU in 300 ms").arg(cpuMs)));
    replayer.cancel();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toBool(), false);
}

namespace {

// A replayer running a test's plan: each item waits for its replies, the last one's too.
struct StepReplay
{
    EventClock clock;
    Replayer replayer {clock};
    QSignalSpy sent {&replayer, &Replayer::sendRequested};
    QSignalSpy finished {&replayer, &Replayer::finished};

    void start(const QList<ReplayItem> &items, int initialReplies, int timeoutMs)
    {
        ReplayPlan plan;
        plan.speed = 0;
        plan.waitForReply = true;
        plan.waitAfterLast = true;
        plan.initialReplies = initialReplies;
        plan.replyTimeoutMs = timeoutMs;
        plan.items = items;
        replayer.start(plan);
    }
};

} // namespace

// `sockscope test`: the greeting first, then each message after as many replies as were recorded
// after the previous one, and the end only after the last one's replies.
void TestReplayer::waitsForEachStepsReplies()
{
    StepReplay r;
    r.start({{0, false, "first", 2}, {0, false, "second", 0}, {0, false, "third", 1}}, 1, 10000);
    QTest::qWait(50);
    QCOMPARE(r.sent.size(), 0); // the greeting has not come
    r.replayer.messageReceived();
    QTRY_COMPARE(r.sent.size(), 1);
    r.replayer.messageReceived();
    QTest::qWait(50);
    QCOMPARE(r.sent.size(), 1); // one reply of two
    r.replayer.messageReceived();
    // "second" expects nothing: "third" follows at once.
    QTRY_COMPARE(r.sent.size(), 3);
    QTest::qWait(50);
    QCOMPARE(r.finished.size(), 0); // waiting for the last one's reply
    r.replayer.messageReceived();
    QTRY_COMPARE(r.finished.size(), 1);
    QCOMPARE(r.finished.first().at(0).toBool(), true);
}

void TestReplayer::repliesThatNeverComeTimeOut()
{
    StepReplay r;
    r.start({{0, false, "first", 3}, {0, false, "second", 1}}, 0, 100);
    QTRY_COMPARE(r.sent.size(), 1);
    r.replayer.messageReceived();
    QTRY_COMPARE(r.sent.size(), 2); // the other two never came
    QTRY_COMPARE(r.finished.size(), 1);
    QCOMPARE(r.finished.first().at(0).toBool(), true);
}

QTEST_GUILESS_MAIN(TestReplayer)
#include "tst_replayer.moc"
