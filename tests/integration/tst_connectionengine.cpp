// The connection engine against in-process servers: messages both ways, batching, every way a
// connection can end (each yields exactly one close event saying who closed and why), limits,
// and live heartbeat changes.
#include "ConnectionHandle.h"
#include "EventRecorder.h"
#include "TestServer.h"
#include "TestSettings.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Closer = TrafficEvent::Closer;
using Cause = TrafficEvent::CloseCause;

class TestConnectionEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void messagesBothWaysCarryTimeDirectionTypeAndSize();
    void eventsArriveInBatchesNotOneSignalPerMessage();
    void payloadsSurviveBatchBoundariesAndLargeMessages();
    void closeWhileOpenYieldsOneCloseEventWithOurCode();
    void serverCloseCodeAndReasonAreReported();
    void rejectedUpgradeNamesTheStatusAndDropsTcp();
    void connectTimeoutAbortsAndReports();
    void cancelEndsAPendingConnect_data();
    void cancelEndsAPendingConnect();
    void closeDuringALargeIncomingMessage();
    void tooLargeMessageIsRefusedWithAClearMessage();
    void heartbeatMeasuresRoundTrips();
    void heartbeatChangesApplyWhileOpen();
    void pingNowWorksWithHeartbeatOff();
    void sendingWhenNotOpenIsReported();
    void invalidSettingsFailCleanly();
    void reconnectsAfterTheServerCloses();
    void reopenAfterClose();
};

void TestConnectionEngine::initTestCase()
{
    // A thread or timer misuse warning from Qt is a bug here.
    QTest::failOnWarning(
        QRegularExpression(QStringLiteral("[Tt]imer|[Tt]hread|QObject|QSocketNotifier")));
}

void TestConnectionEngine::messagesBothWaysCarryTimeDirectionTypeAndSize()
{
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    QCOMPARE(connection.state(), ConnectionState::Open);

    connection.sendText(QStringLiteral("héllo"));
    connection.sendBinary(QByteArray("\x00\x01\x02\xff", 4));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming)
            + recorder.count(Kind::Binary, Direction::Incoming),
        2);

    const QList<TrafficEvent> texts = recorder.ofKind(Kind::Text);
    QCOMPARE(texts.size(), 2);
    QCOMPARE(texts.at(0).direction, Direction::Outgoing);
    QCOMPARE(texts.at(1).direction, Direction::Incoming);
    for (const TrafficEvent &e : texts) {
        QCOMPARE(e.text, QStringLiteral("héllo"));
        QCOMPARE(e.size, qint64(6)); // UTF-8 bytes
    }
    const QList<TrafficEvent> binaries = recorder.ofKind(Kind::Binary);
    QCOMPARE(binaries.size(), 2);
    QCOMPARE(binaries.at(1).data, QByteArray("\x00\x01\x02\xff", 4));
    QCOMPARE(binaries.at(1).size, qint64(4));

    qint64 previous = -1;
    for (const TrafficEvent &e : std::as_const(recorder.events)) {
        QVERIFY2(e.timeUs >= previous, "event times must never go backwards");
        previous = e.timeUs;
        QVERIFY(
            e.wallMs >= before - 1000 && e.wallMs <= QDateTime::currentMSecsSinceEpoch() + 1000);
    }
    QCOMPARE(recorder.events.first().kind, Kind::Connecting);
}

void TestConnectionEngine::eventsArriveInBatchesNotOneSignalPerMessage()
{
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    const int batchesBefore = recorder.batches;
    connection.sendText(QStringLiteral("burst 20000 64"));
    QTRY_COMPARE_WITH_TIMEOUT(recorder.count(Kind::Text, Direction::Incoming), 20000, 20000);
    const int batches = recorder.batches - batchesBefore;
    QVERIFY2(batches * 20 <= 20000,
        qPrintable(QStringLiteral("%1 batches for 20000 messages").arg(batches)));
}

void TestConnectionEngine::payloadsSurviveBatchBoundariesAndLargeMessages()
{
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    // 3000 x 300 bytes overflow a batch's 256 KiB payload buffer several times.
    connection.sendText(QStringLiteral("burst 3000 300"));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 3000);
    const QList<TrafficEvent> texts = recorder.ofKind(Kind::Text);
    for (int i = 0; i < 3000; ++i) {
        const TrafficEvent &e = texts.at(i + 1); // after the outgoing command
        QCOMPARE(e.text, QString::number(i).leftJustified(300, QLatin1Char('x')));
        QCOMPARE(e.size, qint64(300));
    }
    // Large payloads (kept out of the buffer) and non-ASCII text arrive intact too.
    const QString bigText = QStringLiteral("ü").repeated(100'000);
    connection.sendText(bigText);
    connection.sendText(QStringLiteral("binary 200000"));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 3001);
    QTRY_COMPARE(recorder.count(Kind::Binary, Direction::Incoming), 1);
    // The echo may come back before or after "binary 200000" is logged as sent: the last
    // incoming text is the echo.
    TrafficEvent echo;
    for (const TrafficEvent &e : recorder.ofKind(Kind::Text)) {
        if (e.direction == Direction::Incoming)
            echo = e;
    }
    QCOMPARE(echo.text, bigText);
    QCOMPARE(echo.size, qint64(200'000));
    QCOMPARE(recorder.ofKind(Kind::Binary).constLast().data, QByteArray(200000, 'b'));
}

void TestConnectionEngine::closeWhileOpenYieldsOneCloseEventWithOurCode()
{
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.requestClose(4000, QStringLiteral("done here"));
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    QCOMPARE(recorder.count(Kind::Close), 1);
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.closedBy, Closer::Local);
    QCOMPARE(close.code, quint16(4000));
    QCOMPARE(close.text, QStringLiteral("done here"));
    QCOMPARE(close.cause, Cause::Requested);
    QTRY_COMPARE(server.clientsGone(), 1);

    // A second close, or a close on a closed connection, adds nothing.
    connection.requestClose(1000);
    connection.sendText(QStringLiteral("late"));
    QVERIFY(recorder.waitFor(Kind::Error));
    QCOMPARE(recorder.count(Kind::Close), 1);
}

void TestConnectionEngine::serverCloseCodeAndReasonAreReported()
{
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.sendText(QStringLiteral("close 4001 bye now"));
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    QCOMPARE(recorder.count(Kind::Close), 1);
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.closedBy, Closer::Peer);
    QCOMPARE(close.code, quint16(4001));
    QCOMPARE(close.text, QStringLiteral("bye now"));
    QCOMPARE(close.cause, Cause::PeerClosed);
}

void TestConnectionEngine::rejectedUpgradeNamesTheStatusAndDropsTcp()
{
    TestServer server(TestServer::Mode::Redirect);
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    const TrafficEvent error = recorder.ofKind(Kind::Error).value(0);
    QCOMPARE(error.code, quint16(302));
    QVERIFY2(error.text.contains(QLatin1String("302 Found")), qPrintable(error.text));
    const TrafficEvent close = recorder.ofKind(Kind::Close).value(0);
    QCOMPARE(close.cause, Cause::ConnectFailed);
    QCOMPARE(close.code, quint16(1006));
    // Qt 6.4.2 alone would keep this TCP connection open; the server must see it go.
    QTRY_COMPARE(server.clientsGone(), 1);
}

void TestConnectionEngine::connectTimeoutAbortsAndReports()
{
    TestServer server(TestServer::Mode::Silent);
    ConnectionSettings s = quietSettings(server.url());
    s.connectTimeoutMs = 200;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    QCOMPARE(recorder.ofKind(Kind::Close).value(0).cause, Cause::ConnectTimeout);
    QVERIFY(recorder.ofKind(Kind::Error).value(0).text.contains(QLatin1String("200 ms")));
    QTRY_COMPARE(server.clientsGone(), 1);
}

void TestConnectionEngine::cancelEndsAPendingConnect_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::newRow("upgrade never answered") << "ws";
    QTest::newRow("TLS handshake never answered") << "wss";
}

void TestConnectionEngine::cancelEndsAPendingConnect()
{
    QFETCH(QString, scheme);
    TestServer server(TestServer::Mode::Silent);
    QUrl url = server.url();
    url.setScheme(scheme);
    ConnectionHandle connection(quietSettings(url));
    EventRecorder recorder(&connection);
    connection.open();
    QTRY_COMPARE(server.accepted(), 1);
    QCOMPARE(connection.state(), ConnectionState::Connecting);
    QElapsedTimer timer;
    timer.start();
    connection.cancel();
    QVERIFY(recorder.waitForState(ConnectionState::Closed, 5000));
    QVERIFY2(timer.elapsed() < 2000, "a cancelled connect must not wait for any timeout");
    QCOMPARE(recorder.count(Kind::Close), 1);
    QCOMPARE(recorder.ofKind(Kind::Close).constFirst().cause, Cause::Cancelled);
    QTRY_COMPARE(server.clientsGone(), 1);
}

void TestConnectionEngine::closeDuringALargeIncomingMessage()
{
    TestServer server(TestServer::Mode::Trickle); // a 64 MiB frame arriving slowly
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.requestClose(1000, QStringLiteral("enough"));
    QVERIFY(recorder.waitForState(ConnectionState::Closed, 5000));
    QCOMPARE(recorder.count(Kind::Close), 1);
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.closedBy, Closer::Local);
    QCOMPARE(close.code, quint16(1000));
    QTRY_COMPARE(server.clientsGone(), 1);
}

void TestConnectionEngine::tooLargeMessageIsRefusedWithAClearMessage()
{
    TestServer server;
    ConnectionSettings s = quietSettings(server.url());
    s.maxIncomingMessageSize = 1024;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.sendText(QStringLiteral("hello")); // fits
    connection.sendText(QStringLiteral("binary 4096")); // does not
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    QCOMPARE(recorder.count(Kind::Text, Direction::Incoming), 1);
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.code, quint16(1009));
    QCOMPARE(close.closedBy, Closer::Local);
    QCOMPARE(close.cause, Cause::ProtocolError);
    const TrafficEvent error = recorder.ofKind(Kind::Error).value(0);
    QVERIFY2(error.text.contains(QLatin1String("1 KiB limit")), qPrintable(error.text));
}

void TestConnectionEngine::heartbeatMeasuresRoundTrips()
{
    TestServer server;
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat.enabled = true;
    s.heartbeat.intervalMs = 50;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Pong, 3));
    const QList<TrafficEvent> pings = recorder.ofKind(Kind::Ping);
    const QList<TrafficEvent> pongs = recorder.ofKind(Kind::Pong);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(pongs.at(i).sequence, pings.at(i).sequence);
        QCOMPARE(pongs.at(i).direction, Direction::Incoming);
        QVERIFY(pongs.at(i).durationUs >= 0);
        QVERIFY(pongs.at(i).durationUs < 1'000'000);
        QCOMPARE(pongs.at(i).timeUs - pings.at(i).timeUs, pongs.at(i).durationUs);
    }
    QCOMPARE(pings.at(1).sequence, pings.at(0).sequence + 1);
}

void TestConnectionEngine::heartbeatChangesApplyWhileOpen()
{
    TestServer server;
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat.enabled = true;
    s.heartbeat.intervalMs = 60000; // nothing would be pinged during this test
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    QCOMPARE(recorder.count(Kind::Ping), 0);

    HeartbeatSettings fast = s.heartbeat;
    fast.intervalMs = 50;
    connection.setHeartbeat(fast);
    QVERIFY(recorder.waitFor(Kind::Pong, 5, 5000));
    QVERIFY(recorder.waitFor(Kind::HeartbeatChange));
    QVERIFY(
        recorder.ofKind(Kind::HeartbeatChange).constFirst().text.contains(QLatin1String("50 ms")));
    QCOMPARE(recorder.states.count(ConnectionState::Open), 1); // no reconnect

    HeartbeatSettings off = fast;
    off.enabled = false;
    connection.setHeartbeat(off);
    QVERIFY(recorder.waitFor(Kind::HeartbeatChange, 2));
    const qint64 offAt = recorder.ofKind(Kind::HeartbeatChange).at(1).timeUs;
    // Let the worker's idle reports (one per 200 ms) mark the passing of time, then check.
    int reports = 0;
    connect(&connection, &ConnectionHandle::eventsReceived, this, [&reports] { ++reports; });
    QTRY_VERIFY_WITH_TIMEOUT(reports >= 3, 5000);
    for (const TrafficEvent &ping : recorder.ofKind(Kind::Ping))
        QVERIFY2(ping.timeUs <= offAt, "a ping went out after the heartbeat was switched off");
}

void TestConnectionEngine::pingNowWorksWithHeartbeatOff()
{
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.pingNow();
    QVERIFY(recorder.waitFor(Kind::Pong));
    QCOMPARE(recorder.count(Kind::Ping), 1);
    QVERIFY(recorder.ofKind(Kind::Pong).constFirst().durationUs >= 0);
}

void TestConnectionEngine::sendingWhenNotOpenIsReported()
{
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.sendText(QStringLiteral("too early"));
    QVERIFY(recorder.waitFor(Kind::Error));
    QVERIFY(recorder.ofKind(Kind::Error).constFirst().text.contains(QLatin1String("not open")));
    QCOMPARE(recorder.count(Kind::Text), 0);
}

void TestConnectionEngine::invalidSettingsFailCleanly()
{
    ConnectionSettings s;
    s.url = QUrl(QStringLiteral("http://example.org/"));
    s.heartbeat.enabled = false;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    QVERIFY(recorder.ofKind(Kind::Error).constFirst().text.contains(QLatin1String("ws://")));
    QCOMPARE(recorder.ofKind(Kind::Close).constFirst().cause, Cause::ConnectFailed);
}

void TestConnectionEngine::reconnectsAfterTheServerCloses()
{
    TestServer server;
    ConnectionSettings s = quietSettings(server.url());
    s.reconnect.enabled = true;
    s.reconnect.initialDelayMs = 50;
    s.reconnect.maxDelayMs = 200;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.sendText(QStringLiteral("close 1001 restarting"));
    QVERIFY(recorder.waitForState(ConnectionState::Reconnecting));
    QVERIFY(recorder.waitFor(Kind::Open, 2));
    QCOMPARE(connection.state(), ConnectionState::Open);
    QVERIFY(
        recorder.ofKind(Kind::Note).constFirst().text.contains(QLatin1String("reconnecting in")));

    // A close the user asks for is never followed by a reconnect.
    connection.requestClose(1000);
    QVERIFY(recorder.waitFor(Kind::Close, 2));
    QTRY_COMPARE(connection.state(), ConnectionState::Closed);
    QCOMPARE(recorder.states.last(), ConnectionState::Closed);
}

void TestConnectionEngine::reopenAfterClose()
{
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.requestClose(1000);
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Open, 2));
    connection.sendText(QStringLiteral("again"));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 1);
}

QTEST_GUILESS_MAIN(TestConnectionEngine)
#include "tst_connectionengine.moc"
