// The traffic log model: consistent for views (QAbstractItemModelTester), one insert per commit,
// filtering, pause, a row cap with a count of dropped rows, and lazily computed columns.
#include "MessageLogModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

// A batch like the engine makes: small payloads packed in one buffer.
TrafficBatch makeBatch(const QList<std::pair<Direction, QString>> &messages, qint64 firstUs = 0)
{
    TrafficBatch batch;
    qint64 t = firstUs;
    for (const auto &[direction, text] : messages) {
        TrafficEvent e;
        e.kind = Kind::Text;
        e.direction = direction;
        e.timeUs = t++;
        const QByteArray utf8 = text.toUtf8();
        e.payloadOffset = batch.payloads.size();
        e.size = utf8.size();
        batch.payloads += utf8;
        batch.events << e;
    }
    return batch;
}

TrafficEvent statusEvent(Kind kind, const QString &text)
{
    TrafficEvent e;
    e.kind = kind;
    e.text = text;
    return e;
}

} // namespace

class TestMessageLogModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void consistentForViews();
    void rowsArriveInOneInsertPerCommit();
    void aFloodArrivesInSlicesInOrder();
    void columnsShowTimeDirectionTypeSizeAndPreview();
    void filterByDirectionTypeAndText_data();
    void filterByDirectionTypeAndText();
    void invalidRegexKeepsTheOldFilter();
    void rowsKeepArrivingWhileFiltered();
    void pauseHoldsRowsAndCountsThem();
    void rowCapDropsTheOldestAndCountsThem();
    void statisticsCountMessagesAndBytes();
    void largeAndStatusEventsKeepTheirContent();
    void wireInfoIsKeptForEveryRow();
    void routineHeartbeatHidesPingsButNotProblems();
    void filteredRowsKeepTheirIdsWhenTheCapDropsOldOnes();
    void emptyFilterSaysWhatItLooksFor();
    void testVerdictsShowInTheirColumn();
};

void TestMessageLogModel::consistentForViews()
{
    MessageLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.enqueue(makeBatch(
        {{Direction::Incoming, QStringLiteral("a")}, {Direction::Outgoing, QStringLiteral("bb")}}));
    model.commitPending();
    MessageLogModel::Filter filter;
    filter.text = QStringLiteral("b");
    QVERIFY(model.setFilter(filter));
    model.enqueue(makeBatch({{Direction::Incoming, QStringLiteral("abc")},
        {Direction::Incoming, QStringLiteral("x")}}));
    model.commitPending();
    model.setRowCap(2);
    QVERIFY(model.setFilter({}));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestMessageLogModel::rowsArriveInOneInsertPerCommit()
{
    MessageLogModel model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 20; ++i)
        model.enqueue(makeBatch({{Direction::Incoming, QString::number(i)}}));
    QCOMPARE(model.rowCount(), 0); // not yet: rows wait for the commit timer
    QVERIFY(inserted.wait(2000));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.rowCount(), 20);
}

void TestMessageLogModel::aFloodArrivesInSlicesInOrder()
{
    // A timed commit takes whole batches up to MaxRowsPerCommit rows and leaves the rest to the
    // next turn of the event loop: the GUI thread is never held by one huge insert. The same after
    // a long pause.
    for (const bool paused : {false, true}) {
        MessageLogModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.setPaused(paused);
        const int batches = 40;
        const int perBatch = 4096;
        for (int b = 0; b < batches; ++b) {
            QList<std::pair<Direction, QString>> messages;
            for (int i = 0; i < perBatch; ++i)
                messages.append({Direction::Incoming, QString::number(b * perBatch + i)});
            model.enqueue(makeBatch(messages, qint64(b) * perBatch));
        }
        if (paused)
            model.setPaused(false);
        QTRY_COMPARE(model.rowCount(), batches * perBatch);
        QCOMPARE(model.pendingCount(), 0);
        QVERIFY(inserted.size() >= qint64(batches) * perBatch / MessageLogModel::MaxRowsPerCommit);
        int next = 0;
        for (const QList<QVariant> &arguments : std::as_const(inserted)) {
            QCOMPARE(arguments.at(1).toInt(), next);
            const int rows = arguments.at(2).toInt() - next + 1;
            QVERIFY2(rows <= MessageLogModel::MaxRowsPerCommit, qPrintable(QString::number(rows)));
            next += rows;
        }
        for (const int row : {0, 4095, 4096, 65535, 65536, batches * perBatch - 1}) {
            QCOMPARE(model.data(model.index(row, MessageLogModel::PreviewColumn)).toString(),
                QString::number(row));
        }
    }
}

void TestMessageLogModel::columnsShowTimeDirectionTypeSizeAndPreview()
{
    MessageLogModel model;
    model.setWallOrigin(1'700'000'000'000);
    model.enqueue(
        makeBatch({{Direction::Incoming, QStringLiteral("line one\nline two")}}, 1'500'000));
    model.commitPending();
    auto cell = [&](int column) { return model.data(model.index(0, column)).toString(); };
    QCOMPARE(cell(MessageLogModel::NumberColumn), QStringLiteral("1"));
    QCOMPARE(cell(MessageLogModel::TimeColumn), QStringLiteral("1.500000"));
    QVERIFY(cell(MessageLogModel::DirectionColumn).contains(QLatin1String("in")));
    QCOMPARE(cell(MessageLogModel::TypeColumn), QStringLiteral("text"));
    QCOMPARE(cell(MessageLogModel::SizeColumn), QStringLiteral("17 B"));
    QCOMPARE(cell(MessageLogModel::PreviewColumn), QStringLiteral("line one line two")); // one line
    QVERIFY(model.data(model.index(0, MessageLogModel::TimeColumn), Qt::ToolTipRole)
                .toString()
                .contains(QLatin1String("2023")));
    model.setShowWallClock(true);
    QVERIFY(cell(MessageLogModel::TimeColumn).contains(QLatin1Char(':')));
    QCOMPARE(model.eventAt(0).text, QStringLiteral("line one\nline two"));
}

void TestMessageLogModel::filterByDirectionTypeAndText_data()
{
    QTest::addColumn<int>("direction");
    QTest::addColumn<quint32>("kinds");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("regex");
    QTest::addColumn<int>("rows");
    const quint32 all = MessageLogModel::Filter::AllKinds;
    QTest::newRow("everything") << 0 << all << "" << false << 5;
    QTest::newRow("incoming") << 1 << all << "" << false << 2;
    QTest::newRow("outgoing") << 2 << all << "" << false << 2;
    QTest::newRow("text only") << 0 << (1u << int(Kind::Text)) << "" << false << 4;
    QTest::newRow("errors only") << 0 << (1u << int(Kind::Error)) << "" << false << 1;
    QTest::newRow("substring, any case") << 0 << all << "HELLO" << false << 2;
    QTest::newRow("non-ascii") << 0 << all << "wörld" << false << 1;
    QTest::newRow("regex") << 0 << all << "^\\{\"id\":\\d+" << true << 1;
    QTest::newRow("in + substring") << 1 << all << "hello" << false << 1;
    QTest::newRow("error text") << 0 << all << "refused" << false << 1;
}

void TestMessageLogModel::filterByDirectionTypeAndText()
{
    QFETCH(int, direction);
    QFETCH(quint32, kinds);
    QFETCH(QString, text);
    QFETCH(bool, regex);
    QFETCH(int, rows);
    MessageLogModel model;
    model.enqueue(makeBatch({{Direction::Incoming, QStringLiteral("hello")},
        {Direction::Outgoing, QStringLiteral("Hello wörld")},
        {Direction::Incoming, QStringLiteral("{\"id\":42}")},
        {Direction::Outgoing, QStringLiteral("bye")}}));
    TrafficBatch status;
    status.events << statusEvent(Kind::Error, QStringLiteral("connection refused"));
    model.enqueue(status);
    model.commitPending();
    MessageLogModel::Filter filter;
    filter.direction = MessageLogModel::Filter::Direction(direction);
    filter.kinds = kinds;
    filter.text = text;
    filter.regex = regex;
    QVERIFY(model.setFilter(filter));
    QCOMPARE(model.rowCount(), rows);
    QCOMPARE(model.totalRows(), 5);
}

void TestMessageLogModel::invalidRegexKeepsTheOldFilter()
{
    MessageLogModel model;
    MessageLogModel::Filter filter;
    filter.text = QStringLiteral("(unclosed");
    filter.regex = true;
    QString error;
    QVERIFY(!model.setFilter(filter, &error));
    QVERIFY(error.contains(QLatin1String("invalid regular expression")));
    QVERIFY(!model.filter().isActive());
}

void TestMessageLogModel::rowsKeepArrivingWhileFiltered()
{
    MessageLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    MessageLogModel::Filter filter;
    filter.text = QStringLiteral("keep");
    QVERIFY(model.setFilter(filter));
    model.enqueue(makeBatch({{Direction::Incoming, QStringLiteral("keep 1")},
        {Direction::Incoming, QStringLiteral("drop")}}));
    model.commitPending();
    model.enqueue(makeBatch({{Direction::Incoming, QStringLiteral("keep 2")}}));
    model.commitPending();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.eventAt(1).text, QStringLiteral("keep 2"));
    QCOMPARE(
        model.data(model.index(1, MessageLogModel::NumberColumn)).toInt(), 3); // its real number
}

void TestMessageLogModel::pauseHoldsRowsAndCountsThem()
{
    MessageLogModel model;
    QSignalSpy pending(&model, &MessageLogModel::pendingCountChanged);
    model.setPaused(true);
    model.enqueue(makeBatch(
        {{Direction::Incoming, QStringLiteral("1")}, {Direction::Incoming, QStringLiteral("2")}}));
    QCOMPARE(model.pendingCount(), 2);
    QCOMPARE(pending.last().first().toLongLong(), 2);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.statistics().messagesIn, 2); // captured all the same
    model.setPaused(false);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.pendingCount(), 0);
}

void TestMessageLogModel::rowCapDropsTheOldestAndCountsThem()
{
    MessageLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRowCap(3);
    for (int i = 1; i <= 10; ++i) {
        model.enqueue(makeBatch({{Direction::Incoming, QString::number(i)}}));
        model.commitPending();
    }
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.droppedRows(), 7);
    QCOMPARE(model.eventAt(0).text, QStringLiteral("8"));
    QCOMPARE(model.data(model.index(0, MessageLogModel::NumberColumn)).toInt(), 8);
    QCOMPARE(model.eventAt(2).text, QStringLiteral("10"));
}

void TestMessageLogModel::statisticsCountMessagesAndBytes()
{
    MessageLogModel model;
    model.enqueue(makeBatch({{Direction::Incoming, QStringLiteral("abc")},
        {Direction::Outgoing, QStringLiteral("de")}}));
    QCOMPARE(model.statistics().messagesIn, 1);
    QCOMPARE(model.statistics().bytesIn, 3);
    QCOMPARE(model.statistics().messagesOut, 1);
    QCOMPARE(model.statistics().bytesOut, 2);
}

void TestMessageLogModel::largeAndStatusEventsKeepTheirContent()
{
    MessageLogModel model;
    TrafficBatch batch;
    TrafficEvent big;
    big.kind = Kind::Binary;
    big.direction = Direction::Incoming;
    big.data = QByteArray(100000, '\x7f');
    big.size = big.data.size();
    batch.events << big;
    TrafficEvent close;
    close.kind = Kind::Close;
    close.code = 4001;
    close.closedBy = TrafficEvent::Closer::Peer;
    close.text = QStringLiteral("bye");
    batch.events << close;
    model.enqueue(batch);
    model.commitPending();
    QCOMPARE(model.payloadAt(0), big.data);
    QCOMPARE(model.data(model.index(0, MessageLogModel::SizeColumn)).toString(),
        QStringLiteral("97.7 KiB"));
    QCOMPARE(model.data(model.index(1, MessageLogModel::PreviewColumn)).toString(),
        QStringLiteral("4001 by server: bye"));
}

void TestMessageLogModel::wireInfoIsKeptForEveryRow()
{
    MessageLogModel model;
    TrafficBatch batch = makeBatch({{Direction::Incoming, QString(200, QLatin1Char('a'))},
        {Direction::Outgoing, QStringLiteral("hi")}, {Direction::Incoming, QStringLiteral("zip")}});
    // Plain single frames: 200 bytes in (2 + 2 header bytes), 2 bytes out (2 + 4 masking key).
    batch.events[0].frameFlags = TrafficEvent::WireInfo;
    batch.events[0].frames = 1;
    batch.events[0].opcode = 1;
    batch.events[0].wireSize = 204;
    batch.events[1].frameFlags = TrafficEvent::WireInfo | TrafficEvent::Masked;
    batch.events[1].frames = 1;
    batch.events[1].opcode = 1;
    batch.events[1].wireSize = 8;
    // An unusual one: compressed, in 3 frames.
    batch.events[2].frameFlags
        = TrafficEvent::WireInfo | TrafficEvent::Rsv1 | TrafficEvent::Compressed;
    batch.events[2].frames = 3;
    batch.events[2].opcode = 1;
    batch.events[2].wireSize = 17;
    model.enqueue(batch);
    model.commitPending();
    const TrafficEvent in = model.eventAt(0);
    QVERIFY(in.hasWireInfo());
    QCOMPARE(in.wireSize, 204);
    QCOMPARE(in.frames, 1u);
    QVERIFY(!(in.frameFlags & TrafficEvent::Masked));
    const TrafficEvent out = model.eventAt(1);
    QCOMPARE(out.wireSize, 8);
    QVERIFY(out.frameFlags & TrafficEvent::Masked);
    const TrafficEvent zipped = model.eventAt(2);
    QCOMPARE(zipped.frames, 3u);
    QCOMPARE(zipped.wireSize, 17);
    QVERIFY(zipped.frameFlags & TrafficEvent::Compressed);
    QCOMPARE(
        model.data(model.index(2, MessageLogModel::SizeColumn)).toString(), QStringLiteral("3 B"));
    const QString tip
        = model.data(model.index(2, MessageLogModel::SizeColumn), Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QLatin1String("17 bytes on the wire in 3 frames")), qPrintable(tip));
    QVERIFY(tip.contains(QLatin1String("compressed")));
}

void TestMessageLogModel::routineHeartbeatHidesPingsButNotProblems()
{
    MessageLogModel model;
    TrafficBatch batch = makeBatch({{Direction::Incoming, QStringLiteral("data")}});
    auto add = [&](Kind kind, Direction direction, quint32 sequence) {
        TrafficEvent e;
        e.kind = kind;
        e.direction = direction;
        e.sequence = sequence;
        batch.events << e;
    };
    add(Kind::Ping, Direction::Outgoing, 1);
    add(Kind::Pong, Direction::Incoming, 1);
    add(Kind::Ping, Direction::Incoming, 0); // the server's
    add(Kind::Pong, Direction::Outgoing, 0); // our answer
    add(Kind::Ping, Direction::Outgoing, 2);
    add(Kind::PongTimeout, Direction::Local, 2);
    add(Kind::Pong, Direction::Incoming, 2); // late
    add(Kind::CloseFrame, Direction::Incoming, 0);
    model.enqueue(batch);
    model.commitPending();
    MessageLogModel::Filter quiet;
    quiet.routineHeartbeat = false;
    QVERIFY(model.setFilter(quiet));
    QCOMPARE(model.rowCount(), 3); // the data, the timeout and the late pong
    QCOMPARE(Kind(model.data(model.index(2, 0), MessageLogModel::KindRole).toInt()), Kind::Pong);
    QVERIFY(model.data(model.index(2, 0), MessageLogModel::ProblemRole).toBool());
    QVERIFY(model.setFilter({}));
    QCOMPARE(model.rowCount(), 9);
}

void TestMessageLogModel::filteredRowsKeepTheirIdsWhenTheCapDropsOldOnes()
{
    MessageLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    MessageLogModel::Filter filter;
    filter.text = QStringLiteral("keep");
    QVERIFY(model.setFilter(filter));
    model.setRowCap(5);
    for (int i = 0; i < 12; ++i) {
        model.enqueue(makeBatch({{Direction::Incoming,
            (i % 3 == 0 ? QStringLiteral("keep %1") : QStringLiteral("drop %1")).arg(i)}}));
        model.commitPending();
    }
    // Rows 7..11 are kept; of those, 9 passes the filter.
    QCOMPARE(model.droppedRows(), 7);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.eventAt(0).text, QStringLiteral("keep 9"));
    QCOMPARE(model.rowOfId(9), 0);
    QCOMPARE(model.rowOfId(10), -1); // filtered out
    QCOMPARE(model.rowOfId(3), -1); // dropped
    QCOMPARE(model.idAt(0), 9);
}

void TestMessageLogModel::emptyFilterSaysWhatItLooksFor()
{
    MessageLogModel model;
    model.enqueue(makeBatch({{Direction::Incoming, QStringLiteral("apple")}}));
    model.commitPending();
    MessageLogModel::Filter filter;
    filter.text = QStringLiteral("pear");
    filter.direction = MessageLogModel::Filter::Direction::Incoming;
    QVERIFY(model.setFilter(filter));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.filter().describe(), QStringLiteral("incoming, containing \u201cpear\u201d"));
    const auto matches = model.matchesIn(QStringLiteral("a pear and a PEAR"));
    QCOMPARE(matches.size(), 2);
    QCOMPARE(matches.at(1).first, 13);
}

void TestMessageLogModel::testVerdictsShowInTheirColumn()
{
    using Verdict = MessageLogModel::Verdict;
    MessageLogModel model;
    model.enqueue(makeBatch(
        {{Direction::Outgoing, QStringLiteral("get")}, {Direction::Incoming, QStringLiteral("one")},
            {Direction::Incoming, QStringLiteral("two")}}));
    model.commitPending();
    QVERIFY(!model.hasVerdicts());
    auto check = [&](int row) {
        return model.data(model.index(row, MessageLogModel::CheckColumn)).toString();
    };
    QCOMPARE(check(0), QString());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.addVerdicts({{0, Verdict::Passed}, {1, Verdict::Passed}});
    model.addVerdicts({{2, Verdict::Failed}}); // a later step keeps the earlier verdicts
    QCOMPARE(changed.size(), 2);
    QCOMPARE(check(0), QStringLiteral("\u2713 pass"));
    QCOMPARE(check(2), QStringLiteral("\u2717 fail"));
    QCOMPARE(model.verdictAt(2), Verdict::Failed);
    QVERIFY(model.data(model.index(2, 0), MessageLogModel::ProblemRole).toBool());
    QVERIFY(!model.data(model.index(1, 0), MessageLogModel::ProblemRole).toBool());
    MessageLogModel::Filter incoming;
    incoming.direction = MessageLogModel::Filter::Direction::Incoming;
    model.setFilter(incoming);
    QCOMPARE(check(1), QStringLiteral("\u2717 fail")); // verdicts follow rows through the filter
    model.setVerdicts({});
    QVERIFY(!model.hasVerdicts());
    QCOMPARE(check(1), QString());
}

QTEST_GUILESS_MAIN(TestMessageLogModel)
#include "tst_messagelogmodel.moc"
