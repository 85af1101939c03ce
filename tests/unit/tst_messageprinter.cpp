// What the command line prints for events, with hand-made events: payloads from a hostile server
// cannot reach the terminal unescaped, one message is one line, --raw leaves payloads untouched,
// and --show-frames / --show-pings / a rejected handshake print what the engine reports.
#include "MessagePrinter.h"
#include "TerminalText.h"
#include "TrafficBatchBuilder.h"

#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

TrafficBatch textBatch(const QByteArray &utf8, Direction direction = Direction::Incoming)
{
    TrafficBatchBuilder builder;
    TrafficEvent &e = builder.append(Kind::Text, direction, 1, 1);
    builder.setRaw(e, utf8.constData(), utf8.size());
    return builder.take();
}

TrafficEvent makeEvent(Kind kind, Direction direction)
{
    TrafficEvent e;
    e.kind = kind;
    e.direction = direction;
    return e;
}

} // namespace

class TestMessagePrinter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void controlCharactersAreEscaped_data();
    void controlCharactersAreEscaped();
    void escapingIsTheSameAtEveryPosition();
    void rawLeavesPayloadsUntouched();
    void aBatchPrintsAsItsEventsDoOneByOne_data();
    void aBatchPrintsAsItsEventsDoOneByOne();
    void statusTextFromTheNetworkIsEscaped();
    void showFramesDescribesHowMessagesArrived();
    void showPingsPrintsServerPingsAndOurAnswers();
    void relayShowsControlFramesBothWays();
    void rejectedHandshakeShowsStatusAndLocation();
    void closeFramesAreShownWithFrames();
};

void TestMessagePrinter::controlCharactersAreEscaped_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("printed");
    QTest::newRow("plain") << QByteArray("hello {\"a\": \"\\u0041\"}")
                           << QByteArray("< hello {\"a\": \"\\u0041\"}\n");
    QTest::newRow("ESC sequence") << QByteArray("\x1b[2J\x1b[31mred")
                                  << QByteArray("< \\e[2J\\e[31mred\n");
    QTest::newRow("OSC 52 clipboard write")
        << QByteArray("\x1b]52;c;ZXZpbA==\x07") << QByteArray("< \\e]52;c;ZXZpbA==\\x07\n");
    QTest::newRow("forged line") << QByteArray("ok\n< admin: you are logged out\r")
                                 << QByteArray("< ok\\n< admin: you are logged out\\r\n");
    QTest::newRow("NUL, tab, DEL")
        << QByteArray("a\0b\tc\x7f", 6) << QByteArray("< a\\x00b\\tc\\x7f\n");
    QTest::newRow("C1 CSI") << QByteArray("x\xc2\x9b"
                                          "31m")
                            << QByteArray("< x\\u009b31m\n");
    QTest::newRow("UTF-8 kept") << QByteArray("caf\xc3\xa9 \xe2\x82\xac")
                                << QByteArray("< caf\xc3\xa9 \xe2\x82\xac\n");
}

void TestMessagePrinter::controlCharactersAreEscaped()
{
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, printed);
    const TrafficBatch batch = textBatch(payload);
    const QByteArray line = MessagePrinter().line(batch, batch.events.first());
    QCOMPARE(line, printed);
    QCOMPARE(line.count('\n'), 1); // one message, one line
}

// Byte by byte, as the rules say: the reference the block-at-a-time escaper must agree with.
QByteArray escapedOneByOne(const QByteArray &utf8)
{
    QByteArray out;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const uchar c = uchar(utf8[i]);
        const uchar next = i + 1 < utf8.size() ? uchar(utf8[i + 1]) : 0;
        if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
            out += "\\u00" + QByteArray::number(next, 16);
            ++i;
        } else if (c == 0x1b) {
            out += "\\e";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x" + QByteArray::number(c, 16).rightJustified(2, '0');
        } else {
            out += char(c);
        }
    }
    return out;
}

void TestMessagePrinter::escapingIsTheSameAtEveryPosition()
{
    // Payloads are checked 16 and 8 bytes at a time: each kind of byte to escape (and the
    // look-alikes to keep) at every offset of a 48-byte text, across every block boundary.
    const QList<QByteArray> specials = {QByteArray("\x1b"), QByteArray("\n"), QByteArray("\0", 1),
        QByteArray("\x7f"), QByteArray("\xc2\x9b"), QByteArray("\xc2\x80"), QByteArray("\xc2\xa2"),
        QByteArray("\xc2"), QByteArray("\x1f\x1f")};
    for (const QByteArray &special : specials) {
        for (qsizetype at = 0; at <= 48; ++at) {
            QByteArray payload(48, 'a');
            payload.insert(at, special);
            const TrafficBatch batch = textBatch(payload);
            QCOMPARE(MessagePrinter().line(batch, batch.events.constFirst()),
                "< " + escapedOneByOne(payload) + '\n');
        }
    }
}

void TestMessagePrinter::rawLeavesPayloadsUntouched()
{
    const QByteArray payload("\x1b[31mred\nline two");
    const TrafficBatch batch = textBatch(payload, Direction::Outgoing);
    MessagePrinter::Options options;
    options.raw = true;
    options.showSent = true;
    QCOMPARE(MessagePrinter(options).line(batch, batch.events.first()), "> " + payload + '\n');
    // Sent messages are printed only when asked (replay, show).
    QVERIFY(MessagePrinter().line(batch, batch.events.first()).isEmpty());
}

void TestMessagePrinter::aBatchPrintsAsItsEventsDoOneByOne_data()
{
    QTest::addColumn<bool>("raw");
    QTest::addColumn<bool>("showSent");
    QTest::addColumn<bool>("showFrames");
    QTest::addColumn<QByteArray>("prefix");
    QTest::newRow("connect") << false << false << false << QByteArray();
    QTest::newRow("raw") << true << false << false << QByteArray();
    QTest::newRow("sent shown") << false << true << false << QByteArray();
    QTest::newRow("frames shown") << false << false << true << QByteArray();
    QTest::newRow("proxy pair") << false << true << false << QByteArray("[7] ");
}

void TestMessagePrinter::aBatchPrintsAsItsEventsDoOneByOne()
{
    // The flood path (appendTextLines) prints what printing each event on its own prints, and
    // leaves to the caller exactly the events that are not plain text lines.
    QFETCH(bool, raw);
    QFETCH(bool, showSent);
    QFETCH(bool, showFrames);
    QFETCH(QByteArray, prefix);
    MessagePrinter::Options options;
    options.raw = raw;
    options.showSent = showSent;
    options.showFrames = showFrames;
    const MessagePrinter printer(options);

    TrafficBatchBuilder builder;
    const auto addText = [&](Direction direction, const QByteArray &utf8,
                             TrafficEvent::Origin origin = TrafficEvent::Origin::Peer) {
        TrafficEvent &e = builder.append(Kind::Text, direction, 1, 1);
        builder.setRaw(e, utf8.constData(), utf8.size());
        e.origin = origin;
        e.setPlainWire();
    };
    addText(Direction::Incoming, "plain");
    addText(Direction::Incoming, QByteArray(40, 'a') + "\x1b[2J" + QByteArray(30, 'b'));
    addText(Direction::Outgoing, "sent\n");
    addText(Direction::Outgoing, "{\"edited\": true}", TrafficEvent::Origin::Edited);
    addText(Direction::Incoming, "", TrafficEvent::Origin::Injected);
    TrafficEvent note = makeEvent(Kind::Note, Direction::Local);
    note.text = QStringLiteral("a note");
    builder.append(std::move(note));
    addText(Direction::Incoming, "after the note");
    TrafficEvent &binary = builder.append(Kind::Binary, Direction::Incoming, 1, 1);
    builder.setRaw(binary, "\x01\x02", 2);
    // Too large to be packed: held as a string of its own.
    TrafficEvent &large = builder.append(Kind::Text, Direction::Incoming, 1, 1);
    builder.setText(large, QString(TrafficBatchBuilder::MaxPackedBytes, QLatin1Char('L')));
    addText(Direction::Incoming, "last");
    const TrafficBatch batch = builder.take();

    QByteArray expected;
    for (const TrafficEvent &e : batch.events) {
        const QByteArray line = printer.line(batch, e);
        if (!line.isEmpty())
            expected += prefix + line;
    }
    QByteArray out;
    QList<qsizetype> left;
    const qsizetype count = batch.events.size();
    for (qsizetype i = printer.appendTextLines(out, batch, 0, prefix); i < count;
         i = printer.appendTextLines(out, batch, i + 1, prefix)) {
        left.append(i);
        const QByteArray line = printer.line(batch, batch.events.at(i));
        if (!line.isEmpty())
            out += prefix + line;
    }
    QCOMPARE(out, expected);
    for (qsizetype i = 0; i < count; ++i) {
        const TrafficEvent &e = batch.events.at(i);
        const bool textLine = e.kind == Kind::Text && e.payloadOffset >= 0 && !showFrames;
        QVERIFY2(left.contains(i) != textLine, qPrintable(QString::number(i)));
    }
}

void TestMessagePrinter::statusTextFromTheNetworkIsEscaped()
{
    TrafficEvent close = makeEvent(Kind::Close, Direction::Local);
    close.cause = TrafficEvent::CloseCause::PeerClosed;
    close.code = 4001;
    close.text = QStringLiteral("bye\x1b]0;pwned\x07\n* connected");
    const QByteArray status = MessagePrinter().status({}, close);
    QVERIFY2(status.startsWith("* closed by the server: 4001"), status.constData());
    QVERIFY(status.contains("bye\\e]0;pwned\\x07\\n* connected\""));
    QCOMPARE(status.count('\n'), 1);

    TrafficEvent open = makeEvent(Kind::Open, Direction::Local);
    open.text = QStringLiteral("chat\x1b[2J");
    QCOMPARE(
        MessagePrinter().status({}, open), QByteArray("* connected (subprotocol: chat\\e[2J)\n"));
}

void TestMessagePrinter::showFramesDescribesHowMessagesArrived()
{
    TrafficBatch batch = textBatch(QByteArray(120, 'x'));
    TrafficEvent &e = batch.events.first();
    e.frameFlags = TrafficEvent::WireInfo | TrafficEvent::Rsv1 | TrafficEvent::Compressed;
    e.frames = 3;
    e.opcode = 1;
    e.wireSize = 41;
    MessagePrinter::Options options;
    options.showFrames = true;
    QCOMPARE(MessagePrinter(options).status(batch, e),
        QByteArray("  < frames: 3, opcode 1, RSV1, compressed, 41 bytes on the wire for 120 "
                   "bytes\n"));
    // Without the option, or without wire info, nothing.
    QVERIFY(MessagePrinter().status(batch, e).isEmpty());
    e.frameFlags = 0;
    QVERIFY(MessagePrinter(options).status(batch, e).isEmpty());

    TrafficEvent sentPing = makeEvent(Kind::Ping, Direction::Outgoing);
    sentPing.frameFlags = TrafficEvent::WireInfo | TrafficEvent::Masked;
    sentPing.frames = 1;
    sentPing.opcode = 9;
    sentPing.size = 4;
    sentPing.wireSize = 10;
    QCOMPARE(MessagePrinter(options).status({}, sentPing),
        QByteArray("  > frames: 1, opcode 9, masked, 10 bytes on the wire for 4 bytes\n"));
}

void TestMessagePrinter::showPingsPrintsServerPingsAndOurAnswers()
{
    TrafficBatchBuilder builder;
    TrafficEvent &ping = builder.append(Kind::Ping, Direction::Incoming, 1, 1);
    builder.setBytes(ping, QByteArray("\x1b[2Jkeepalive"));
    TrafficEvent &answer = builder.append(Kind::Pong, Direction::Outgoing, 2, 1);
    builder.setBytes(answer, QByteArray("\x1b[2Jkeepalive"));
    TrafficEvent &ourPong = builder.append(Kind::Pong, Direction::Incoming, 3, 1);
    ourPong.sequence = 7;
    ourPong.durationUs = 1234;
    TrafficEvent &ourPing = builder.append(Kind::Ping, Direction::Outgoing, 4, 1);
    ourPing.sequence = 8;
    const TrafficBatch batch = builder.take();
    MessagePrinter::Options options;
    options.showPings = true;
    const MessagePrinter printer(options);
    QCOMPARE(printer.line(batch, batch.events.at(0)),
        QByteArray("< ping (13 bytes) 1b 5b 32 4a 6b 65 65 70 61 6c 69 76 65\n"));
    QCOMPARE(printer.line(batch, batch.events.at(1)),
        QByteArray("> pong (answer, 13 bytes) 1b 5b 32 4a 6b 65 65 70 61 6c 69 76 65\n"));
    QCOMPARE(printer.line(batch, batch.events.at(2)), QByteArray("< pong #7 1.234 ms\n"));
    QVERIFY(printer.line(batch, batch.events.at(3)).isEmpty()); // ours show as their pongs
    for (const TrafficEvent &e : batch.events)
        QVERIFY(MessagePrinter().line(batch, e).isEmpty()); // only with --show-pings
}

void TestMessagePrinter::relayShowsControlFramesBothWays()
{
    // The proxy: both sides are peers; pings either way, pongs with the time the other side
    // took, close frames with their escaped reason.
    TrafficBatchBuilder builder;
    TrafficEvent &clientPing = builder.append(Kind::Ping, Direction::Outgoing, 1, 1);
    builder.setBytes(clientPing, QByteArray("ab"));
    TrafficEvent &serverPong = builder.append(Kind::Pong, Direction::Incoming, 2, 1);
    builder.setBytes(serverPong, QByteArray("ab"));
    serverPong.durationUs = 2500;
    TrafficEvent &unsolicited = builder.append(Kind::Pong, Direction::Outgoing, 3, 1);
    builder.setBytes(unsolicited, QByteArray());
    TrafficEvent &close = builder.append(Kind::CloseFrame, Direction::Incoming, 4, 1);
    close.code = 4000;
    close.text = QStringLiteral("bye\x1b[2J");
    const TrafficBatch batch = builder.take();
    MessagePrinter::Options options;
    options.showPings = true;
    options.relay = true;
    const MessagePrinter printer(options);
    QCOMPARE(printer.line(batch, batch.events.at(0)), QByteArray("> ping (2 bytes) 61 62\n"));
    QCOMPARE(printer.line(batch, batch.events.at(1)),
        QByteArray("< pong (2 bytes) 61 62, answered in 2.500 ms\n"));
    QCOMPARE(
        printer.line(batch, batch.events.at(2)), QByteArray("> pong (0 bytes), unsolicited\n"));
    QCOMPARE(printer.line(batch, batch.events.at(3)), QByteArray("< close 4000 \"bye\\e[2J\"\n"));
    options.showPings = false;
    for (const TrafficEvent &e : batch.events)
        QVERIFY(MessagePrinter(options).line(batch, e).isEmpty()); // only with --show-pings
}

void TestMessagePrinter::rejectedHandshakeShowsStatusAndLocation()
{
    TrafficEvent handshake = makeEvent(Kind::Handshake, Direction::Incoming);
    handshake.code = 302;
    handshake.text = QStringLiteral("HTTP/1.1 302 Found\r\nServer: x\r\nLocation: "
                                    "https://login.example.org/?next=\x1b[8m\r\n\r\n");
    QCOMPARE(MessagePrinter().status({}, handshake),
        QByteArray("! handshake refused: HTTP/1.1 302 Found\n"
                   "! Location: https://login.example.org/?next=\\e[8m\n"));
    handshake.code = 101; // an accepted upgrade prints nothing of its own
    QVERIFY(MessagePrinter().status({}, handshake).isEmpty());
}

void TestMessagePrinter::closeFramesAreShownWithFrames()
{
    TrafficEvent frame = makeEvent(Kind::CloseFrame, Direction::Incoming);
    frame.code = 1001;
    frame.text = QStringLiteral("going");
    frame.frameFlags = TrafficEvent::WireInfo;
    frame.frames = 1;
    frame.opcode = 8;
    frame.size = 7;
    frame.wireSize = 9;
    MessagePrinter::Options options;
    options.showFrames = true;
    const QByteArray status = MessagePrinter(options).status({}, frame);
    QVERIFY2(status.startsWith("* close frame received: 1001"), status.constData());
    QVERIFY(
        status.contains("\"going\"\n  < frames: 1, opcode 8, 9 bytes on the wire for 7 bytes\n"));
    QVERIFY(MessagePrinter().status({}, frame).isEmpty());
    QCOMPARE(TerminalText::escaped(QStringLiteral("a\x1b")), QByteArray("a\\e"));
}

QTEST_GUILESS_MAIN(TestMessagePrinter)
#include "tst_messageprinter.moc"
