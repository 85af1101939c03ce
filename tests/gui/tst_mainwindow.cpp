// The window as a user drives it (offscreen): connect to the demo server, send text, JSON and
// binary and see each echoed row and its detail view, filter, change the heartbeat while open,
// close with a code, and quit with connections in every state.
#include "CloseDialog.h"
#include "Composer.h"
#include "ConnectionHandle.h"
#include "ConnectionManager.h"
#include "ConnectionPage.h"
#include "DemoServer.h"
#include "FilterBar.h"
#include "HeartbeatPanel.h"
#include "MainWindow.h"
#include "MessageDetailView.h"
#include "TestServer.h"
#include "TrafficLogView.h"
#include "Version.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

#include <csignal>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

int countRows(const MessageLogModel *model, Kind kind, Direction direction)
{
    int n = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        n += model->data(index, MessageLogModel::KindRole).toInt() == int(kind)
            && model->data(index, MessageLogModel::DirectionRole).toInt() == int(direction);
    }
    return n;
}

int lastRow(const MessageLogModel *model, Kind kind, Direction direction)
{
    for (int row = model->rowCount() - 1; row >= 0; --row) {
        const QModelIndex index = model->index(row, 0);
        if (model->data(index, MessageLogModel::KindRole).toInt() == int(kind)
            && model->data(index, MessageLogModel::DirectionRole).toInt() == int(direction))
            return row;
    }
    return -1;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void demoOpensTickerAndEcho();
    void sendTextJsonAndBinaryAndSeeTheEchoes();
    void invalidInputIsRefusedWithThePosition();
    void filterTheLog();
    void heartbeatChangesApplyWhileOpen();
    void closeWithACode();
    void hugePayloadOpensWithoutFreezing();
    void badUrlIsExplainedOnThePage();
    void quitWithConnectionsInEveryState();
    void processExitsWhenTheWindowIsClosed();
    void aboutNamesVersionQtLicenceAndLink();

private:
    ConnectionPage *openEcho(MainWindow &window);
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("SockscopeTests"));
}

ConnectionPage *TestMainWindow::openEcho(MainWindow &window)
{
    QString error;
    if (!window.demoServer()->start(&error))
        qFatal("demo server: %s", qPrintable(error));
    ConnectionSettings settings;
    settings.url = window.demoServer()->url(QStringLiteral("/echo"));
    settings.heartbeat.enabled = false;
    settings.maxIncomingMessageSize = 256LL * 1024 * 1024;
    ConnectionPage *page = window.newConnection(settings, true);
    if (!QTest::qWaitFor([page] { return page->state() == ConnectionState::Open; }, 10000))
        qFatal("the echo connection did not open");
    return page;
}

void TestMainWindow::demoOpensTickerAndEcho()
{
    MainWindow window;
    window.show();
    QVERIFY(window.startDemo());
    QCOMPARE(window.pages().size(), 2);
    ConnectionPage *ticker = window.pages().at(0);
    QVERIFY(ticker->urlText().contains(QLatin1String("/ticker")));
    QVERIFY(window.pages().at(1)->urlText().contains(QLatin1String("/echo")));
    QTRY_VERIFY_WITH_TIMEOUT(
        countRows(ticker->logModel(), Kind::Text, Direction::Incoming) >= 2, 10000);
    const int row = lastRow(ticker->logModel(), Kind::Text, Direction::Incoming);
    ticker->logView()->selectRow(row);
    QVERIFY(ticker->detailView()->isShowingJson());
    QVERIFY(ticker->detailView()->displayedText().contains(QLatin1String("\"symbol\": \"SOCK\"")));
    QVERIFY(ticker->statusText().startsWith(QLatin1String("open")));
}

void TestMainWindow::sendTextJsonAndBinaryAndSeeTheEchoes()
{
    MainWindow window;
    window.show();
    ConnectionPage *page = openEcho(window);
    MessageLogModel *model = page->logModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Composer *composer = page->composer();

    composer->setMode(Composer::Mode::Text);
    composer->setContent(QStringLiteral("hello, wörld"));
    QVERIFY(composer->send());
    QTRY_COMPARE(countRows(model, Kind::Text, Direction::Incoming), 1);
    QCOMPARE(countRows(model, Kind::Text, Direction::Outgoing), 1); // logged exactly as sent
    page->logView()->selectRow(lastRow(model, Kind::Text, Direction::Incoming));
    QCOMPARE(page->detailView()->displayedText(), QStringLiteral("hello, wörld"));

    composer->setMode(Composer::Mode::Json);
    composer->setContent(QStringLiteral("{\"op\":\"subscribe\",\"ids\":[1,2]}"));
    QVERIFY(composer->send());
    QTRY_COMPARE(countRows(model, Kind::Text, Direction::Incoming), 2);
    page->logView()->selectRow(lastRow(model, Kind::Text, Direction::Incoming));
    QVERIFY(page->detailView()->isShowingJson());
    QVERIFY(page->detailView()->displayedText().contains(QLatin1String("\"op\": \"subscribe\"")));
    QCOMPARE(model->eventAt(lastRow(model, Kind::Text, Direction::Outgoing)).text,
        QStringLiteral("{\"op\":\"subscribe\",\"ids\":[1,2]}"));

    composer->setMode(Composer::Mode::Hex);
    composer->setContent(QStringLiteral("de ad be ef 00 41"));
    QVERIFY(composer->send());
    QTRY_COMPARE(countRows(model, Kind::Binary, Direction::Incoming), 1);
    page->logView()->selectRow(lastRow(model, Kind::Binary, Direction::Incoming));
    QVERIFY2(
        page->detailView()->displayedHex().startsWith(QLatin1String("00000000  de ad be ef 00 41")),
        qPrintable(page->detailView()->displayedHex()));
    QVERIFY(page->detailView()->displayedHex().contains(QLatin1String("|.....A|")));
    QCOMPARE(page->detailView()->displayedBase64(), QStringLiteral("3q2+7wBB"));

    composer->setMode(Composer::Mode::Base64);
    composer->setContent(QStringLiteral("AAEC"));
    QVERIFY(composer->send());
    QTRY_COMPARE(countRows(model, Kind::Binary, Direction::Incoming), 2);
    QCOMPARE(model->payloadAt(lastRow(model, Kind::Binary, Direction::Incoming)),
        QByteArray::fromHex("000102"));
}

void TestMainWindow::invalidInputIsRefusedWithThePosition()
{
    MainWindow window;
    ConnectionPage *page = openEcho(window);
    Composer *composer = page->composer();
    composer->setMode(Composer::Mode::Json);
    composer->setContent(QStringLiteral("{\n  \"a\": 1,\n  \"b\": }"));
    QVERIFY(!composer->send());
    QVERIFY2(composer->errorText().startsWith(QLatin1String("line 3, column")),
        qPrintable(composer->errorText()));
    composer->setMode(Composer::Mode::Hex);
    composer->setContent(QStringLiteral("de ad zz"));
    QVERIFY(!composer->send());
    QVERIFY(composer->errorText().contains(QLatin1String("'z' at position 7")));
    QCOMPARE(countRows(page->logModel(), Kind::Text, Direction::Outgoing)
            + countRows(page->logModel(), Kind::Binary, Direction::Outgoing),
        0);
}

void TestMainWindow::filterTheLog()
{
    MainWindow window;
    ConnectionPage *page = openEcho(window);
    for (const char *text : {"apple", "banana", "apple pie"}) {
        page->composer()->setContent(QString::fromLatin1(text));
        QVERIFY(page->composer()->send());
    }
    QTRY_COMPARE(countRows(page->logModel(), Kind::Text, Direction::Incoming), 3);
    page->filterBar()->setSearchText(QStringLiteral("APPLE"));
    QCOMPARE(page->logModel()->rowCount(), 4); // two sent, two echoed
    page->filterBar()->setSearchText(QString());
    QVERIFY(page->logModel()->rowCount() >= 6);
}

void TestMainWindow::heartbeatChangesApplyWhileOpen()
{
    MainWindow window;
    ConnectionPage *page = openEcho(window);
    const MessageLogModel *model = page->logModel();
    QCOMPARE(countRows(model, Kind::Ping, Direction::Outgoing), 0);
    // The user switches pings on at 100 ms in the panel: applied live, no reconnect.
    auto *enabled = page->heartbeatPanel()->findChild<QCheckBox *>();
    auto *interval = page->heartbeatPanel()->findChild<QSpinBox *>();
    interval->setValue(100);
    enabled->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(countRows(model, Kind::Pong, Direction::Incoming) >= 5, 10000);
    QTRY_VERIFY(page->heartbeatPanel()->series().stats().pongs >= 5);
    QList<qint64> pings;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->data(model->index(row, 0), MessageLogModel::KindRole).toInt() == int(Kind::Ping))
            pings << model->data(model->index(row, 0), MessageLogModel::TimeUsRole).toLongLong();
    }
    for (int i = 1; i < pings.size(); ++i)
        QVERIFY2(qAbs(pings.at(i) - pings.at(i - 1) - 100000) < 50000,
            "pings must follow the new 100 ms interval");
    QCOMPARE(countRows(model, Kind::Open, Direction::Local), 1);
    QCOMPARE(page->state(), ConnectionState::Open);
}

void TestMainWindow::closeWithACode()
{
    CloseDialog dialog;
    dialog.setCode(1006);
    QVERIFY(!dialog.isValid()); // reserved codes cannot be sent
    dialog.setCode(4000);
    dialog.setReason(QStringLiteral("done"));
    QVERIFY(dialog.isValid());

    MainWindow window;
    ConnectionPage *page = openEcho(window);
    page->disconnectNow(quint16(dialog.code()), dialog.reason());
    QTRY_COMPARE(page->state(), ConnectionState::Closed);
    QTRY_VERIFY(
        lastRow(page->logModel(), Kind::Close, Direction::Local) >= 0); // at the next commit
    const int row = lastRow(page->logModel(), Kind::Close, Direction::Local);
    const TrafficEvent close = page->logModel()->eventAt(row);
    QCOMPARE(close.code, quint16(4000));
    QCOMPARE(close.text, QStringLiteral("done"));
    QCOMPARE(close.closedBy, TrafficEvent::Closer::Local);
}

void TestMainWindow::hugePayloadOpensWithoutFreezing()
{
    MainWindow window;
    ConnectionPage *page = openEcho(window);
    page->connection()->sendBinary(QByteArray(100 * 1024 * 1024, 'z'));
    QTRY_COMPARE_WITH_TIMEOUT(
        countRows(page->logModel(), Kind::Binary, Direction::Incoming), 1, 60000);
    QElapsedTimer timer;
    timer.start();
    page->logView()->selectRow(lastRow(page->logModel(), Kind::Binary, Direction::Incoming));
    QVERIFY2(timer.elapsed() < 2000, "a 100 MB payload must open at once");
    MessageDetailView *detail = page->detailView();
    QVERIFY(detail->hasMore());
    QCOMPARE(detail->displayedBase64().size(), (MessageDetailView::BinaryChunkBytes + 2) / 3 * 4);
    detail->loadMore();
    QVERIFY(detail->displayedHex().contains(QLatin1String("0001fff0")));
}

void TestMainWindow::badUrlIsExplainedOnThePage()
{
    MainWindow window;
    ConnectionPage *page = window.newConnection();
    page->setUrlText(QStringLiteral("http://example.org/socket"));
    QVERIFY(!page->connectNow());
    QVERIFY2(page->errorText().contains(QLatin1String("start with ws://")),
        qPrintable(page->errorText()));
    QCOMPARE(page->connection(), nullptr);
}

void TestMainWindow::quitWithConnectionsInEveryState()
{
    TestServer silent(TestServer::Mode::Silent);
    QElapsedTimer timer;
    {
        MainWindow window;
        window.show();
        window.startDemo(); // ticker and echo, open
        ConnectionSettings flood;
        flood.url = window.demoServer()->url(QStringLiteral("/ticker?rate=100000"));
        window.newConnection(flood, true);
        ConnectionSettings hanging;
        hanging.url = silent.url();
        ConnectionPage *stuck = window.newConnection(hanging, true);
        QTRY_COMPARE(silent.accepted(), 1);
        QTRY_COMPARE(stuck->state(), ConnectionState::Connecting);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.pages().at(2)->logModel()->statistics().messagesIn > 1000, 10000);
        QCOMPARE(window.connectionManager()->connections().size(), 4);
        timer.start();
        QVERIFY(window.close());
        QVERIFY(window.connectionManager()->connections().isEmpty()); // every thread joined
    }
    QVERIFY2(timer.elapsed() < 3000,
        qPrintable(QStringLiteral("closing took %1 ms").arg(timer.elapsed())));
    QTRY_COMPARE(silent.clientsGone(), 1);
}

void TestMainWindow::processExitsWhenTheWindowIsClosed()
{
    TestServer silent(TestServer::Mode::Silent);
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"),
        QDir::tempPath() + QStringLiteral("/sockscope-test-config"));
    app.setProcessEnvironment(env);
    app.start(
        QStringLiteral(SOCKSCOPE_BINARY), {QStringLiteral("--demo"), silent.url().toString()});
    QVERIFY(app.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(silent.accepted(), 1, 20000); // the window is up and connecting
    QElapsedTimer timer;
    timer.start();
    ::kill(pid_t(app.processId()), SIGTERM); // closes the window like the user would
    QVERIFY(app.waitForFinished(10000));
    QVERIFY2(
        timer.elapsed() < 3000, qPrintable(QStringLiteral("exit took %1 ms").arg(timer.elapsed())));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
}

void TestMainWindow::aboutNamesVersionQtLicenceAndLink()
{
    const QString about = MainWindow::aboutText();
    QVERIFY(about.contains(QLatin1String("Sockscope " SOCKSCOPE_VERSION)));
    QVERIFY(about.contains(QLatin1String(qVersion())));
    QVERIFY(about.contains(QLatin1String("GPL-3.0-or-later")));
    QVERIFY(about.contains(QLatin1String(SOCKSCOPE_HOMEPAGE)));
    // The window icon comes from the compiled-in SVG, with no image plugin needed.
    const QIcon icon = MainWindow::applicationIcon();
    QVERIFY(!icon.isNull());
    QVERIFY(icon.availableSizes().contains(QSize(48, 48)));
    MainWindow window;
    QVERIFY(!window.windowIcon().isNull());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
