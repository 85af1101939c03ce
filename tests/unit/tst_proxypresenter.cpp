// The proxy tab's logic without widgets: the presenter fed with hand-made reports, as the
// ProxyServer would send them. The pair list shows each pair's figures and how it ended; each pair
// has a log of its own with both directions, its clock's wall-clock start and what its script
// said; a message the proxy injected or edited is a message row marked as such; held messages wait
// in order and leave the list when decided or when their pair ends; the faults in force are the
// server's, per pair and for all pairs.
#include "HandMadeEvents.h"
#include "MessageLogModel.h"
#include "ProxyPairListModel.h"
#include "ProxyPresenter.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

ProxyPairStatus statusOf(int pairId, ProxyPairState state, qint64 fromClient, qint64 fromServer)
{
    ProxyPairStatus s;
    s.pairId = pairId;
    s.state = state;
    s.clientAddress = QStringLiteral("127.0.0.1:%1").arg(50000 + pairId);
    s.upstream = QStringLiteral("ws://127.0.0.1:9000/chat");
    s.messagesFromClient = fromClient;
    s.messagesFromServer = fromServer;
    s.payloadBytesFromClient = fromClient * 20;
    s.payloadBytesFromServer = fromServer * 18;
    s.wireBytesFromClient = fromClient * 26 + 40; // headers, and pings
    s.wireBytesFromServer = fromServer * 20 + 40;
    return s;
}

QString cell(const ProxyPairListModel *model, int pairId, int column)
{
    return model->data(model->index(model->rowOfPair(pairId), column)).toString();
}

} // namespace

class TestProxyPresenter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pairsAreListedWithTheirFiguresAndHowTheyEnded();
    void eachPairHasItsOwnLogWithBothDirections();
    void heldMessagesWaitInOrderUntilDecided();
    void faultsInForceAreTheServersPerPairAndForAllPairs();
    void forgettingEndedPairsDropsTheirRowsAndLogs();
};

void TestProxyPresenter::pairsAreListedWithTheirFiguresAndHowTheyEnded()
{
    ProxyPresenter presenter;
    QAbstractItemModelTester tester(
        presenter.pairs(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy added(&presenter, &ProxyPresenter::pairAdded);
    presenter.addPair(1, QStringLiteral("127.0.0.1:50001"));
    presenter.addPair(2, QStringLiteral("127.0.0.1:50002"));
    QCOMPARE(added.count(), 2);
    const ProxyPairListModel *pairs = presenter.pairs();
    QCOMPARE(pairs->rowCount(), 2);
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::StateColumn), QStringLiteral("handshaking"));

    ProxyPairStatus s = statusOf(1, ProxyPairState::Open, 12, 11);
    s.clientPingRttUs = 850;
    s.serverPingRttUs = -1;
    s.heldFromClient = 2;
    presenter.updateStatus(s);
    QCOMPARE(pairs->rowCount(), 2);
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::ClientColumn), QStringLiteral("127.0.0.1:50001"));
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::StateColumn), QStringLiteral("open"));
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::FromClientColumn), QStringLiteral("12 (240 B)"));
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::FromServerColumn), QStringLiteral("11 (198 B)"));
    // The bytes on the wire, pings and frame headers included, are the cell's tooltip.
    const QString wireTip
        = pairs
              ->data(pairs->index(pairs->rowOfPair(1), ProxyPairListModel::FromClientColumn),
                  Qt::ToolTipRole)
              .toString();
    QVERIFY2(wireTip.startsWith(QStringLiteral("12 messages, 240 B of payload\n352 B on the wire")),
        qPrintable(wireTip));
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::ClientPingColumn), QStringLiteral("850 µs"));
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::ServerPingColumn), QStringLiteral("\u2013"));
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::HeldColumn), QStringLiteral("2 \u2191 0 \u2193"));
    QCOMPARE(pairs->openCount(), 2);

    presenter.endPair(1, QStringLiteral("client: FIN; server: close 1000"));
    QCOMPARE(cell(pairs, 1, ProxyPairListModel::StateColumn),
        QStringLiteral("closed: client: FIN; server: close 1000"));
    QVERIFY(pairs->data(pairs->index(0, 0), Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("server: close 1000")));
    QCOMPARE(pairs->openCount(), 1);
    QVERIFY(presenter.statusText().contains(QStringLiteral("not listening")));

    // A status for a pair never announced (its pairOpened lost in a race) still makes a row.
    presenter.updateStatus(statusOf(3, ProxyPairState::Open, 0, 0));
    QCOMPARE(pairs->rowCount(), 3);
    QVERIFY(presenter.log(3));
}

void TestProxyPresenter::eachPairHasItsOwnLogWithBothDirections()
{
    ProxyPresenter presenter;
    presenter.addPair(1, QStringLiteral("127.0.0.1:50001"));
    presenter.addPair(2, QStringLiteral("127.0.0.1:50002"));
    // The pair's status says when its clock started: time 0 of its events.
    ProxyPairStatus started = statusOf(1, ProxyPairState::Open, 0, 0);
    started.startedWallMs = 1'795'000'000'000;
    presenter.updateStatus(started);
    QVERIFY(!cell(presenter.pairs(), 1, ProxyPairListModel::StartedColumn).isEmpty());
    QVERIFY(cell(presenter.pairs(), 2, ProxyPairListModel::StartedColumn).isEmpty());
    TrafficBatch first;
    first.events << HandMade::text(QStringLiteral("hello"), Direction::Outgoing, 1000)
                 << HandMade::text(QStringLiteral("hello"), Direction::Incoming, 1500);
    TrafficEvent fault = HandMade::event(Kind::Fault, 2000);
    fault.text = QStringLiteral("client->server: latency 50 ms");
    first.events << fault;
    // Injected towards the server by the proxy: a message row like the others, marked.
    TrafficEvent injected
        = HandMade::text(QStringLiteral("from the proxy"), Direction::Outgoing, 2500);
    injected.origin = TrafficEvent::Origin::Injected;
    first.events << injected;
    TrafficEvent said = HandMade::event(Kind::Script, 2600);
    said.code = quint16(TrafficEvent::ScriptNote::Log);
    said.text = QStringLiteral("rewrote one");
    said.sequence = 3;
    first.events << said;
    QSignalSpy scriptSaid(&presenter, &ProxyPresenter::scriptLinesChanged);
    presenter.ingest(1, first, LoopLag {120, 300});
    presenter.log(1)->commitPending();
    presenter.log(2)->commitPending();
    MessageLogModel *log = presenter.log(1);
    QCOMPARE(log->rowCount(), 5);
    QCOMPARE(log->eventAt(0).direction, Direction::Outgoing);
    QCOMPARE(log->eventAt(1).direction, Direction::Incoming);
    QCOMPARE(log->eventAt(2).kind, Kind::Fault);
    QCOMPARE(log->eventAt(3).text, QStringLiteral("from the proxy"));
    QCOMPARE(log->eventAt(3).origin, TrafficEvent::Origin::Injected);
    QCOMPARE(log->data(log->index(3, MessageLogModel::TypeColumn)).toString(),
        QStringLiteral("text (injected)"));
    QCOMPARE(
        log->data(log->index(0, MessageLogModel::TypeColumn)).toString(), QStringLiteral("text"));
    QCOMPARE(log->wallMsAt(0), 1'795'000'000'001);
    // What the pair's script said, for its Script tab; the other pair's script said nothing.
    QCOMPARE(scriptSaid.count(), 1);
    QCOMPARE(scriptSaid.at(0).at(0).toInt(), 1);
    QCOMPARE(presenter.scriptLines(1).size(), 1);
    QCOMPARE(presenter.scriptLines(1).constFirst().text, QStringLiteral("rewrote one"));
    QCOMPARE(presenter.scriptLines(1).constFirst().line, 3);
    QVERIFY(presenter.scriptLines(2).isEmpty());
    QCOMPARE(presenter.log(2)->rowCount(), 0);
    QCOMPARE(presenter.lag(1).maxUs, 300);
    QVERIFY(!presenter.log(7));
    presenter.ingest(7, first); // an unknown pair: nothing happens
}

void TestProxyPresenter::heldMessagesWaitInOrderUntilDecided()
{
    ProxyPresenter presenter;
    presenter.addPair(1, QStringLiteral("127.0.0.1:50001"));
    presenter.addPair(2, QStringLiteral("127.0.0.1:50002"));
    QSignalSpy changed(&presenter, &ProxyPresenter::heldChanged);
    presenter.hold(1, ProxySide::Client, 1, false, "first");
    presenter.hold(2, ProxySide::Server, 1, true, QByteArray("\x01\x02", 2));
    presenter.hold(1, ProxySide::Client, 2, false, "second");
    QCOMPARE(changed.count(), 3);
    QCOMPARE(presenter.heldCount(), 3);
    QCOMPARE(presenter.held(1).size(), 2);
    QCOMPARE(presenter.held(1).constFirst().payload, QByteArray("first"));
    QCOMPARE(presenter.held(ProxyServer::AllPairs).at(1).pairId, 2);
    QVERIFY(presenter.held(ProxyServer::AllPairs).at(1).binary);

    presenter.forwardHeld(presenter.held(1).constFirst());
    QCOMPARE(presenter.held(1).size(), 1);
    QCOMPARE(presenter.held(1).constFirst().payload, QByteArray("second"));
    presenter.replaceHeld(presenter.held(1).constFirst(), false, "edited");
    QVERIFY(presenter.held(1).isEmpty());
    // A decision on a message already decided changes nothing.
    const int before = int(changed.count());
    presenter.dropHeld({1, ProxySide::Client, 2, false, {}});
    QCOMPARE(changed.count(), before);
    // A pair that ends takes its held messages with it.
    presenter.endPair(2, QStringLiteral("cut"));
    QCOMPARE(presenter.heldCount(), 0);
}

void TestProxyPresenter::faultsInForceAreTheServersPerPairAndForAllPairs()
{
    ProxyPresenter presenter;
    presenter.addPair(1, QStringLiteral("127.0.0.1:50001"));
    presenter.addPair(2, QStringLiteral("127.0.0.1:50002"));
    ProxyFaults slow;
    slow.fromClient.latencyMs = 50;
    slow.fromClient.jitterMs = 5;
    presenter.setFaults(1, slow);
    QCOMPARE(presenter.faults(1), slow);
    QCOMPARE(presenter.faults(2), ProxyFaults());
    presenter.setIntercept(2, ProxySide::Server, true);
    QVERIFY(presenter.faults(2).fromServer.intercept);
    QVERIFY(!presenter.faults(1).fromServer.intercept);

    // All pairs: every current pair, and the pairs accepted later, get them.
    ProxyFaults drops;
    drops.fromClient.dropPongs = true;
    presenter.setFaults(ProxyServer::AllPairs, drops);
    QCOMPARE(presenter.faults(1), drops);
    QCOMPARE(presenter.faults(2), drops);
    presenter.addPair(3, QStringLiteral("127.0.0.1:50003"));
    QCOMPARE(presenter.faults(3), drops);
    QCOMPARE(presenter.server()->faults(3), drops);
    QCOMPARE(presenter.faults(ProxyServer::AllPairs), drops);
}

void TestProxyPresenter::forgettingEndedPairsDropsTheirRowsAndLogs()
{
    ProxyPresenter presenter;
    QAbstractItemModelTester tester(
        presenter.pairs(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int id = 1; id <= 3; ++id)
        presenter.addPair(id, QStringLiteral("127.0.0.1:5000%1").arg(id));
    presenter.endPair(1, QStringLiteral("done"));
    presenter.endPair(3, QStringLiteral("done"));
    QCOMPARE(presenter.pairs()->endedPairs(), (QList<int> {1, 3}));
    presenter.clearEnded();
    QCOMPARE(presenter.pairs()->rowCount(), 1);
    QCOMPARE(presenter.pairs()->pairAt(0), 2);
    QCOMPARE(presenter.pairs()->rowOfPair(2), 0);
    QVERIFY(!presenter.log(1));
    QVERIFY(presenter.log(2));
}

QTEST_GUILESS_MAIN(TestProxyPresenter)
#include "tst_proxypresenter.moc"
