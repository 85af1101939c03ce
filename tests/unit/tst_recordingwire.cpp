// What the wire-level engine adds to a recording survives a write and a read: how each message
// was framed, close frames either way, the handshake as sent and answered, and how TCP ended.
#include "RecordingFormat.h"
#include "RecordingReader.h"

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
    void plainFramesAreLeftOutAndDerivedOnReading();
    void olderFilesClaimNoFraming();
};

namespace {

// Messages framed every way a recording must tell apart, each with its payload set.
TrafficBatch framedMessages()
{
    TrafficBatch batch;
    auto add
        = [&batch](Kind kind, Direction direction, const QByteArray &payload) -> TrafficEvent & {
        TrafficEvent &e = batch.events.emplace_back();
        e.kind = kind;
        e.direction = direction;
        e.timeUs = batch.events.size();
        e.size = payload.size();
        if (kind == Kind::Text && payload.size() > 100'000) {
            e.text = QString::fromUtf8(payload); // a large message keeps its own string
        } else if (kind == Kind::Text || kind == Kind::Binary) {
            e.payloadOffset = batch.payloads.size();
            batch.payloads += payload;
        } else {
            e.data = payload;
        }
        return e;
    };
    add(Kind::Text, Direction::Incoming, QByteArray(64, 'x')).setPlainWire();
    add(Kind::Text, Direction::Outgoing, QByteArray(200, 'y')).setPlainWire(); // masked, 16-bit
    add(Kind::Text, Direction::Incoming, QByteArray(60'000, 'z')).setPlainWire(); // 16-bit
    add(Kind::Text, Direction::Incoming, QByteArray(200'000, 'l')).setPlainWire(); // 64-bit
    add(Kind::Binary, Direction::Incoming, QByteArray("\x00\x01\x02", 3)).setPlainWire();
    add(Kind::Ping, Direction::Incoming, "srv").setPlainWire();
    add(Kind::Pong, Direction::Outgoing, "srv").setPlainWire(); // our answer, masked
    TrafficEvent &fragmented = add(Kind::Text, Direction::Incoming, "three frames");
    fragmented.frames = 3;
    fragmented.wireSize = 18;
    fragmented.opcode = 1;
    fragmented.frameFlags = TrafficEvent::WireInfo;
    TrafficEvent &unmasked = add(Kind::Text, Direction::Outgoing, "sent without a mask");
    unmasked.setPlainWire();
    unmasked.frameFlags = TrafficEvent::WireInfo;
    unmasked.wireSize -= 4;
    TrafficEvent &compressed = add(Kind::Binary, Direction::Incoming, "inflated");
    compressed.setPlainWire();
    compressed.frameFlags |= TrafficEvent::Rsv1 | TrafficEvent::Compressed;
    compressed.wireSize = 9;
    add(Kind::Text, Direction::Incoming, "from a HAR: framing unknown");
    return batch;
}

QList<TrafficEvent> readBack(const QByteArray &file)
{
    RecordingReader reader;
    if (!reader.readData(file, QStringLiteral("wire.jsonl")) || !reader.problems().isEmpty())
        return {};
    QList<TrafficEvent> events;
    for (const TrafficBatch &batch : reader.batches())
        events += batch.events;
    return events;
}

} // namespace

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
        // As after a header written by headerLine(), which says plain frames are left out.
        QVERIFY2(
            RecordingFormat::parseEvent(QJsonDocument::fromJson(line).object(), &e, &error, true),
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

void TestRecordingWire::plainFramesAreLeftOutAndDerivedOnReading()
{
    const TrafficBatch batch = framedMessages();
    QByteArray file = RecordingFormat::headerLine(RecordingHeader());
    QVERIFY(file.contains("\"plainWireOmitted\":true"));
    RecordingFormat::appendEventLines(batch, file);
    const QList<QByteArray> lines = file.split('\n');
    for (int i = 0; i < batch.events.size(); ++i) {
        const TrafficEvent &e = batch.events.at(i);
        const QByteArray &line = lines.at(i + 1);
        // A plain frame costs no bytes; anything else is written out, unknown framing as [].
        QCOMPARE(line.contains("\"wire\""), !e.hasPlainWire());
        QCOMPARE(line.contains("\"wire\":[]"), !e.hasWireInfo());
    }
    const QList<TrafficEvent> read = readBack(file);
    QCOMPARE(read.size(), batch.events.size());
    for (int i = 0; i < read.size(); ++i) {
        const TrafficEvent &e = batch.events.at(i);
        const TrafficEvent &r = read.at(i);
        QCOMPARE(r.kind, e.kind);
        QCOMPARE(r.size, e.size);
        QCOMPARE(r.hasWireInfo(), e.hasWireInfo());
        QCOMPARE(r.frameFlags, e.frameFlags);
        if (!e.hasWireInfo())
            continue;
        QCOMPARE(r.frames, e.frames);
        QCOMPARE(r.wireSize, e.wireSize);
        QCOMPARE(r.opcode, e.opcode);
    }
    // The 64-bit length and the masking key are counted.
    QCOMPARE(read.at(1).wireSize, qint64(2 + 2 + 4 + 200));
    QCOMPARE(read.at(3).wireSize, qint64(2 + 8 + 200'000));
    QCOMPARE(read.at(6).frameFlags, quint8(TrafficEvent::WireInfo | TrafficEvent::Masked));
}

void TestRecordingWire::olderFilesClaimNoFraming()
{
    // Written before plain frames were left out: a message without "wire" was framed in a way
    // nobody recorded, and reading must not invent it.
    const QByteArray file
        = R"({"format":"sockscope-recording","version":1,"app":"sockscope 0.0.9","url":"ws://h/"})"
          "\n"
          R"({"timeUs":5,"direction":"in","kind":"text","size":2,"payload":"hi"})"
          "\n"
          R"({"timeUs":6,"direction":"in","kind":"ping","size":0,"payload":""})"
          "\n"
          R"({"timeUs":7,"direction":"in","kind":"text","size":2,"payload":"ho","wire":[2,8,1,128]})"
          "\n";
    const QList<TrafficEvent> read = readBack(file);
    QCOMPARE(read.size(), 3);
    QVERIFY(!read.at(0).hasWireInfo());
    QVERIFY(!read.at(1).hasWireInfo());
    QVERIFY(read.at(2).hasWireInfo());
    QCOMPARE(read.at(2).frames, 2u);
}

QTEST_APPLESS_MAIN(TestRecordingWire)
#include "tst_recordingwire.moc"
