// The window's logic without widgets: the connection presenter fed with hand-made batches (how a
// connection ended, attempts and their statistics, the handshake as reported, heartbeat stalls),
// tab titles, the JSON checker's positions and words, and the one duration formatter.
#include "ConnectionManager.h"
#include "ConnectionPresenter.h"
#include "HandMadeEvents.h"
#include "JsonCheck.h"
#include "Units.h"

#include <QSignalSpy>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;
using Closer = TrafficEvent::Closer;
using CloseCause = TrafficEvent::CloseCause;

namespace {

TrafficBatch batchOf(const TrafficEventList &events)
{
    TrafficBatch batch;
    batch.events = events;
    return batch;
}

TrafficEvent closeEvent(qint64 timeUs, Closer by, quint16 code, const QString &reason,
    CloseCause cause, TrafficEvent::TransportEnd end = TrafficEvent::TransportEnd::Unknown)
{
    TrafficEvent e = HandMade::event(Kind::Close, timeUs);
    e.closedBy = by;
    e.code = code;
    e.text = reason;
    e.cause = cause;
    e.transportEnd = end;
    return e;
}

} // namespace

class TestConnectionPresenter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void endingSaysWhoClosedWithCodeNameAndReason_data();
    void endingSaysWhoClosedWithCodeNameAndReason();
    void eachAttemptIsNumberedWithItsOwnStatistics();
    void handshakeShowsTheHeadsAsReported();
    void aRejectedUpgradeShowsItsStatusAndLocation();
    void stallsAreSpansFromThePingToThePong();
    void titlesKeepTheQuery();
    void jsonErrorsPointAtTheCharacterInPlainWords_data();
    void jsonErrorsPointAtTheCharacterInPlainWords();
    void compactKeepsKeysAndStringsAsTyped();
    void durationsReadInTheUnitThatSuitsThem();

private:
    ConnectionManager m_manager;
};

void TestConnectionPresenter::endingSaysWhoClosedWithCodeNameAndReason_data()
{
    QTest::addColumn<int>("closer");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("cause");
    QTest::addColumn<int>("transport");
    QTest::addColumn<QString>("expected");
    QTest::newRow("server 4001") << int(Closer::Peer) << 4001 << "bye"
                                 << int(CloseCause::PeerClosed)
                                 << int(TrafficEvent::TransportEnd::Fin)
                                 << "closed by the server: 4001 \u201c"
                                    "bye\u201d \u00b7 TCP: FIN";
    QTest::newRow("ours") << int(Closer::Local) << 1000 << "" << int(CloseCause::Requested)
                          << int(TrafficEvent::TransportEnd::LocalClose)
                          << "closed by you: 1000 (normal closure) \u00b7 TCP: closed by us";
    QTest::newRow("dropped")
        << int(Closer::Network) << 1006 << "" << int(CloseCause::Dropped)
        << int(TrafficEvent::TransportEnd::Reset)
        << "connection lost: 1006 (abnormal closure), no close frame \u00b7 TCP: RST";
    QTest::newRow("pongs stopped")
        << int(Closer::Local) << 1011 << "no pong" << int(CloseCause::HeartbeatTimeout)
        << int(TrafficEvent::TransportEnd::Unknown)
        << "closed by you: 1011 (internal error) \u201cno pong\u201d (pongs stopped)";
}

void TestConnectionPresenter::endingSaysWhoClosedWithCodeNameAndReason()
{
    QFETCH(int, closer);
    QFETCH(int, code);
    QFETCH(QString, reason);
    QFETCH(int, cause);
    QFETCH(int, transport);
    QFETCH(QString, expected);
    ConnectionPresenter presenter(&m_manager);
    QSignalSpy ended(&presenter, &ConnectionPresenter::endingChanged);
    presenter.ingest(batchOf({HandMade::event(Kind::Connecting, 0), HandMade::event(Kind::Open, 10),
        closeEvent(20, Closer(closer), quint16(code), reason, CloseCause(cause),
            TrafficEvent::TransportEnd(transport))}));
    QVERIFY(ended.count() >= 1);
    QCOMPARE(presenter.endingText(), expected);
    presenter.setState(ConnectionState::Closed);
    QCOMPARE(presenter.stateText(), expected);
}

void TestConnectionPresenter::eachAttemptIsNumberedWithItsOwnStatistics()
{
    ConnectionPresenter presenter(&m_manager);
    presenter.ingest(batchOf({HandMade::event(Kind::Connecting, 0), HandMade::event(Kind::Open, 5),
        HandMade::text(QStringLiteral("abc"), Direction::Incoming, 6),
        HandMade::text(QStringLiteral("de"), Direction::Outgoing, 7),
        closeEvent(8, Closer::Local, 1000, {}, CloseCause::Requested)}));
    QCOMPARE(presenter.attempt().attempt, 1);
    QCOMPARE(presenter.attempt().messagesIn, 1);
    QCOMPARE(presenter.attempt().bytesIn, 3);
    presenter.ingest(
        batchOf({HandMade::event(Kind::Connecting, 100), HandMade::event(Kind::Open, 105),
            HandMade::text(QStringLiteral("x"), Direction::Incoming, 106)}));
    QCOMPARE(presenter.attempt().attempt, 2);
    QCOMPARE(presenter.attempt().messagesIn, 1); // this attempt's, not the tab's
    QCOMPARE(presenter.attempt().messagesOut, 0);
    QVERIFY(!presenter.ending().ended);
    QVERIFY(presenter.statusText().contains(QLatin1String("attempt 2")));
    // The log numbers the attempts too: its separator rows say which attempt starts.
    presenter.model()->commitPending();
    QStringList separators;
    for (int row = 0; row < presenter.model()->rowCount(); ++row) {
        if (presenter.model()
                ->data(presenter.model()->index(row, 0), MessageLogModel::AttemptRole)
                .toInt()
            > 0)
            separators << presenter.model()
                              ->data(presenter.model()->index(row, MessageLogModel::PreviewColumn))
                              .toString();
    }
    QCOMPARE(separators.size(), 2);
    QVERIFY2(separators.at(1).contains(QLatin1String("attempt 2")), qPrintable(separators.at(1)));
}

void TestConnectionPresenter::handshakeShowsTheHeadsAsReported()
{
    ConnectionPresenter presenter(&m_manager);
    TrafficEvent handshake = HandMade::event(Kind::Handshake, 3);
    handshake.data = "GET /chat HTTP/1.1\r\nHost: example.org\r\nSec-WebSocket-Key: abc==\r\n\r\n";
    handshake.text = QStringLiteral("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                    "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
    handshake.code = 101;
    TrafficEvent open = HandMade::event(Kind::Open, 4);
    presenter.ingest(batchOf({HandMade::event(Kind::Connecting, 0), handshake, open}));
    const QString text = presenter.handshakeText();
    QVERIFY2(text.contains(QLatin1String("as sent")), qPrintable(text));
    QVERIFY(text.contains(QLatin1String("Sec-WebSocket-Key: abc==")));
    QVERIFY(text.contains(QLatin1String("Sec-WebSocket-Extensions: permessage-deflate")));
}

void TestConnectionPresenter::aRejectedUpgradeShowsItsStatusAndLocation()
{
    ConnectionPresenter presenter(&m_manager);
    TrafficEvent handshake = HandMade::event(Kind::Handshake, 3);
    handshake.data = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    handshake.text = QStringLiteral("HTTP/1.1 302 Found\r\nLocation: wss://b.example/\r\n\r\n");
    handshake.code = 302;
    TrafficEvent error = HandMade::event(Kind::Error, 4);
    error.code = 302;
    error.text = QStringLiteral("the server answered 302 Found instead of upgrading");
    presenter.ingest(batchOf({HandMade::event(Kind::Connecting, 0), handshake, error,
        closeEvent(5, Closer::Local, 1006, error.text, CloseCause::ConnectFailed)}));
    QVERIFY(presenter.handshakeText().contains(QLatin1String("Location: wss://b.example/")));
    QCOMPARE(presenter.lastError(), error.text);
    QVERIFY(presenter.endingText().startsWith(QLatin1String("could not connect")));
}

void TestConnectionPresenter::stallsAreSpansFromThePingToThePong()
{
    ConnectionPresenter presenter(&m_manager);
    TrafficEvent pong = HandMade::event(Kind::Pong, 1'000'000, Direction::Incoming);
    pong.durationUs = 300;
    TrafficEvent timeout = HandMade::event(Kind::PongTimeout, 3'000'000);
    timeout.sequence = 7;
    timeout.durationUs = 400'000; // the ping went out at 2.6 s
    TrafficEvent late = HandMade::event(Kind::Pong, 5'879'000, Direction::Incoming);
    late.sequence = 7;
    late.durationUs = 3'279'000;
    presenter.ingest(batchOf(
        {HandMade::event(Kind::Connecting, 0), HandMade::event(Kind::Open, 1), pong, timeout}));
    QVERIFY(presenter.heartbeat().isStalled());
    QVERIFY(presenter.heartbeat().stallText(4'000'000).contains(QLatin1String("1.40 s")));
    QVERIFY(presenter.heartbeat().stallText(4'000'000).contains(QLatin1String("#7")));
    presenter.ingest(batchOf({late}));
    QVERIFY(!presenter.heartbeat().isStalled());
    QCOMPARE(presenter.heartbeat().stalls().size(), 1);
    QCOMPARE(presenter.heartbeat().stalls().first().startUs, 2'600'000);
    QCOMPARE(presenter.heartbeat().stalls().first().endUs, 5'879'000);
    const QString stats = presenter.heartbeat().statsText();
    QVERIFY2(stats.contains(QLatin1String("max 3.28 s")), qPrintable(stats));
    QVERIFY(stats.contains(QLatin1String("1 missed")));
    // The late pong is a heartbeat problem: the default log view keeps it.
    presenter.model()->commitPending();
    MessageLogModel::Filter quiet;
    quiet.routineHeartbeat = false;
    QVERIFY(presenter.model()->setFilter(quiet));
    QList<int> kinds;
    for (int row = 0; row < presenter.model()->rowCount(); ++row)
        kinds << presenter.model()
                     ->data(presenter.model()->index(row, 0), MessageLogModel::KindRole)
                     .toInt();
    QCOMPARE(kinds,
        (QList<int> {
            int(Kind::Connecting), int(Kind::Open), int(Kind::PongTimeout), int(Kind::Pong)}));
}

void TestConnectionPresenter::titlesKeepTheQuery()
{
    QCOMPARE(
        ConnectionPresenter::titleFor(QUrl(QStringLiteral("ws://127.0.0.1:8080/ticker?rate=5"))),
        QStringLiteral("127.0.0.1:8080/ticker?rate=5"));
    QVERIFY(ConnectionPresenter::titleFor(QUrl(QStringLiteral("ws://h/ticker?rate=5")))
        != ConnectionPresenter::titleFor(QUrl(QStringLiteral("ws://h/ticker?rate=2000"))));
}

void TestConnectionPresenter::jsonErrorsPointAtTheCharacterInPlainWords_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("words");
    QTest::newRow("value missing after colon")
        << "{\n  \"a\": 1,\n  \"b\": }" << 19 << "expected a value after";
    QTest::newRow("double comma in a list") << "[1, 2,, 3]" << 6 << "expected a value here";
    QTest::newRow("missing comma in a list") << "[1 2]" << 3 << "after a value in this list";
    QTest::newRow("missing comma in an object")
        << "{\"a\":1 \"b\":2}" << 7 << "after a value in this object";
    QTest::newRow("missing colon") << "{\"a\" 1}" << 5 << "expected \u201c:\u201d";
    QTest::newRow("list never closed")
        << "[1,2" << 4 << "the list opened at column 1 is never closed with \u201c]\u201d";
    // Text that ends too early says what is left open, not what is closed.
    QTest::newRow("object never closed after a string") << "{\"op\":\"edited\"" << 14
                                                        << "the object opened at column 1 is "
                                                           "never closed with \u201c}\u201d";
    QTest::newRow("object never closed after a number")
        << "{\"a\":1" << 6 << "the object opened at column 1 is never closed";
    QTest::newRow("object never closed after an object")
        << "{\"a\":{\"b\":\"c\"}" << 14 << "the object opened at column 1 is never closed";
    QTest::newRow("inner list never closed")
        << "{\"a\":[1,{\"b\":2}" << 15 << "the list opened at column 6 is never closed";
    QTest::newRow("list never closed after a word")
        << "[true" << 5 << "the list opened at column 1 is never closed with \u201c]\u201d";
    QTest::newRow("list never closed after a string")
        << "[\"x\" " << 5 << "the list opened at column 1 is never closed";
    QTest::newRow("list never closed on another line")
        << "{\n  \"a\": [1,\n  2" << 16 << "the list opened at line 2, column 8 is never closed";
    QTest::newRow("string never closed")
        << "{\"op\":\"edi" << 6 << "this string is never closed with \u201c\"\u201d";
    QTest::newRow("string never closed at the top")
        << "\"abc" << 0 << "this string is never closed";
    QTest::newRow("name at the end without its value")
        << "{\"a\"" << 4 << "expected \u201c:\u201d between the name and its value";
    QTest::newRow("unfinished word") << "[tru" << 1 << "expected a value here";
    QTest::newRow("object left after a comma")
        << "{\"a\":1," << 7 << "expected a name in double quotes after \u201c,\u201d";
    QTest::newRow("list left after a comma")
        << "[1, " << 4 << "expected a value, or \u201c]\u201d to close the list";
    QTest::newRow("trailing comma in an object") << "{\"a\":1,}" << 7 << "must follow the comma";
    QTest::newRow("text after the end") << "[1] x" << 4 << "more text after the end";
    QTest::newRow("unquoted name") << "{a:1}" << 1 << "name in double quotes";
}

void TestConnectionPresenter::jsonErrorsPointAtTheCharacterInPlainWords()
{
    QFETCH(QString, json);
    QFETCH(int, position);
    QFETCH(QString, words);
    const JsonCheck check = JsonCheck::check(json);
    QVERIFY(!check.ok);
    QCOMPARE(check.position, position);
    QVERIFY2(check.problem.contains(words), qPrintable(check.problem));
    QVERIFY(check.describe().startsWith(
        QStringLiteral("line %1, column %2: ").arg(check.line).arg(check.column)));
    QVERIFY(JsonCheck::check(QStringLiteral("{\"ok\": [1, 2]}")).ok);
}

void TestConnectionPresenter::compactKeepsKeysAndStringsAsTyped()
{
    QCOMPARE(JsonCheck::compact(QStringLiteral("{\n  \"z\": 1.50,\n  \"a\": \"x  y \\\" z\"\n}")),
        QStringLiteral("{\"z\":1.50,\"a\":\"x  y \\\" z\"}"));
}

void TestConnectionPresenter::durationsReadInTheUnitThatSuitsThem()
{
    QCOMPARE(Units::duration(850), QStringLiteral("850 \u00b5s"));
    QCOMPARE(Units::duration(2'500), QStringLiteral("2.50 ms"));
    QCOMPARE(Units::duration(279'000), QStringLiteral("279.0 ms"));
    QCOMPARE(Units::duration(2'879'000), QStringLiteral("2.88 s"));
    QCOMPARE(Units::duration(245'000'000), QStringLiteral("4 min 5 s"));
    QCOMPARE(Units::clock(3'723'000'000LL), QStringLiteral("01:02:03"));
}

QTEST_GUILESS_MAIN(TestConnectionPresenter)
#include "tst_connectionpresenter.moc"
