// The engine against raw-socket servers that send what WebSocket libraries never would
// (tests/peers/raw_peer.py): each framing rule of RFC 6455 broken on purpose, each handshake
// answer a client must refuse, and each way a connection can end. For every case: the close
// code Sockscope sends (as the server saw it) and what Sockscope reports.
#include "ConnectionHandle.h"
#include "EventRecorder.h"
#include "PeerProcess.h"
#include "TestCertificate.h"
#include "TestSettings.h"

#include <QTemporaryDir>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Closer = TrafficEvent::Closer;
using Cause = TrafficEvent::CloseCause;
using TransportEnd = TrafficEvent::TransportEnd;

class TestConformance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void protocolViolationsAreClosedWithTheRightCode_data();
    void protocolViolationsAreClosedWithTheRightCode();
    void fragmentedTextWithAPingBetween();
    void validUtf8SplitAcrossFragmentsIsAccepted();
    void serverPingOf125BytesIsEchoedInOurPong();
    void serverCloseWithoutWaitingForOurs();
    void whoClosedComesFromTheFramesNotTheReason();
    void slowButLiveSenderIsNotAnError();
    void endingsWithoutACloseFrame_data();
    void endingsWithoutACloseFrame();
    void tlsEndingsWithoutACloseFrame_data();
    void tlsEndingsWithoutACloseFrame();
    void handshakeAnswersAreEachNamed_data();
    void handshakeAnswersAreEachNamed();
    void refusedTcpStaysRefused();
    void requestHeadersAsSentAndResponseKept();
};

namespace {

struct Session
{
    PeerProcess peer;
    std::unique_ptr<ConnectionHandle> connection;
    std::unique_ptr<EventRecorder> recorder;

    bool start(const QString &scenario, ConnectionSettings settings = {},
        const QStringList &extra = {}, const QString &scheme = QStringLiteral("ws"))
    {
        if (!peer.startPythonScript(QStringLiteral("raw_peer.py"), QStringList {scenario} + extra))
            return false;
        if (settings.url.isEmpty())
            settings = quietSettings(peer.url(scheme));
        else
            settings.url = peer.url(scheme);
        connection = std::make_unique<ConnectionHandle>(settings);
        recorder = std::make_unique<EventRecorder>(connection.get());
        connection->open();
        return true;
    }
    TrafficEvent close() const { return recorder->ofKind(Kind::Close).value(0); }
    QString errors() const
    {
        QStringList texts;
        for (const TrafficEvent &e : recorder->ofKind(Kind::Error))
            texts << e.text;
        return texts.join(QLatin1String(" | "));
    }
};

} // namespace

void TestConformance::initTestCase()
{
    QTest::failOnWarning(
        QRegularExpression(QStringLiteral("[Tt]imer|[Tt]hread|QObject|QSocketNotifier")));
}

void TestConformance::protocolViolationsAreClosedWithTheRightCode_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("says");
    QTest::newRow("invalid UTF-8 split across fragments")
        << "utf8-split-invalid" << 1007 << "UTF-8";
    QTest::newRow("2^63-byte length claim") << "length-2^63" << 1002 << "significant bit";
    QTest::newRow("2^62-byte length claim") << "length-2^62" << 1009 << "limit";
    QTest::newRow("126-byte ping") << "ping-126" << 1002 << "125";
    QTest::newRow("reserved opcode") << "reserved-opcode" << 1002 << "reserved opcode";
    QTest::newRow("RSV1 without deflate") << "rsv1-without-deflate" << 1002 << "RSV1";
    QTest::newRow("close with 1005 on the wire") << "close-1005-on-wire" << 1002 << "1005";
    QTest::newRow("close payload of 1 byte") << "close-1-byte" << 1002 << "1-byte";
    QTest::newRow("close code 999") << "close-999" << 1002 << "999";
    QTest::newRow("close code 5000") << "close-5000" << 1002 << "5000";
    QTest::newRow("masked frame from the server") << "masked-server-frame" << 1002 << "masked";
}

void TestConformance::protocolViolationsAreClosedWithTheRightCode()
{
    QFETCH(QString, scenario);
    QFETCH(int, code);
    QFETCH(QString, says);
    Session s;
    QVERIFY2(s.start(scenario), qPrintable(s.peer.errorText()));
    // What the server received: our close frame with the code the rule calls for.
    const QString line = s.peer.waitForLine(QStringLiteral("CLIENT-CLOSE "));
    QVERIFY2(line.startsWith(QStringLiteral("CLIENT-CLOSE %1").arg(code)), qPrintable(line));
    QVERIFY(s.recorder->waitForState(ConnectionState::Closed));
    const TrafficEvent close = s.close();
    QCOMPARE(close.closedBy, Closer::Local);
    QCOMPARE(int(close.code), code);
    QCOMPARE(close.cause, Cause::ProtocolError);
    QVERIFY2(s.errors().contains(says), qPrintable(s.errors()));
    QVERIFY2(s.errors().contains(QLatin1String("byte")), qPrintable(s.errors())); // the offset
    // The close frame we sent is in the log too.
    const TrafficEvent sent = s.recorder->ofKind(Kind::CloseFrame).value(0);
    QCOMPARE(sent.direction, Direction::Outgoing);
    QCOMPARE(int(sent.code), code);
    QCOMPARE(s.recorder->count(Kind::Close), 1);
}

void TestConformance::fragmentedTextWithAPingBetween()
{
    Session s;
    QVERIFY2(s.start(QStringLiteral("fragmented-with-ping")), qPrintable(s.peer.errorText()));
    QVERIFY(s.recorder->waitFor(Kind::Text));
    const TrafficEvent text = s.recorder->ofKind(Kind::Text).first();
    QCOMPARE(text.text, QStringLiteral("fragmented"));
    QCOMPARE(text.frames, 3u);
    QVERIFY(text.hasWireInfo());
    // The server's ping between the fragments is in the log, and answered.
    QVERIFY(s.recorder->waitFor(Kind::Ping));
    const TrafficEvent ping = s.recorder->ofKind(Kind::Ping).first();
    QCOMPARE(ping.direction, Direction::Incoming);
    QCOMPARE(ping.data, QByteArray("between"));
    QVERIFY(!s.peer.waitForLine(QStringLiteral("CLIENT-PONG ") + QByteArray("between").toHex())
                 .isEmpty());
    QCOMPARE(s.recorder->count(Kind::Pong, Direction::Outgoing), 1);
}

void TestConformance::validUtf8SplitAcrossFragmentsIsAccepted()
{
    Session s;
    QVERIFY2(s.start(QStringLiteral("utf8-split-valid")), qPrintable(s.peer.errorText()));
    QVERIFY(s.recorder->waitFor(Kind::Text));
    QCOMPARE(s.recorder->ofKind(Kind::Text).first().text, QStringLiteral("price € 5"));
    QCOMPARE(s.connection->state(), ConnectionState::Open);
}

void TestConformance::serverPingOf125BytesIsEchoedInOurPong()
{
    Session s;
    QVERIFY2(s.start(QStringLiteral("ping-125")), qPrintable(s.peer.errorText()));
    QByteArray payload;
    for (int i = 0; i < 125; ++i)
        payload.append(char(i));
    QVERIFY(!s.peer.waitForLine(QStringLiteral("CLIENT-PONG ") + payload.toHex()).isEmpty());
    QVERIFY(s.recorder->waitFor(Kind::Pong));
    const TrafficEvent pong = s.recorder->ofKind(Kind::Pong).first();
    QCOMPARE(pong.direction, Direction::Outgoing);
    QCOMPARE(pong.data, payload);
}

void TestConformance::serverCloseWithoutWaitingForOurs()
{
    Session s;
    QVERIFY2(s.start(QStringLiteral("close-and-go")), qPrintable(s.peer.errorText()));
    QVERIFY(s.recorder->waitForState(ConnectionState::Closed));
    const TrafficEvent close = s.close();
    QCOMPARE(close.closedBy, Closer::Peer);
    QCOMPARE(close.code, quint16(4001));
    QCOMPARE(close.text, QStringLiteral("bye now"));
    QCOMPARE(close.cause, Cause::PeerClosed);
    const TrafficEvent frame = s.recorder->ofKind(Kind::CloseFrame).value(0);
    QCOMPARE(frame.direction, Direction::Incoming);
    QCOMPARE(frame.code, quint16(4001));
}

void TestConformance::whoClosedComesFromTheFramesNotTheReason()
{
    // A server closing with Qt's own wording for a client-side error is still the server.
    Session s;
    QVERIFY2(s.start(QStringLiteral("close-1007-qt-text")), qPrintable(s.peer.errorText()));
    QVERIFY(!s.peer.waitForLine(QStringLiteral("CLIENT-CLOSE 1007")).isEmpty()); // echoed
    QVERIFY(s.recorder->waitForState(ConnectionState::Closed));
    QCOMPARE(s.close().closedBy, Closer::Peer);
    QCOMPARE(s.close().code, quint16(1007));
    QCOMPARE(s.close().cause, Cause::PeerClosed);
}

void TestConformance::slowButLiveSenderIsNotAnError()
{
    // Half a frame, then 6 s of silence, then the rest: only timeouts the user set end a
    // connection (Qt 6.4 closes with 1001 after 5 s).
    Session s;
    QVERIFY2(s.start(QStringLiteral("slow-frame")), qPrintable(s.peer.errorText()));
    QVERIFY(s.recorder->waitFor(Kind::Text, 1, 15000));
    QCOMPARE(s.recorder->ofKind(Kind::Text).first().text, QStringLiteral("0123456789abcdefghij"));
    QCOMPARE(s.recorder->count(Kind::Close), 0);
    QCOMPARE(s.connection->state(), ConnectionState::Open);
}

void TestConformance::endingsWithoutACloseFrame_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("transport");
    QTest::addColumn<QString>("says");
    QTest::newRow("FIN") << "fin-no-close" << int(TransportEnd::Fin) << "closed TCP";
    QTest::newRow("RST") << "rst-no-close" << int(TransportEnd::Reset) << "RST";
}

void TestConformance::endingsWithoutACloseFrame()
{
    QFETCH(QString, scenario);
    QFETCH(int, transport);
    QFETCH(QString, says);
    Session s;
    QVERIFY2(s.start(scenario), qPrintable(s.peer.errorText()));
    QVERIFY(s.recorder->waitForState(ConnectionState::Closed));
    const TrafficEvent close = s.close();
    QCOMPARE(close.closedBy, Closer::Network);
    QCOMPARE(close.code, quint16(1006));
    QCOMPARE(close.cause, Cause::Dropped);
    QCOMPARE(int(close.transportEnd), transport);
    QVERIFY2(close.text.contains(says), qPrintable(close.text));
}

void TestConformance::tlsEndingsWithoutACloseFrame_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<bool>("closeNotify");
    QTest::newRow("close_notify, then TCP") << "fin-no-close" << true;
    QTest::newRow("RST, no close_notify") << "rst-no-close" << false;
}

void TestConformance::tlsEndingsWithoutACloseFrame()
{
    QFETCH(QString, scenario);
    QFETCH(bool, closeNotify);
    QTemporaryDir dir;
    TestCertificate certificate;
    QVERIFY2(certificate.create(dir), qPrintable(certificate.error()));
    const QString cert = certificate.certPath();
    const QString key = certificate.keyPath();
    ConnectionSettings settings;
    settings.url = QUrl(QStringLiteral("wss://127.0.0.1:1/"));
    settings.heartbeat.enabled = false;
    settings.tls.ignoreCertificateErrors = true;
    Session s;
    // No close frame either way: the server ends TLS properly (close_notify), or resets TCP.
    QVERIFY2(
        s.start(scenario, settings, {QStringLiteral("--tls"), cert, key}, QStringLiteral("wss")),
        qPrintable(s.peer.errorText()));
    QVERIFY(s.recorder->waitForState(ConnectionState::Closed));
    const TrafficEvent close = s.close();
    QCOMPARE(close.code, quint16(1006));
    QCOMPARE(close.closedBy, Closer::Network);
    QCOMPARE(close.transportEnd == TransportEnd::TlsCloseNotify, closeNotify);
    QCOMPARE(close.text.contains(QLatin1String("close_notify")), closeNotify);
}

void TestConformance::handshakeAnswersAreEachNamed_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says");
    QTest::newRow("400") << "answer-400" << 400 << "HTTP 400 Bad Request";
    QTest::newRow("302 with Location")
        << "answer-302" << 302 << "Location: ws://127.0.0.1:9/elsewhere";
    QTest::newRow("wrong Sec-WebSocket-Accept")
        << "answer-wrong-accept" << 101 << "Sec-WebSocket-Accept";
    QTest::newRow("unoffered subprotocol") << "answer-subprotocol" << 101 << "subprotocol \"mqtt\"";
    QTest::newRow("unoffered permessage-deflate")
        << "answer-deflate-unoffered" << 101 << "not offered";
    QTest::newRow("garbage instead of HTTP") << "answer-garbage" << 0 << "did not answer with HTTP";
    QTest::newRow("HTTP/1.0 101") << "answer-http10" << 101 << "HTTP/1.1";
    QTest::newRow("oversized header block") << "answer-huge-head" << 0 << "64 KiB";
    QTest::newRow("endless status line") << "answer-endless-status" << 0 << "64 KiB";
}

void TestConformance::handshakeAnswersAreEachNamed()
{
    QFETCH(QString, scenario);
    QFETCH(int, status);
    QFETCH(QString, says);
    ConnectionSettings settings;
    settings.url = QUrl(QStringLiteral("ws://127.0.0.1:1/"));
    settings.heartbeat.enabled = false;
    // Unoffered deflate needs deflate not offered.
    settings.deflate = scenario != QLatin1String("answer-deflate-unoffered");
    Session s;
    QVERIFY2(s.start(scenario, settings), qPrintable(s.peer.errorText()));
    QVERIFY(s.recorder->waitForState(ConnectionState::Closed));
    const TrafficEvent error = s.recorder->ofKind(Kind::Error).value(0);
    QVERIFY2(error.text.contains(says), qPrintable(error.text));
    QVERIFY2(!error.text.contains(QLatin1String("refused")), qPrintable(error.text));
    QCOMPARE(int(error.code), status);
    QCOMPARE(s.close().cause, Cause::ConnectFailed);
    // The answer as received is kept, for the handshake panel and the recording.
    if (status != 0) {
        const TrafficEvent handshake = s.recorder->ofKind(Kind::Handshake).value(0);
        QCOMPARE(int(handshake.code), status);
        QVERIFY(handshake.text.startsWith(QLatin1String("HTTP/")));
        QVERIFY(handshake.data.startsWith("GET / HTTP/1.1\r\n"));
    }
    // The TCP connection is closed at once.
    QVERIFY(!s.peer.waitForLine(QStringLiteral("CLIENT-GONE")).isEmpty());
}

void TestConformance::refusedTcpStaysRefused()
{
    ConnectionHandle connection(quietSettings(QUrl(QStringLiteral("ws://127.0.0.1:9/"))));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Closed));
    const TrafficEvent error = recorder.ofKind(Kind::Error).value(0);
    QVERIFY2(error.text.contains(QLatin1String("connection refused by 127.0.0.1:9")),
        qPrintable(error.text));
    QCOMPARE(recorder.count(Kind::Handshake), 0);
}

void TestConformance::requestHeadersAsSentAndResponseKept()
{
    ConnectionSettings settings;
    settings.url = QUrl(QStringLiteral("ws://127.0.0.1:1/"));
    settings.heartbeat.enabled = false;
    QString error;
    QVERIFY(settings.addHeaderLine(QStringLiteral("Authorization: Bearer abc"), &error));
    settings.origin = QStringLiteral("https://app.example");
    settings.subprotocols = {QStringLiteral("chat")};
    Session s;
    QVERIFY2(s.start(QStringLiteral("echo"), settings), qPrintable(s.peer.errorText()));
    QVERIFY(s.recorder->waitForState(ConnectionState::Open));
    // The server saw every header once, as the handshake event says they were sent.
    const QStringList seen = s.peer.lines();
    QCOMPARE(seen.filter(QStringLiteral("REQUEST Authorization: Bearer abc")).size(), 1);
    QCOMPARE(seen.filter(QStringLiteral("REQUEST Origin: https://app.example")).size(), 1);
    QCOMPARE(seen.filter(QStringLiteral("REQUEST Sec-WebSocket-Protocol: chat")).size(), 1);
    QCOMPARE(seen.filter(QRegularExpression(QStringLiteral("^REQUEST Host: "))).size(), 1);
    QCOMPARE(seen.filter(QStringLiteral("permessage-deflate")).size(), 1);
    const TrafficEvent handshake = s.recorder->ofKind(Kind::Handshake).value(0);
    QCOMPARE(handshake.code, quint16(101));
    QVERIFY(handshake.data.contains("Authorization: Bearer abc\r\n"));
    QVERIFY(handshake.text.contains(QLatin1String("Sec-WebSocket-Accept: ")));
}

QTEST_GUILESS_MAIN(TestConformance)
#include "tst_conformance.moc"
