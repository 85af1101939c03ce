// The mock server on Sockscope's own codec in the server role: it reads what real clients send
// (fragmented UTF-8 included), refuses what is not a WebSocket upgrade, negotiates
// permessage-deflate, and never queues without bound to a client that stopped reading.
#include "ClientHandshake.h"
#include "ConnectionHandle.h"
#include "EventRecorder.h"
#include "FrameWriter.h"
#include "MockServer.h"
#include "SlowlorisClients.h"
#include "TestSettings.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

// A hand-driven client: the upgrade request, then frames written byte for byte.
class RawClient
{
public:
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(5000))
            return false;
        ClientHandshake::Request request;
        request.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
        request.offerDeflate = false;
        m_handshake = std::make_unique<ClientHandshake>(request);
        m_socket.write(m_handshake->requestHead());
        return true;
    }
    void send(quint8 opcode, const QByteArray &payload, bool fin = true)
    {
        QByteArray out;
        FrameWriter::appendFrame(out, opcode, fin, payload, true);
        m_socket.write(out);
        m_socket.flush();
    }
    // Reads until what arrived contains needle (or 5 s pass).
    QByteArray readUntil(const QByteArray &needle)
    {
        QByteArray all;
        QDeadlineTimer deadline(5000);
        while (!all.contains(needle) && !deadline.hasExpired()) {
            m_socket.waitForReadyRead(50);
            all += m_socket.readAll();
        }
        return all;
    }
    QTcpSocket m_socket;
    std::unique_ptr<ClientHandshake> m_handshake;
};

} // namespace

class TestMockServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void replyModeAcceptsUtf8SplitAcrossFragments();
    void notAnUpgradeGets400();
    void aClientThatNeverFinishesItsRequestGets408();
    void deflateIsNegotiatedWithOurClient();
    void aClientThatStopsReadingIsDropped();
};

void TestMockServer::replyModeAcceptsUtf8SplitAcrossFragments()
{
    MockServer server;
    QVERIFY(server.listen(
        {{0, false, false, "question"}, {10, true, false, "answer"}}, MockServer::Mode::Reply));
    QSignalSpy gone(&server, &MockServer::clientDisconnected);
    RawClient client;
    QVERIFY(client.connectTo(server.port()));
    // "€" (E2 82 AC) split between two fragments: valid, as python-websockets and node-ws agree.
    client.send(WireOpcode::Text, "price \xe2\x82", false);
    client.send(WireOpcode::Continuation, "\xac");
    const QByteArray received = client.readUntil("answer");
    QVERIFY2(received.contains("answer"), received.toHex().constData());
    QCOMPARE(gone.count(), 0);
}

void TestMockServer::notAnUpgradeGets400()
{
    MockServer server;
    QVERIFY(server.listen({}, MockServer::Mode::Reply));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray answer;
    QTRY_VERIFY((answer += socket.readAll()).contains("\r\n\r\n"));
    QVERIFY2(answer.startsWith("HTTP/1.1 400 Bad Request"), answer.constData());
}

// Slowloris: connections that trickle or never send their request are let go, so that they
// cannot hold the server's sockets until it can accept no one else.
void TestMockServer::aClientThatNeverFinishesItsRequestGets408()
{
    MockServer server;
    server.setHandshakeTimeout(300);
    QVERIFY(server.listen({{0, true, false, "hello"}}, MockServer::Mode::Timed));
    SlowlorisClients slowloris;
    QVERIFY(slowloris.connectTo(server.port()));
    QVERIFY(slowloris.waitUntilDropped());
    const QByteArray answer = slowloris.answer();
    QVERIFY2(answer.startsWith("HTTP/1.1 408 Request Timeout"), answer.constData());

    // A client that sends its request in time is served as ever.
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Text));
    QCOMPARE(recorder.ofKind(Kind::Text).constFirst().text, QStringLiteral("hello"));
}

void TestMockServer::deflateIsNegotiatedWithOurClient()
{
    MockServer server;
    const QByteArray big = QByteArray("{\"tick\": 1} ").repeated(1000);
    QVERIFY(server.listen({{0, true, false, big}}, MockServer::Mode::Timed));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.open();
    QVERIFY(recorder.waitFor(Kind::Text));
    const TrafficEvent text = recorder.ofKind(Kind::Text).constFirst();
    QCOMPARE(text.text.toUtf8(), big);
    QVERIFY(text.frameFlags & TrafficEvent::Compressed);
    QVERIFY(text.wireSize < big.size() / 10);
}

void TestMockServer::aClientThatStopsReadingIsDropped()
{
    // Each question is answered with 1 MiB; the client asks and asks but never reads.
    const QByteArray mebibyte(1024LL * 1024, 'm');
    QList<MockServer::Message> script;
    for (int i = 0; i < 200; ++i) {
        script.append({i * 10LL, false, false, "more"});
        script.append({i * 10LL + 5, true, true, mebibyte});
    }
    MockServer server;
    QVERIFY(server.listen(script, MockServer::Mode::Reply));
    QSignalSpy gone(&server, &MockServer::clientDisconnected);
    RawClient client;
    client.m_socket.setReadBufferSize(1); // leaves the answers in the kernel: nobody reads
    QVERIFY(client.connectTo(server.port()));
    for (int i = 0; i < 200 && gone.isEmpty(); ++i) {
        client.send(WireOpcode::Text, "more");
        QTest::qWait(0);
        gone.wait(5);
    }
    QTRY_COMPARE(gone.count(), 1);
    const QString why = gone.first().at(1).toString();
    QVERIFY2(why.contains(QLatin1String("stopped reading")), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestMockServer)
#include "tst_mockserver.moc"
