// The engine against real peers in other processes: Debian's python3-websockets and node-ws, plus
// raw Python servers that misbehave on purpose (302, silence, dropping TCP mid-message, ignoring
// close frames), a server whose event loop blocks, and wss:// with a self-signed certificate.
#include "ConnectionHandle.h"
#include "EventRecorder.h"
#include "PeerProcess.h"
#include "TestCertificate.h"
#include "TestSettings.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Closer = TrafficEvent::Closer;
using Cause = TrafficEvent::CloseCause;

class TestRealPeers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void echo_data();
    void echo();
    void serverCloseCodeFromNode();
    void redirectIsAFailureNamingTheStatus();
    void cancelWhileTheServerNeverAnswers();
    void dropMidMessageIsReportedAs1006Promptly_data();
    void dropMidMessageIsReportedAs1006Promptly();
    void closeDoesNotWaitForAPeerThatIgnoresIt();
    void blockedServerStallsPongsThenRecovers();
    void pongTimeoutCloses();
    void pongTimeoutReconnects();
    void heartbeatKeepsItsScheduleWhileTheGuiThreadIsBlocked();
    void selfSignedCertificate_data();
    void selfSignedCertificate();
    void permessageDeflateWithRealPeers_data();
    void permessageDeflateWithRealPeers();
    void deflateCanBeTurnedOff();
    void decompressionBombIsRefusedWith1009();
    void serverKeepalivePingsAreSeenAndAnswered();
    void serverKeepaliveFiresWhenPongsAreWithheld();
    void delayedPongsGoOutLate();

private:
    QTemporaryDir m_certDir;
    QString m_cert;
    QString m_key;
};

void TestRealPeers::initTestCase()
{
    QTest::failOnWarning(
        QRegularExpression(QStringLiteral("[Tt]imer|[Tt]hread|QObject|QSocketNotifier")));
    QVERIFY(m_certDir.isValid());
    TestCertificate certificate;
    QVERIFY2(certificate.create(m_certDir), qPrintable(certificate.error()));
    m_cert = certificate.certPath();
    m_key = certificate.keyPath();
}

void TestRealPeers::echo_data()
{
    QTest::addColumn<QString>("peer");
    QTest::newRow("python-websockets") << "python";
    QTest::newRow("node-ws") << "node";
}

void TestRealPeers::echo()
{
    QFETCH(QString, peer);
    PeerProcess server;
    QVERIFY2(peer == QLatin1String("python") ? server.startPython({QStringLiteral("echo")})
                                             : server.startNode({QStringLiteral("echo")}),
        qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat.enabled = true;
    s.heartbeat.intervalMs = 50;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    connection.sendText(QStringLiteral("{\"hello\": \"wörld\"}"));
    connection.sendBinary(QByteArray::fromHex("deadbeef00"));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 1);
    QTRY_COMPARE(recorder.count(Kind::Binary, Direction::Incoming), 1);
    QCOMPARE(
        recorder.ofKind(Kind::Text).constLast().text, QStringLiteral("{\"hello\": \"wörld\"}"));
    QCOMPARE(recorder.ofKind(Kind::Binary).constLast().data, QByteArray::fromHex("deadbeef00"));
    QVERIFY(recorder.waitFor(Kind::Pong, 2));

    connection.requestClose(1000, QStringLiteral("bye"));
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    // The peer got our close frame, code and reason.
    QVERIFY(server.waitForLine(QStringLiteral("CLOSED 1000 bye")).size() > 0);
}

void TestRealPeers::serverCloseCodeFromNode()
{
    PeerProcess server;
    QVERIFY2(
        server.startNode({QStringLiteral("close"), QStringLiteral("4001"), QStringLiteral("bye")}),
        qPrintable(server.errorText()));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    QCOMPARE(recorder.count(Kind::Close), 1);
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.closedBy, Closer::Peer);
    QCOMPARE(close.code, quint16(4001));
    QCOMPARE(close.text, QStringLiteral("bye"));
}

void TestRealPeers::redirectIsAFailureNamingTheStatus()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("redirect")}), qPrintable(server.errorText()));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    const TrafficEvent error = recorder.ofKind(Kind::Error).value(0);
    QCOMPARE(error.code, quint16(302));
    QVERIFY2(error.text.contains(QLatin1String("HTTP 302 Found")), qPrintable(error.text));
    // The server kept TCP open; we must have closed it.
    QVERIFY(!server.waitForLine(QStringLiteral("CLIENT-GONE"), 5000).isEmpty());
}

void TestRealPeers::cancelWhileTheServerNeverAnswers()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("silent")}), qPrintable(server.errorText()));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(!server.waitForLine(QStringLiteral("ACCEPTED")).isEmpty());
    QElapsedTimer timer;
    timer.start();
    connection.cancel();
    QVERIFY(recorder.waitForState(ConnectionState::Closed, 5000));
    QVERIFY(timer.elapsed() < 2000);
    QCOMPARE(recorder.ofKind(Kind::Close).constFirst().cause, Cause::Cancelled);
    QVERIFY(!server.waitForLine(QStringLiteral("CLIENT-GONE"), 5000).isEmpty());
}

void TestRealPeers::dropMidMessageIsReportedAs1006Promptly_data()
{
    QTest::addColumn<bool>("viaWebsocketsLibrary");
    QTest::newRow("raw server") << false;
    QTest::newRow("python-websockets transport abort") << true;
}

void TestRealPeers::dropMidMessageIsReportedAs1006Promptly()
{
    QFETCH(bool, viaWebsocketsLibrary);
    PeerProcess server;
    QVERIFY2(server.startPython(
                 {viaWebsocketsLibrary ? QStringLiteral("echo") : QStringLiteral("dropmid")}),
        qPrintable(server.errorText()));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    if (viaWebsocketsLibrary)
        connection.sendText(QStringLiteral("drop-mid"));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    // Qt's own stalled-frame timer would only fire after 5 s, with 1001.
    QVERIFY2(timer.elapsed() < 4000, "the drop must be noticed from the TCP close, not a timeout");
    QCOMPARE(recorder.count(Kind::Close), 1);
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.code, quint16(1006));
    QCOMPARE(close.closedBy, Closer::Network);
    QCOMPARE(close.cause, Cause::Dropped);
}

void TestRealPeers::closeDoesNotWaitForAPeerThatIgnoresIt()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("deaf")}), qPrintable(server.errorText()));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    QElapsedTimer timer;
    timer.start();
    connection.requestClose(1000, QStringLiteral("leaving"));
    QVERIFY(recorder.waitForState(ConnectionState::Closed, 5000));
    QVERIFY(timer.elapsed() < 2000);
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.closedBy, Closer::Local);
    QCOMPARE(close.code, quint16(1000));
    QVERIFY(!server.waitForLine(QStringLiteral("CLIENT-GONE"), 5000).isEmpty());
}

void TestRealPeers::blockedServerStallsPongsThenRecovers()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("echo")}), qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat = {true, 100, 400, HeartbeatSettings::TimeoutAction::Report};
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Pong, 2));
    connection.sendText(QStringLiteral("stall 1.5")); // the server's event loop sleeps 1.5 s
    QVERIFY(recorder.waitFor(Kind::PongTimeout, 1, 10000));
    const TrafficEvent timeout = recorder.ofKind(Kind::PongTimeout).constFirst();
    QVERIFY(timeout.durationUs >= 400'000);
    // Pongs come back after the stall, and the connection never closed.
    QTRY_VERIFY_WITH_TIMEOUT(
        recorder.ofKind(Kind::Pong).constLast().timeUs > timeout.timeUs, 10000);
    // One report per stall: while the server slept, exactly one pong timeout (a loaded machine may
    // add late pongs outside that window, which are stalls of their own).
    qint64 stallSentUs = 0;
    for (const TrafficEvent &e : recorder.ofKind(Kind::Text)) {
        if (e.direction == Direction::Outgoing)
            stallSentUs = e.timeUs;
    }
    int duringStall = 0;
    for (const TrafficEvent &e : recorder.ofKind(Kind::PongTimeout))
        duringStall += e.timeUs >= stallSentUs && e.timeUs < stallSentUs + 1'400'000;
    QCOMPARE(duringStall, 1);
    QCOMPARE(connection.state(), ConnectionState::Open);
    QCOMPARE(recorder.count(Kind::Close), 0);
}

void TestRealPeers::pongTimeoutCloses()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("echo")}), qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat = {true, 100, 300, HeartbeatSettings::TimeoutAction::Close};
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Pong, 1));
    connection.sendText(QStringLiteral("stall 1.5"));
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    const TrafficEvent close = recorder.ofKind(Kind::Close).constFirst();
    QCOMPARE(close.code, quint16(1011));
    QCOMPARE(close.cause, Cause::HeartbeatTimeout);
    QCOMPARE(close.closedBy, Closer::Local);
}

void TestRealPeers::pongTimeoutReconnects()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("echo")}), qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat = {true, 100, 300, HeartbeatSettings::TimeoutAction::Reconnect};
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Pong, 1));
    connection.sendText(QStringLiteral("stall 1"));
    QVERIFY(recorder.waitFor(Kind::Close, 1));
    QCOMPARE(recorder.ofKind(Kind::Close).constFirst().cause, Cause::HeartbeatTimeout);
    QVERIFY(recorder.waitFor(Kind::Open, 2, 15000));
    QTRY_COMPARE(connection.state(), ConnectionState::Open);
}

void TestRealPeers::heartbeatKeepsItsScheduleWhileTheGuiThreadIsBlocked()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("echo")}), qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat = {true, 100, 2000, HeartbeatSettings::TimeoutAction::Close};
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Pong, 1));

    // Freeze this (the GUI) thread for 2 s: no event processing at all.
    const auto blockStart = EventClock::Clock::now();
    while (EventClock::Clock::now() - blockStart < std::chrono::seconds(2)) { }
    const auto blockEnd = EventClock::Clock::now();
    const qint64 startUs = connection.clock().toUs(blockStart);
    const qint64 endUs = connection.clock().toUs(blockEnd);

    // The worker stamped its pings and pongs itself; collect what it did meanwhile.
    QTRY_VERIFY(!recorder.events.isEmpty() && recorder.events.last().timeUs > endUs);
    int pings = 0;
    int pongs = 0;
    for (const TrafficEvent &e : std::as_const(recorder.events)) {
        if (e.timeUs < startUs || e.timeUs > endUs)
            continue;
        pings += e.kind == Kind::Ping;
        pongs += e.kind == Kind::Pong;
    }
    QVERIFY2(pings >= 15 && pongs >= 15,
        qPrintable(QStringLiteral("%1 pings, %2 pongs").arg(pings).arg(pongs)));
    QCOMPARE(recorder.count(Kind::PongTimeout), 0);
    QCOMPARE(connection.state(), ConnectionState::Open);
}

void TestRealPeers::selfSignedCertificate_data()
{
    QTest::addColumn<QString>("trust");
    QTest::newRow("refused by default") << "none";
    QTest::newRow("accepted with a CA file") << "ca-file";
    QTest::newRow("accepted when told to ignore errors") << "insecure";
}

void TestRealPeers::selfSignedCertificate()
{
    QFETCH(QString, trust);
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("echo"), QStringLiteral("--tls"), m_cert, m_key}),
        qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url(QStringLiteral("wss")));
    if (trust == QLatin1String("ca-file"))
        s.tls.caFile = m_cert;
    if (trust == QLatin1String("insecure"))
        s.tls.ignoreCertificateErrors = true;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    if (trust == QLatin1String("none")) {
        QVERIFY(recorder.waitForState(ConnectionState::Closed));
        const QString error = recorder.ofKind(Kind::Error).value(0).text;
        QVERIFY2(error.contains(QLatin1String("self-signed"), Qt::CaseInsensitive)
                || error.contains(QLatin1String("self signed"), Qt::CaseInsensitive),
            qPrintable(error));
        QCOMPARE(recorder.ofKind(Kind::Close).constFirst().cause, Cause::ConnectFailed);
        return;
    }
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    if (trust == QLatin1String("insecure"))
        QVERIFY(recorder.ofKind(Kind::Note).value(0).text.contains(QLatin1String("ignored")));
    connection.sendText(QStringLiteral("secret"));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 1);
}

void TestRealPeers::permessageDeflateWithRealPeers_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("noContextTakeover");
    QTest::newRow("python-websockets") << "python" << QStringList {QStringLiteral("echo")} << false;
    QTest::newRow("python-websockets, no context takeover")
        << "python" << QStringList {QStringLiteral("echo-nct")} << true;
    QTest::newRow("node-ws") << "node" << QStringList {QStringLiteral("deflate-echo")} << false;
    QTest::newRow("node-ws, no context takeover")
        << "node" << QStringList {QStringLiteral("deflate-echo"), QStringLiteral("nct")} << true;
}

void TestRealPeers::permessageDeflateWithRealPeers()
{
    QFETCH(QString, peer);
    QFETCH(QStringList, arguments);
    QFETCH(bool, noContextTakeover);
    PeerProcess server;
    QVERIFY2(peer == QLatin1String("python") ? server.startPython(arguments)
                                             : server.startNode(arguments),
        qPrintable(server.errorText()));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    const TrafficEvent handshake = recorder.ofKind(Kind::Handshake).value(0);
    QVERIFY2(
        handshake.text.contains(QLatin1String("permessage-deflate")), qPrintable(handshake.text));
    QCOMPARE(handshake.text.contains(QLatin1String("no_context_takeover")), noContextTakeover);

    // A compressible 16 MiB message and a few small ones, each echoed intact.
    const QString big
        = QStringLiteral("{\"seq\": 1, \"data\": \"abcdefgh\"} ").repeated(16 * 1024 * 1024 / 32);
    for (int i = 0; i < 3; ++i)
        connection.sendText(QStringLiteral("small %1 ü").arg(i));
    connection.sendText(big);
    connection.sendText(QStringLiteral("x").repeated(2000));
    QVERIFY(recorder.waitFor(Kind::Text, 10, 60000)); // 5 out, 5 back
    QTRY_COMPARE_WITH_TIMEOUT(recorder.count(Kind::Text, Direction::Incoming), 5, 60000);
    const QList<TrafficEvent> texts = recorder.ofKind(Kind::Text);
    QList<TrafficEvent> incoming;
    for (const TrafficEvent &e : texts) {
        if (e.direction == Direction::Incoming)
            incoming << e;
    }
    QCOMPARE(incoming.at(0).text, QStringLiteral("small 0 ü"));
    QCOMPARE(incoming.at(3).text, big);
    QCOMPARE(incoming.at(3).size, qint64(big.size()));
    // The log tells payload size from size on the wire.
    QVERIFY(incoming.at(3).frameFlags & TrafficEvent::Compressed);
    QVERIFY(incoming.at(3).frameFlags & TrafficEvent::Rsv1);
    QVERIFY2(incoming.at(3).wireSize < incoming.at(3).size / 10,
        qPrintable(QString::number(incoming.at(3).wireSize)));
    QCOMPARE(incoming.at(4).text, QStringLiteral("x").repeated(2000));
    // node-ws, in no-context-takeover mode, compresses only messages of 1 KiB and more: one
    // connection mixes compressed and plain messages, and each is read as it came.
    if (peer == QLatin1String("node") && noContextTakeover)
        QVERIFY(!(incoming.at(0).frameFlags & TrafficEvent::Compressed));
    else
        QVERIFY(incoming.at(0).frameFlags & TrafficEvent::Compressed);
    // Ours went out compressed too.
    // (Echoes interleave with what we send: find the big one we sent.)
    bool bigSentCompressed = false;
    for (const TrafficEvent &e : texts) {
        if (e.direction == Direction::Outgoing && e.text == big)
            bigSentCompressed = e.frameFlags & TrafficEvent::Compressed;
    }
    QVERIFY(bigSentCompressed);
    connection.requestClose(1000);
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    QCOMPARE(recorder.ofKind(Kind::Close).value(0).code, quint16(1000));
}

void TestRealPeers::deflateCanBeTurnedOff()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("echo")}), qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.deflate = false;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    const TrafficEvent handshake = recorder.ofKind(Kind::Handshake).value(0);
    QVERIFY(!handshake.data.contains("Sec-WebSocket-Extensions"));
    QVERIFY(!handshake.text.contains(QLatin1String("permessage-deflate")));
    connection.sendText(QStringLiteral("a").repeated(5000));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 1);
    const TrafficEvent echo = recorder.ofKind(Kind::Text).constLast();
    QVERIFY(!(echo.frameFlags & TrafficEvent::Compressed));
    QCOMPARE(echo.wireSize, qint64(5000 + 4));
}

void TestRealPeers::decompressionBombIsRefusedWith1009()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("echo")}), qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.maxIncomingMessageSize = 1024LL * 1024;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    // 256 MiB of zeros: about 256 KiB compressed, under the limit on the wire.
    connection.sendText(QStringLiteral("big 268435456"));
    QVERIFY(recorder.waitForState(ConnectionState::Closed, 60000));
    const TrafficEvent close = recorder.ofKind(Kind::Close).value(0);
    QCOMPARE(close.code, quint16(1009));
    QCOMPARE(close.closedBy, Closer::Local);
    QCOMPARE(close.cause, Cause::ProtocolError);
    QCOMPARE(recorder.count(Kind::Binary, Direction::Incoming), 0);
    QVERIFY(!server.waitForLine(QStringLiteral("CLOSED 1009")).isEmpty());
}

void TestRealPeers::serverKeepalivePingsAreSeenAndAnswered()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("keepalive")}), qPrintable(server.errorText()));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    // The server's pings are in the log, each with our answer.
    QVERIFY(recorder.waitFor(Kind::Ping, 4));
    QCOMPARE(recorder.count(Kind::Ping, Direction::Incoming), recorder.count(Kind::Ping));
    QTRY_VERIFY(recorder.count(Kind::Pong, Direction::Outgoing) >= 4);
    QCOMPARE(connection.state(), ConnectionState::Open);
}

void TestRealPeers::serverKeepaliveFiresWhenPongsAreWithheld()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("keepalive")}), qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat.pong = HeartbeatSettings::PongPolicy::Off;
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    QElapsedTimer timer;
    timer.start();
    // python-websockets closes with 1011 once a pong is 0.5 s late (about 0.7 s in).
    QVERIFY(recorder.waitForState(ConnectionState::Closed, 5000));
    const TrafficEvent close = recorder.ofKind(Kind::Close).value(0);
    QCOMPARE(close.closedBy, Closer::Peer);
    QCOMPARE(close.code, quint16(1011));
    QVERIFY2(close.text.contains(QLatin1String("keepalive")), qPrintable(close.text));
    QVERIFY(recorder.count(Kind::Ping, Direction::Incoming) >= 1);
    QCOMPARE(recorder.count(Kind::Pong, Direction::Outgoing), 0);
}

void TestRealPeers::delayedPongsGoOutLate()
{
    PeerProcess server;
    QVERIFY2(server.startPython({QStringLiteral("keepalive")}), qPrintable(server.errorText()));
    ConnectionSettings s = quietSettings(server.url());
    s.heartbeat.pong = HeartbeatSettings::PongPolicy::Delay;
    s.heartbeat.pongDelayMs = 150; // within the server's 0.5 s timeout
    ConnectionHandle connection(s);
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    QTRY_VERIFY_WITH_TIMEOUT(recorder.count(Kind::Pong, Direction::Outgoing) >= 3, 10000);
    for (const TrafficEvent &pong : recorder.ofKind(Kind::Pong))
        QVERIFY2(pong.durationUs >= 150'000, qPrintable(QString::number(pong.durationUs)));
    QCOMPARE(connection.state(), ConnectionState::Open);
    // Switched to "never" while open: the server's keepalive then fires.
    HeartbeatSettings off = s.heartbeat;
    off.pong = HeartbeatSettings::PongPolicy::Off;
    connection.setHeartbeat(off);
    QVERIFY(recorder.waitForState(ConnectionState::Closed, 5000));
    QCOMPARE(recorder.ofKind(Kind::Close).value(0).code, quint16(1011));
}

QTEST_GUILESS_MAIN(TestRealPeers)
#include "tst_realpeers.moc"
