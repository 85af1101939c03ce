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

QTEST_GUILESS_MAIN(TestReplayer)
#include "tst_replayer.moc"
