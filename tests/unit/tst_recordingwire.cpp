// What the wire-level engine adds to a recording survives a write and a read: how each message
// was framed, close frames either way, the handshake as sent and answered, and how TCP ended.
#include "RecordingFormat.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

class TestRecordingWire : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wireEventsReadBackTheSame();
    void handshakeSecretsAreRedactedUnlessKept();
    void payloadsWithSpecialsAtEveryPositionReadBack();
};

void TestRecordingWire::wireEventsReadBackTheSame()
{
    TrafficBatch batch;
    TrafficEvent text;
    text.kind = Kind::Text;
    text.direction = Direction::Incoming;
    text.text = QStringLiteral("fragmented and compressed");
    text.size = text.text.size();
    text.frames = 3;
    text.wireSize = 21;
    text.opcode = 1;
    text.frameFlags = TrafficEvent::WireInfo | TrafficEvent::Rsv1 | TrafficEvent::Compressed;
    TrafficEvent ping;
    ping.kind = Kind::Ping;
    ping.direction = Direction::Incoming;
    ping.data = "srv";
    ping.size = 3;
    ping.frames = 1;
    ping.wireSize = 5;
    ping.opcode = 9;
    ping.frameFlags = TrafficEvent::WireInfo;
    TrafficEvent handshake;
    handshake.kind = Kind::Handshake;
    handshake.data = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    handshake.text = QStringLiteral("HTTP/1.1 302 Found\r\nLocation: ws://elsewhere/\r\n\r\n");
    handshake.code = 302;
    TrafficEvent closeFrame;
    closeFrame.kind = Kind::CloseFrame;
    closeFrame.direction = Direction::Outgoing;
    closeFrame.code = 1002;
    closeFrame.text = QStringLiteral("reserved opcode 0x3");
    TrafficEvent close;
    close.kind = Kind::Close;
    close.code = 1006;
    close.closedBy = TrafficEvent::Closer::Network;
    close.transportEnd = TrafficEvent::TransportEnd::Reset;
    batch.events = {text, ping, handshake, closeFrame, close};

    QByteArray lines;
    RecordingFormat::appendEventLines(batch, lines);
    const QList<QByteArray> split = lines.split('\n');
    QList<TrafficEvent> read;
    for (const QByteArray &line : split) {
        if (line.isEmpty())
            continue;
        TrafficEvent e;
        QString error;
        QVERIFY2(RecordingFormat::parseEvent(QJsonDocument::fromJson(line).object(), &e, &error),
            qPrintable(error));
        read << e;
    }
    QCOMPARE(read.size(), 5);
    QCOMPARE(read.at(0).frames, 3u);
    QCOMPARE(read.at(0).wireSize, qint64(21));
    QCOMPARE(read.at(0).frameFlags, text.frameFlags);
    QCOMPARE(read.at(1).direction, Direction::Incoming);
    QCOMPARE(read.at(1).data, QByteArray("srv"));
    QCOMPARE(read.at(1).opcode, quint8(9));
    QCOMPARE(read.at(2).kind, Kind::Handshake);
    QCOMPARE(read.at(2).data, handshake.data);
    QCOMPARE(read.at(2).text, handshake.text);
    QCOMPARE(read.at(2).code, quint16(302));
    QCOMPARE(read.at(3).kind, Kind::CloseFrame);
    QCOMPARE(read.at(3).code, quint16(1002));
    QCOMPARE(read.at(3).text, closeFrame.text);
    QCOMPARE(read.at(4).transportEnd, TrafficEvent::TransportEnd::Reset);
    // Without wire info nothing is claimed.
    QVERIFY(!read.at(2).hasWireInfo());
}

void TestRecordingWire::handshakeSecretsAreRedactedUnlessKept()
{
    TrafficBatch batch;
    TrafficEvent handshake;
    handshake.kind = Kind::Handshake;
    handshake.data = "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer hunter2\r\n"
                     "Cookie: session=top-secret\r\nSec-WebSocket-Key: abc==\r\n\r\n";
    handshake.text = QStringLiteral("HTTP/1.1 101 Switching Protocols\r\nSet-Cookie: "
                                    "id=server-secret\r\nUpgrade: websocket\r\n\r\n");
    TrafficEvent text;
    text.kind = Kind::Text;
    text.text = QStringLiteral("Authorization: in a message stays as sent");
    batch.events = {handshake, text};
    const TrafficBatch redacted = RecordingFormat::redacted(batch, SecretRedaction::Policy::Redact);
    const QByteArray request = redacted.events.at(0).data;
    QVERIFY(!request.contains("hunter2"));
    QVERIFY(!request.contains("top-secret"));
    QVERIFY(request.contains("Authorization: " + QByteArray(SecretRedaction::Marker) + "\r\n"));
    QVERIFY(request.contains("Host: x\r\n"));
    QVERIFY(request.endsWith("\r\n\r\n"));
    QVERIFY(!redacted.events.at(0).text.contains(QLatin1String("server-secret")));
    QVERIFY(redacted.events.at(0).text.contains(QLatin1String("Upgrade: websocket")));
    QCOMPARE(redacted.events.at(1).text, text.text);
    // Kept when asked, and the original batch is never changed.
    QCOMPARE(RecordingFormat::redacted(batch, SecretRedaction::Policy::Keep).events.at(0).data,
        handshake.data);
    QCOMPARE(batch.events.at(0).data, handshake.data);
}

void TestRecordingWire::payloadsWithSpecialsAtEveryPositionReadBack()
{
    // The line writer skips plain bytes eight at a time: a quote, a backslash or a control
    // character at any position, and payloads of every length around a word, come back intact.
    const QList<char> specials = {'"', '\\', '\n', '\x01', '\x1f'};
    TrafficBatch batch;
    for (int length = 0; length <= 19; ++length) {
        for (int at = 0; at <= length; ++at) {
            for (const char special : specials) {
                QByteArray text(length, 'a');
                if (at < length)
                    text[at] = special;
                TrafficEvent e;
                e.kind = Kind::Text;
                e.direction = Direction::Incoming;
                e.payloadOffset = batch.payloads.size();
                e.size = text.size();
                batch.payloads += text;
                batch.events << e;
                TrafficEvent binary = e;
                binary.kind = Kind::Binary;
                batch.events << binary;
            }
        }
    }
    QByteArray lines;
    RecordingFormat::appendEventLines(batch, lines);
    const QList<QByteArray> split = lines.split('\n');
    QCOMPARE(split.size(), batch.events.size() + 1);
    for (int i = 0; i < batch.events.size(); ++i) {
        TrafficEvent e;
        QString error;
        QVERIFY2(
            RecordingFormat::parseEvent(QJsonDocument::fromJson(split.at(i)).object(), &e, &error),
            split.at(i).constData());
        const QByteArray expected = batch.payload(batch.events.at(i));
        QCOMPARE(e.kind == Kind::Text ? e.text.toUtf8() : e.data, expected);
    }
}

QTEST_APPLESS_MAIN(TestRecordingWire)
#include "tst_recordingwire.moc"
