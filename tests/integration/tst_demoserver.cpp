// The built-in demo server's endpoints, driven through the engine like the window drives them.
#include "ConnectionHandle.h"
#include "DemoServer.h"
#include "EventRecorder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

class TestDemoServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void echo();
    void tickerSendsJsonAtTheRequestedRate();
    void binarySendsFrames();
    void stallStopsPongsThenTheyResume();
    void aStallHoldsUpOnlyTheConnectionThatAsked();
    void closeUsesTheGivenCodeAndReason();
    void unknownEndpointIsExplained();

private:
    ConnectionSettings settingsFor(const QString &path) const;
    DemoServer m_demo;
};

void TestDemoServer::initTestCase()
{
    QString error;
    QVERIFY2(m_demo.start(&error), qPrintable(error));
    QVERIFY(m_demo.url(QStringLiteral("/echo"))
                .toString()
                .startsWith(QLatin1String("ws://127.0.0.1:")));
}

ConnectionSettings TestDemoServer::settingsFor(const QString &path) const
{
    ConnectionSettings s;
    s.url = m_demo.url(path);
    s.heartbeat.enabled = false;
    return s;
}

void TestDemoServer::echo()
{
    ConnectionHandle connection(settingsFor(QStringLiteral("/echo")));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.sendText(QStringLiteral("ping?"));
    connection.sendBinary(QByteArray("\x01\x02", 2));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 1);
    QTRY_COMPARE(recorder.count(Kind::Binary, Direction::Incoming), 1);
    QCOMPARE(recorder.ofKind(Kind::Text).constLast().text, QStringLiteral("ping?"));
}

void TestDemoServer::tickerSendsJsonAtTheRequestedRate()
{
    ConnectionHandle connection(settingsFor(QStringLiteral("/ticker?rate=1000")));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Text, 200, 10000));
    const TrafficEvent first = recorder.ofKind(Kind::Text).constFirst();
    const QJsonObject tick = QJsonDocument::fromJson(first.text.toUtf8()).object();
    QCOMPARE(tick.value(QStringLiteral("seq")).toInt(), 1);
    QCOMPARE(tick.value(QStringLiteral("symbol")).toString(), QStringLiteral("SOCK"));
    QVERIFY(tick.value(QStringLiteral("price")).toDouble() > 0);
    QVERIFY(first.text.startsWith(QLatin1String("{\"seq\":1,"))); // fields in their natural order
    const QList<TrafficEvent> ticks = recorder.ofKind(Kind::Text);
    const double seconds = (ticks.at(199).timeUs - ticks.at(0).timeUs) / 1e6;
    QVERIFY2(seconds < 2.0, "1000 ticks per second means 200 ticks well within 2 s"); // hang bound
}

void TestDemoServer::binarySendsFrames()
{
    ConnectionHandle connection(settingsFor(QStringLiteral("/binary")));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Binary, 2, 5000));
    const TrafficEvent frame = recorder.ofKind(Kind::Binary).constFirst();
    QVERIFY(frame.data.startsWith("SSCP-DEMO"));
    QCOMPARE(frame.size, qint64(9 + 4 + 32));
}

void TestDemoServer::stallStopsPongsThenTheyResume()
{
    ConnectionSettings s = settingsFor(QStringLiteral("/stall?seconds=1"));
    s.heartbeat = {true, 100, 400, HeartbeatSettings::TimeoutAction::Report};
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Pong, 2));
    connection.sendText(QStringLiteral("stall")); // stall now rather than in 3 s
    QVERIFY(recorder.waitFor(Kind::PongTimeout, 1, 10000));
    const qint64 stalledAt = recorder.ofKind(Kind::PongTimeout).constFirst().timeUs;
    QTRY_VERIFY_WITH_TIMEOUT(recorder.ofKind(Kind::Pong).constLast().timeUs > stalledAt, 10000);
    QVERIFY(recorder.ofKind(Kind::Text).constLast().text.startsWith(QLatin1String("back after")));
    QCOMPARE(connection.state(), ConnectionState::Open);
}

void TestDemoServer::aStallHoldsUpOnlyTheConnectionThatAsked()
{
    ConnectionSettings stalling = settingsFor(QStringLiteral("/stall?seconds=2"));
    stalling.heartbeat = {true, 100, 400, HeartbeatSettings::TimeoutAction::Report};
    ConnectionSettings other = settingsFor(QStringLiteral("/stall?seconds=2"));
    other.heartbeat = stalling.heartbeat;
    ConnectionSettings echo = settingsFor(QStringLiteral("/echo"));
    echo.heartbeat = stalling.heartbeat;
    ConnectionHandle a(stalling), b(other), c(echo);
    EventRecorder ra(&a), rb(&b), rc(&c);
    a.open();
    b.open();
    c.open();
    QVERIFY(ra.waitFor(Kind::Pong, 2));
    QVERIFY(rb.waitFor(Kind::Pong, 2));
    QVERIFY(rc.waitFor(Kind::Pong, 2));
    a.sendText(QStringLiteral("stall"));
    QVERIFY(ra.waitFor(Kind::PongTimeout, 1, 10000));
    const int pongsB = rb.ofKind(Kind::Pong).size();
    const int pongsC = rc.ofKind(Kind::Pong).size();
    // While a is stalled, the other /stall connection and the echo connection keep answering.
    QTRY_VERIFY_WITH_TIMEOUT(rb.ofKind(Kind::Pong).size() >= pongsB + 5, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(rc.ofKind(Kind::Pong).size() >= pongsC + 5, 5000);
    QVERIFY(rb.ofKind(Kind::PongTimeout).isEmpty());
    QVERIFY(rc.ofKind(Kind::PongTimeout).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(
        ra.ofKind(Kind::Text).constLast().text.startsWith(QLatin1String("back after")), 10000);
}

void TestDemoServer::closeUsesTheGivenCodeAndReason()
{
    ConnectionHandle connection(settingsFor(QStringLiteral("/close?code=4000&reason=see%20you")));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.code, quint16(4000));
    QCOMPARE(close.text, QStringLiteral("see you"));
    QCOMPARE(close.closedBy, TrafficEvent::Closer::Peer);
}

void TestDemoServer::unknownEndpointIsExplained()
{
    ConnectionHandle connection(settingsFor(QStringLiteral("/nope")));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.code, quint16(1008));
    QVERIFY(close.text.contains(QLatin1String("/echo")));
}

QTEST_GUILESS_MAIN(TestDemoServer)
#include "tst_demoserver.moc"
