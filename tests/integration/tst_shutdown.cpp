// Shutting down joins every connection thread in bounded time, whatever each connection is doing,
// with no thread or timer warnings from Qt.
#include "ConnectionHandle.h"
#include "ConnectionManager.h"
#include "EventRecorder.h"
#include "TestServer.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTest>
#include <QThread>

namespace {
ConnectionSettings settingsFor(const QUrl &url)
{
    ConnectionSettings s;
    s.url = url;
    s.heartbeat.intervalMs = 50; // timers busy in every open connection
    return s;
}
} // namespace

class TestShutdown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void fiftyConnectionsInMixedStates();
    void connectionsThatNeverOpenedOrAreReconnecting();
    void destroyingAHandleRightAfterCreatingIt();
};

void TestShutdown::init()
{
    // Any warning at all (a timer stopped from another thread, a QObject deleted in the wrong
    // thread, a running QThread destroyed) fails the test.
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void TestShutdown::fiftyConnectionsInMixedStates()
{
    TestServer echo;
    TestServer silent(TestServer::Mode::Silent);
    TestServer trickle(TestServer::Mode::Trickle);
    ConnectionManager manager;
    QList<EventRecorder *> openOnes;
    QList<EventRecorder *> receiving;
    for (int i = 0; i < 20; ++i) {
        ConnectionHandle *c = manager.createConnection(settingsFor(echo.url()));
        openOnes << new EventRecorder(c);
        c->open();
    }
    for (int i = 0; i < 15; ++i)
        manager.createConnection(settingsFor(silent.url()))->open();
    for (int i = 0; i < 15; ++i) {
        ConnectionHandle *c = manager.createConnection(settingsFor(trickle.url()));
        receiving << new EventRecorder(c);
        c->open();
    }
    QCOMPARE(manager.connections().size(), 50);
    for (EventRecorder *r : std::as_const(openOnes))
        QVERIFY(r->waitForState(ConnectionState::Open));
    for (EventRecorder *r : std::as_const(receiving))
        QVERIFY(r->waitForState(ConnectionState::Open));
    QTRY_COMPARE(silent.accepted(), 15); // all 15 are stuck in the handshake
    QTRY_VERIFY(std::all_of(openOnes.cbegin(), openOnes.cend(),
        [](EventRecorder *r) { return r->count(TrafficEvent::Kind::Pong) > 0; }));

    QList<QPointer<ConnectionHandle>> handles;
    for (ConnectionHandle *c : manager.connections())
        handles << c;
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(manager.shutdownAll(), "every connection thread must be joined");
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QStringLiteral("took %1 ms").arg(timer.elapsed())));
    QVERIFY(manager.connections().isEmpty());
    for (const QPointer<ConnectionHandle> &h : handles)
        QVERIFY(h.isNull());
    // The open ones said goodbye: each server saw its clients leave.
    QTRY_COMPARE(echo.clientsGone(), 20);
    QTRY_COMPARE(silent.clientsGone(), 15);
    QTRY_COMPARE(trickle.clientsGone(), 15);
}

void TestShutdown::connectionsThatNeverOpenedOrAreReconnecting()
{
    TestServer silent(TestServer::Mode::Silent);
    ConnectionManager manager;
    manager.createConnection(settingsFor(silent.url())); // idle: never opened
    ConnectionSettings retrying = settingsFor(QUrl(QStringLiteral("ws://127.0.0.1:9/"))); // refused
    retrying.reconnect.enabled = true;
    retrying.reconnect.initialDelayMs = 60000;
    ConnectionHandle *c = manager.createConnection(retrying);
    auto *recorder = new EventRecorder(c); // owned by the connection, which the manager deletes
    c->open();
    QVERIFY(recorder->waitForState(ConnectionState::Reconnecting));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(manager.shutdownAll());
    QVERIFY(timer.elapsed() < 3000);
}

void TestShutdown::destroyingAHandleRightAfterCreatingIt()
{
    TestServer echo;
    for (int i = 0; i < 10; ++i) {
        auto *c = new ConnectionHandle(settingsFor(echo.url()));
        if (i % 2)
            c->open();
        delete c;
    }
}

QTEST_GUILESS_MAIN(TestShutdown)
#include "tst_shutdown.moc"
