// The window as a user drives it (offscreen), through menus, shortcuts and clicks: connect to the
// demo server, send text, JSON and binary and see each echoed row and its detail view, filter,
// change the heartbeat while open, close with a code, and quit with connections in every state;
// every action the README names is in a menu; long texts never widen the window; selecting a row
// stops following; Clear asks; how a connection ended; attempts; the quiet default view; filter
// highlights; the dark theme's contrast; copying rows; the handshake and frames panels; what
// persists.
#include "AppSettings.h"
#include "CloseDialog.h"
#include "Composer.h"
#include "ConnectionHandle.h"
#include "ConnectionManager.h"
#include "ConnectionPage.h"
#include "ConnectionPresenter.h"
#include "DemoServer.h"
#include "FilterBar.h"
#include "GuiDriving.h"
#include "HandMadeEvents.h"
#include "HeartbeatPanel.h"
#include "MainWindow.h"
#include "MessageDetailView.h"
#include "RecordingFormat.h"
#include "RecordingPage.h"
#include "RequestPanel.h"
#include "RttChart.h"
#include "ScriptPanel.h"
#include "TestServer.h"
#include "TestsPanel.h"
#include "Theme.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"
#include "Version.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextLayout>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>

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

QToolButton *toolButton(QWidget *parent, const QString &text)
{
    for (QToolButton *b : parent->findChildren<QToolButton *>()) {
        if (b->text() == text)
            return b;
    }
    return nullptr;
}

void clickRow(TrafficLogView *view, int row, Qt::KeyboardModifiers modifiers = {})
{
    const QModelIndex index = view->model()->index(row, MessageLogModel::PreviewColumn);
    view->scrollTo(index);
    QTest::mouseClick(
        view->viewport(), Qt::LeftButton, modifiers, view->visualRect(index).center());
}

// WCAG contrast ratio of two colours.
double contrast(const QColor &a, const QColor &b)
{
    auto luminance = [](const QColor &c) {
        auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF())
            + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

// A recording of these events at path: an open, then the messages given.
QString writeRecording(const QString &path, const QList<TrafficEvent> &messages)
{
    RecordingHeader header;
    header.app = QStringLiteral("test");
    header.url = QUrl(QStringLiteral("ws://127.0.0.1:9/rec"));
    header.startWallMs = 1'795'000'000'000;
    TrafficBatch batch;
    batch.events << HandMade::event(Kind::Open, 100) << messages;
    QByteArray file = RecordingFormat::headerLine(header);
    RecordingFormat::appendEventLines(batch, file);
    QFile out(path);
    out.open(QIODevice::WriteOnly);
    out.write(file);
    return path;
}

QString writeRecording(const QString &path)
{
    return writeRecording(path,
        {HandMade::text(QStringLiteral("{\"n\":1}"), Direction::Outgoing, 1000),
            HandMade::text(QStringLiteral("{\"n\":1,\"ok\":true}"), Direction::Incoming, 2000)});
}

// A menu item's text as a person reads it: without the accelerator's "&".
QString plainText(const QAction *a)
{
    return a->text().remove(QLatin1Char('&'));
}

// The accelerator of a menu item's text ("Re&play" -> 'p'), or 0.
QChar accelerator(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('&')) {
            if (text.at(i + 1) != QLatin1Char('&'))
                return text.at(i + 1).toLower();
            ++i;
        }
    }
    return {};
}

// A recording whose two client messages are 30 s apart: a replay of it runs until stopped.
QString writeSlowRecording(const QString &path)
{
    return writeRecording(path,
        {HandMade::text(QStringLiteral("first"), Direction::Outgoing, 1000),
            HandMade::text(QStringLiteral("second"), Direction::Outgoing, 30'000'000)});
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void menusOfferEveryActionTheReadmeNames();
    void longTextsNeverWidenTheWindow();
    void selectingARowStopsFollowingAndEndResumes();
    void ctrlLGoesToTheUrlAndClearAsksFirst();
    void theHeaderSaysHowTheConnectionEnded();
    void reconnectingMarksEachAttempt();
    void aHeartbeatChangeStaysInItsTabUnlessMadeTheDefault();
    void filterMatchesAreHighlightedAndNoMatchIsSaid();
    void darkAndLightThemesReadWell();
    void copyRowsAndSeeHandshakeAndFrames();
    void theSplitterKeepsItsPlace();
    void everyControlHasATooltipAndTabsKeepTheQuery();
    void hugeTextOpensAtOnce();
    void recordingShowsADotTheNameAndTheSize();
    void demoOpensTickerAndEcho();
    void sendTextJsonAndBinaryAndSeeTheEchoes();
    void aScriptRunsFromItsTabAndItsTestsAreListed();
    void invalidInputIsRefusedWithThePosition();
    void filterTheLog();
    void heartbeatChangesApplyWhileOpen();
    void closeWithACode();
    void hugeBinaryOpensAtOnce();
    void badUrlIsExplainedOnThePage();
    void quitWithConnectionsInEveryState();
    void processExitsWhenTheWindowIsClosed();
    void aboutNamesVersionQtLicenceAndLink();
    void theReadmeListsEveryMenuAsTheWindowHasIt();
    void noTwoItemsOfAMenuShareAnAcceleratorOrAShortcut();
    void ctrlCCopiesTheFocusedTextOrTheSelectedPayloads();
    void theDemoAndAReplayStartWithTheSavedHeartbeatDefaults();
    void savedMessagesAndStopReplayAreInTheMenus();
    void theRowCountGrowsWhileTheFilterHidesEveryRow();

private:
    ConnectionPage *openEcho(MainWindow &window);
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("SockscopeTests"));
}

void TestMainWindow::init()
{
    QSettings().clear(); // each test starts as a new user
    Theme::apply(Theme::Mode::System);
}

void TestMainWindow::cleanup()
{
    GuiDriving::dropPendingAnswers();
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

void TestMainWindow::aScriptRunsFromItsTabAndItsTestsAreListed()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ConnectionPage *page = openEcho(window);
    // Alt+5 shows the Script tab; the script is typed into its editor.
    QTest::keyClick(&window, Qt::Key_5, Qt::AltModifier);
    ScriptPanel *script = page->scriptPanel();
    QCOMPARE(page->sideTabs()->currentWidget(), script);
    QPlainTextEdit *editor = script->editor();
    editor->setFocus();
    QTest::keyClick(editor, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(editor, Qt::Key_Delete);
    for (const char *line :
        {"function onMessage(msg, ctx) {",
            "  test('echo is ' + msg.data, () => expect(msg.data).toBe('hi'));",
            "  if (msg.data === 'boom') null.x;", "  if (msg.data === 'hi') return 'pong';", "}"}) {
        QTest::keyClicks(editor, QLatin1String(line));
        QTest::keyClick(editor, Qt::Key_Return);
    }
    // F5 runs it on the open connection.
    QTest::keyClick(&window, Qt::Key_F5);
    QCOMPARE(script->runButton()->text(), QStringLiteral("Reload"));
    QTRY_VERIFY(countRows(page->logModel(), Kind::Note, Direction::Local) > 0);
    Composer *composer = page->composer();
    composer->setMode(Composer::Mode::Text);
    for (const QString &text : {QStringLiteral("hi"), QStringLiteral("boom")}) {
        composer->setContent(text);
        QTest::keyClick(&window, Qt::Key_Return, Qt::ControlModifier | Qt::ShiftModifier);
    }
    // The echoed "hi" is answered with "pong", whose echo is tested too.
    QTRY_COMPARE(page->presenter()->testsPassed() + page->presenter()->testsFailed(), 3);
    QCOMPARE(page->presenter()->testsPassed(), 1);
    QTest::keyClick(&window, Qt::Key_6, Qt::AltModifier);
    TestsPanel *tests = page->testsPanel();
    QCOMPARE(page->sideTabs()->currentWidget(), tests);
    QCOMPARE(tests->summary(), QStringLiteral("3 test(s): 1 passed, 2 failed"));
    QCOMPARE(tests->list()->topLevelItemCount(), 3);
    const QList<QTreeWidgetItem *> boom
        = tests->list()->findItems(QStringLiteral("echo is boom"), Qt::MatchExactly, 1);
    QCOMPARE(boom.size(), 1);
    QVERIFY2(
        boom.first()->text(0).contains(QLatin1String("failed")), qPrintable(boom.first()->text(0)));
    QCOMPARE(boom.first()->text(2), QStringLiteral("2"));
    QCOMPARE(boom.first()->text(3), QStringLiteral("expected \"boom\" to be \"hi\""));
    // The handler's error is listed with its line; activating it puts the cursor there.
    QListWidget *problems = script->problems();
    QTRY_COMPARE(problems->count(), 1);
    QVERIFY2(problems->item(0)->text().startsWith(QLatin1String("line 3: onMessage: TypeError")),
        qPrintable(problems->item(0)->text()));
    QTest::keyClick(&window, Qt::Key_5, Qt::AltModifier);
    QTest::mouseClick(problems->viewport(), Qt::LeftButton, {},
        problems->visualItemRect(problems->item(0)).center());
    QCOMPARE(script->currentLine(), 3);
    // The errors never broke the connection; Shift+F5 stops the script.
    QCOMPARE(page->state(), ConnectionState::Open);
    QTest::keyClick(&window, Qt::Key_F5, Qt::ShiftModifier);
    QCOMPARE(script->runButton()->text(), QStringLiteral("Run"));
    QTRY_VERIFY(page->presenter()->scriptLines().isEmpty());
}

void TestMainWindow::invalidInputIsRefusedWithThePosition()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ConnectionPage *page = openEcho(window);
    Composer *composer = page->composer();
    composer->setMode(Composer::Mode::Json);
    composer->setContent(QStringLiteral("{\n  \"a\": 1,\n  \"b\": }"));
    // Ctrl+Enter on invalid JSON says why nothing was sent and marks the place.
    auto *editor = composer->findChild<QPlainTextEdit *>();
    editor->setFocus();
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
    QVERIFY2(composer->errorText().startsWith(QLatin1String("Nothing was sent")),
        qPrintable(composer->errorText()));
    QVERIFY(
        composer->errorText().contains(QLatin1String("line 3, column 8: expected a value after")));
    QCOMPARE(composer->markedErrorPosition(), 19); // the "}" where the value should be
    // A list gets words for a list.
    composer->setContent(QStringLiteral("[1 2]"));
    QVERIFY(!composer->send());
    QVERIFY2(composer->errorText().contains(QLatin1String("in this list")),
        qPrintable(composer->errorText()));
    QCOMPARE(composer->markedErrorPosition(), 3);
    // Sent as typed, or compacted when asked.
    composer->setContent(QStringLiteral("{ \"z\": 1,  \"a\": 2 }"));
    QVERIFY(composer->send());
    QCOMPARE(composer->markedErrorPosition(), -1);
    composer->setCompactJson(true);
    QVERIFY(composer->send());
    QTRY_COMPARE(countRows(page->logModel(), Kind::Text, Direction::Outgoing), 2);
    QCOMPARE(
        page->logModel()->eventAt(lastRow(page->logModel(), Kind::Text, Direction::Outgoing)).text,
        QStringLiteral("{\"z\":1,\"a\":2}"));
    const int sentJson = countRows(page->logModel(), Kind::Text, Direction::Outgoing);
    composer->setMode(Composer::Mode::Hex);
    composer->setContent(QStringLiteral("de ad zz"));
    QVERIFY(!composer->send());
    QVERIFY(composer->errorText().contains(QLatin1String("'z' at position 7")));
    QCOMPARE(countRows(page->logModel(), Kind::Text, Direction::Outgoing)
            + countRows(page->logModel(), Kind::Binary, Direction::Outgoing),
        sentJson);
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
    QTRY_VERIFY(page->heartbeatPanel()->series().stats().pongs >= 5);
    // The default view keeps routine pings and pongs out of the conversation; one click shows them.
    QCOMPARE(countRows(model, Kind::Pong, Direction::Incoming), 0);
    QVERIFY(model->totalRows() > model->rowCount());
    QTest::mouseClick(named<QToolButton>(page->filterBar(), QStringLiteral("Show pings and pongs")),
        Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(countRows(model, Kind::Pong, Direction::Incoming) >= 5, 10000);
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

void TestMainWindow::hugeBinaryOpensAtOnce()
{
    MainWindow window;
    window.show();
    ConnectionPage *page = openEcho(window);
    page->connection()->sendBinary(QByteArray(100LL * 1024 * 1024, 'z'));
    QTRY_COMPARE_WITH_TIMEOUT(
        countRows(page->logModel(), Kind::Binary, Direction::Incoming), 1, 60000);
    bool loopRan = false;
    QTimer::singleShot(0, page, [&loopRan] { loopRan = true; });
    clickRow(page->logView(), lastRow(page->logModel(), Kind::Binary, Direction::Incoming));
    MessageDetailView *detail = page->detailView();
    QVERIFY(detail->hasMore()); // the first part, not all of it
    QCOMPARE(detail->displayedBase64().remove(QLatin1Char('\n')).size(),
        (MessageDetailView::BinaryChunkBytes + 2) / 3 * 4);
    QTRY_VERIFY(loopRan); // the GUI thread goes on processing events
    for (QPushButton *b : detail->findChildren<QPushButton *>()) {
        if (b->text() == QLatin1String("Load more"))
            QTest::mouseClick(b, Qt::LeftButton);
    }
    QVERIFY(detail->displayedHex().contains(QLatin1String("0001fff0")));
}

void TestMainWindow::hugeTextOpensAtOnce()
{
    MainWindow window;
    window.show();
    ConnectionPage *page = window.newConnection();
    TrafficBatch batch;
    batch.events << HandMade::text(QString(100'000'000, QLatin1Char('t')), Direction::Incoming, 10);
    page->presenter()->ingest(batch);
    page->logModel()->commitPending();
    QCOMPARE(page->logModel()->rowCount(), 1);
    bool loopRan = false;
    QTimer::singleShot(0, page, [&loopRan] { loopRan = true; });
    clickRow(page->logView(), 0);
    MessageDetailView *detail = page->detailView();
    QCOMPARE(detail->displayedText().size(), MessageDetailView::TextChunkChars);
    QVERIFY(detail->hasMore());
    // Each fact of the header is kept whole when it wraps: a no-break space inside it.
    QVERIFY(detail->headerText().contains(QStringLiteral("100,000,000\u00a0bytes")));
    QTRY_VERIFY(loopRan);
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

void TestMainWindow::menusOfferEveryActionTheReadmeNames()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    // Every "Menu → Action" the README names is in that menu.
    QFile readme(QStringLiteral(SOCKSCOPE_PEERS_DIR "/../../README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(readme.readAll());
    static const QRegularExpression path(QStringLiteral(
        "(File|Edit|View|Connection|Proxy|Script|Tools|Help) \u2192 ([A-Z][A-Za-z /]+[a-z])"));
    int named = 0;
    for (auto it = path.globalMatch(text); it.hasNext(); ++named) {
        const QRegularExpressionMatch m = it.next();
        bool found = false;
        for (QAction *menu : window.menuBar()->actions()) {
            if (menu->text().remove(QLatin1Char('&')) != m.captured(1))
                continue;
            for (QAction *a : menu->menu()->actions())
                found = found || a->text().remove(QLatin1Char('&')).startsWith(m.captured(2));
        }
        QVERIFY2(found, qPrintable(m.captured(0)));
    }
    QVERIFY2(
        named >= 2, qPrintable(QStringLiteral("%1 bytes, %2 matches").arg(text.size()).arg(named)));
    // And every action it names by name or shortcut.
    const QList<std::pair<const char *, QKeySequence>> expected {
        {"newConnection", QKeySequence(Qt::CTRL | Qt::Key_T)},
        {"closeTab", QKeySequence(Qt::CTRL | Qt::Key_W)},
        {"quit", QKeySequence(Qt::CTRL | Qt::Key_Q)},
        {"openRecording", QKeySequence(Qt::CTRL | Qt::Key_O)}, {"importHar", {}}, {"exportHar", {}},
        {"filter", QKeySequence(Qt::CTRL | Qt::Key_F)},
        {"clearLog", QKeySequence(Qt::CTRL | Qt::Key_K)},
        {"focusUrl", QKeySequence(Qt::CTRL | Qt::Key_L)}, {"wallClock", {}}, {"pauseLog", {}},
        {"demo", {}}, {"copyRows", QKeySequence(QKeySequence::Copy)}, {"copyRowsAsJson", {}},
        {"savePayload", {}}, {"formatJson", {}}, {"pingNow", {}}, {"record", {}}, {"replay", {}},
        {"stopReplay", {}}, {"serveMock", {}}, {"useHeartbeatAsDefault", {}}, {"insertSaved", {}},
        {"sendSaved", {}}, {"saveMessage", {}}, {"deleteSaved", {}}, {"showPings", {}},
        {"toggleConnection", QKeySequence(Qt::CTRL | Qt::Key_D)}, {"themedark", {}},
        {"themelight", {}}, {"themesystem", {}}, {"recentRecordings", {}},
        {"newProxy", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N)}, {"proxyFaults", {}},
        {"interceptClient", {}}, {"interceptServer", {}}, {"forwardHeld", QKeySequence(Qt::Key_F8)},
        {"forwardEdited", QKeySequence(Qt::CTRL | Qt::Key_F8)},
        {"dropHeld", QKeySequence(Qt::SHIFT | Qt::Key_F8)}, {"injectMessage", {}}, {"cutNow", {}},
        {"recordPair", {}}, {"runScript", QKeySequence(Qt::Key_F5)},
        {"stopScript", QKeySequence(Qt::SHIFT | Qt::Key_F5)}, {"openScript", {}},
        {"showScript", {}}, {"showTests", {}}, {"panelScript", QKeySequence(Qt::ALT | Qt::Key_5)},
        {"panelTests", QKeySequence(Qt::ALT | Qt::Key_6)}};
    for (const auto &[name, keys] : expected) {
        QAction *a = window.action(QLatin1String(name));
        QVERIFY2(a, name);
        if (!keys.isEmpty())
            QCOMPARE(a->shortcut(), keys);
    }
    // Enabled when they apply: recording actions need a recording tab.
    window.newConnection();
    QVERIFY(window.action(QStringLiteral("toggleConnection"))->isEnabled());
    QVERIFY(!window.action(QStringLiteral("exportHar"))->isEnabled());
    QVERIFY(!window.action(QStringLiteral("replay"))->isEnabled());
    QVERIFY(!window.action(QStringLiteral("pingNow"))->isEnabled()); // not connected

    // Ctrl+O opens what is picked in the dialog, and it joins the recent list.
    QTemporaryDir dir;
    const QString recording = writeRecording(dir.filePath(QStringLiteral("session.jsonl")));
    whenDialogOpens([&](QWidget *dialog) { chooseFile(dialog, recording); });
    QTest::keyClick(&window, Qt::Key_O, Qt::ControlModifier);
    QTRY_COMPARE(window.recordingPages().size(), 1);
    QTRY_VERIFY(window.recordingPages().constFirst()->isLoaded());
    QCOMPARE(window.recordingPages().constFirst()->logModel()->totalRows(), 3);
    QTRY_VERIFY(window.action(QStringLiteral("exportHar"))->isEnabled());
    QVERIFY(!window.action(QStringLiteral("toggleConnection"))->isEnabled());
    QMenu *recent = window.action(QStringLiteral("recentRecordings"))->menu();
    QCOMPARE(recent->actions().size(), 1);
    QCOMPARE(
        recent->actions().constFirst()->data().toString(), QFileInfo(recording).absoluteFilePath());

    // File → Export HAR… writes the file chosen; File → Import HAR… opens it again.
    const QString har = dir.filePath(QStringLiteral("session.har"));
    whenDialogOpens([&](QWidget *dialog) { chooseFile(dialog, har); });
    window.action(QStringLiteral("exportHar"))->trigger();
    QTRY_VERIFY(QFileInfo(har).size() > 0);
    // (Qt's own file dialog, offscreen, now and then ignores a selection made while it is still
    // reading the folder: the person tries again.)
    for (int attempt = 0; attempt < 3 && window.recordingPages().size() < 2; ++attempt) {
        whenDialogOpens([&](QWidget *dialog) { chooseFile(dialog, har); });
        window.action(QStringLiteral("importHar"))->trigger();
        if (QTest::qWaitFor([&] { return window.recordingPages().size() == 2; }, 3000))
            break;
    }
    QCOMPARE(window.recordingPages().size(), 2);
    QTRY_COMPARE(
        countRows(window.recordingPages().constLast()->logModel(), Kind::Text, Direction::Incoming),
        1);

    // The recent list opens it again.
    recent->actions().constFirst()->trigger();
    QTRY_COMPARE(window.recordingPages().size(), 3);
}

void TestMainWindow::longTextsNeverWidenTheWindow()
{
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    ConnectionPage *page = window.newConnection();
    QApplication::processEvents();
    const int width = window.width();
    const QString longWord = QString(600, QLatin1Char('w'));
    // A regular expression error in the filter.
    named<QLineEdit>(page->filterBar(), QString()); // the filter field has a placeholder, no name
    for (QCheckBox *box : page->filterBar()->findChildren<QCheckBox *>()) {
        if (box->text() == QLatin1String("Regex"))
            box->setChecked(true);
    }
    page->filterBar()->setSearchText(QStringLiteral("(") + longWord);
    QVERIFY(!page->filterBar()->errorText().isEmpty());
    // A JSON error in the composer.
    page->composer()->setMode(Composer::Mode::Json);
    page->composer()->setContent(
        QStringLiteral("{\"") + longWord + QStringLiteral("\" ") + longWord);
    QVERIFY(!page->composer()->errorText().isEmpty());
    // A connection error, a stall and an RTT statistics line with long figures.
    page->setUrlText(QStringLiteral("http://") + longWord);
    QVERIFY(!page->connectNow());
    TrafficBatch batch;
    batch.events << HandMade::event(Kind::Connecting, 0) << HandMade::event(Kind::Open, 1);
    for (int i = 0; i < 5; ++i) {
        TrafficEvent pong = HandMade::event(Kind::Pong, 1'000'000 + i * 1000, Direction::Incoming);
        pong.durationUs = 2'879'000'000LL;
        batch.events << pong;
    }
    TrafficEvent timeout = HandMade::event(Kind::PongTimeout, 9'000'000);
    timeout.durationUs = 400'000;
    timeout.sequence = 123456789;
    batch.events << timeout;
    page->presenter()->ingest(batch);
    page->sideTabs()->setCurrentIndex(1); // the heartbeat
    page->heartbeatPanel()->refresh(3'600'000'000LL);
    for (int i = 0; i < 10; ++i)
        QApplication::processEvents();
    QCOMPARE(window.width(), width);
    // Narrow enough for 1280 pixels at a 1.5 scale factor (853 logical pixels).
    QVERIFY2(window.minimumSizeHint().width() <= 853,
        qPrintable(QString::number(window.minimumSizeHint().width())));
    // The chart's scale reads in full ("55 min 10 s", not "10 s"), and the statistics are all
    // there.
    QCOMPARE(
        page->heartbeatPanel()->findChild<RttChart *>()->topLabel(), QStringLiteral("55 min 10 s"));
    QVERIFY2(page->heartbeatPanel()->statsText().contains(QLatin1String("1 missed")),
        qPrintable(page->heartbeatPanel()->statsText()));
    // The first size fits the screen's available space.
    MainWindow fresh;
    QVERIFY(fresh.width() <= fresh.screen()->availableGeometry().width());
    QVERIFY(fresh.height() <= fresh.screen()->availableGeometry().height());
}

void TestMainWindow::selectingARowStopsFollowingAndEndResumes()
{
    MainWindow window;
    window.show();
    QString error;
    QVERIFY(window.demoServer()->start(&error));
    ConnectionPage *page
        = window.openUrl(window.demoServer()->url(QStringLiteral("/ticker?rate=2000")).toString());
    MessageLogModel *model = page->logModel();
    TrafficLogView *view = page->logView();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 300, 10000);
    QVERIFY(view->isFollowingTail());
    named<QSpinBox>(page->logPane(), QStringLiteral("Row limit"))->setValue(2000);
    QTRY_VERIFY_WITH_TIMEOUT(model->droppedRows() > 0, 10000); // the cap is reached
    clickRow(view, model->rowCount() - 3);
    QVERIFY(!view->isFollowingTail());
    const qint64 id = model->idAt(view->currentIndex().row());
    const int rows = model->rowCount();
    const qint64 dropped = model->droppedRows();
    QTRY_VERIFY_WITH_TIMEOUT(
        model->droppedRows() > dropped + 200 && model->rowCount() >= rows, 10000);
    QCOMPARE(model->idAt(view->currentIndex().row()), id); // the selection stays on its message
    QVERIFY(view->viewport()->rect().intersects(view->visualRect(view->currentIndex())));
    QCOMPARE(page->detailView()->headerText().section(QLatin1Char(' '), 0, 0),
        QStringLiteral("#%1").arg(id + 1));
    QTest::keyClick(view, Qt::Key_End);
    QVERIFY(view->isFollowingTail());
    QTRY_COMPARE(view->verticalScrollBar()->value(), view->verticalScrollBar()->maximum());
}

void TestMainWindow::ctrlLGoesToTheUrlAndClearAsksFirst()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ConnectionPage *page = openEcho(window);
    page->composer()->setContent(QStringLiteral("keep me"));
    QVERIFY(page->composer()->send());
    QTRY_COMPARE(countRows(page->logModel(), Kind::Text, Direction::Incoming), 1);
    page->logView()->setFocus();
    QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
    QComboBox *url = named<QComboBox>(page, QStringLiteral("URL"));
    QTRY_VERIFY(url->hasFocus() || url->lineEdit()->hasFocus());
    QCOMPARE(url->lineEdit()->selectedText(), page->urlText());
    const qint64 rows = page->logModel()->totalRows();
    whenDialogOpens([](QWidget *dialog) { clickButton(dialog, QStringLiteral("Cancel")); });
    QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier);
    QCOMPARE(page->logModel()->totalRows(), rows); // kept
    whenDialogOpens([](QWidget *dialog) { clickButton(dialog, QStringLiteral("Clear")); });
    QTest::mouseClick(toolButton(page->logPane(), QStringLiteral("Clear")), Qt::LeftButton);
    QCOMPARE(page->logModel()->totalRows(), 0);
    QCOMPARE(
        page->logView()->emptyText(), QStringLiteral("Connect to a server, or open a recording"));
}

void TestMainWindow::theHeaderSaysHowTheConnectionEnded()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QString error;
    QVERIFY(window.demoServer()->start(&error));
    ConnectionPage *closed = window.openUrl(
        window.demoServer()->url(QStringLiteral("/close?code=4001&reason=bye")).toString());
    QTRY_COMPARE_WITH_TIMEOUT(closed->state(), ConnectionState::Closed, 10000);
    QVERIFY2(closed->stateText().startsWith(
                 QStringLiteral("closed by the server: 4001 \u201cbye\u201d")),
        qPrintable(closed->stateText()));
    ConnectionPage *echo = openEcho(window);
    QTest::keyClick(&window, Qt::Key_D, Qt::ControlModifier); // Connect / Disconnect
    QTRY_COMPARE(echo->state(), ConnectionState::Closed);
    QVERIFY2(echo->stateText().startsWith(QLatin1String("closed by you: 1000 (normal closure)")),
        qPrintable(echo->stateText()));
    QVERIFY(
        window.findChild<QTabWidget *>()->tabToolTip(1).contains(QLatin1String("closed by you")));

    // The close dialog's preset follows a typed code.
    CloseDialog dialog;
    auto *code = dialog.findChild<QSpinBox *>()->findChild<QLineEdit *>();
    code->selectAll();
    QTest::keyClicks(code, QStringLiteral("4001"));
    QCOMPARE(dialog.presetText(), QStringLiteral("Application code (4000-4999)"));
    code->selectAll();
    QTest::keyClicks(code, QStringLiteral("1001"));
    QVERIFY2(
        dialog.presetText().startsWith(QLatin1String("1001")), qPrintable(dialog.presetText()));
}

void TestMainWindow::reconnectingMarksEachAttempt()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ConnectionPage *page = openEcho(window);
    page->composer()->setContent(QStringLiteral("first"));
    QVERIFY(page->composer()->send());
    QTRY_COMPARE(countRows(page->logModel(), Kind::Text, Direction::Incoming), 1);
    QTest::keyClick(&window, Qt::Key_D, Qt::ControlModifier);
    QTRY_COMPARE(page->state(), ConnectionState::Closed);
    QTest::keyClick(&window, Qt::Key_D, Qt::ControlModifier);
    QTRY_COMPARE(page->state(), ConnectionState::Open);
    page->composer()->setContent(QStringLiteral("second"));
    QVERIFY(page->composer()->send());
    QTRY_COMPARE(countRows(page->logModel(), Kind::Text, Direction::Incoming), 2);
    const MessageLogModel *model = page->logModel();
    QStringList separators;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->data(model->index(row, 0), MessageLogModel::AttemptRole).toInt() > 0)
            separators << model->data(model->index(row, MessageLogModel::PreviewColumn)).toString();
    }
    QCOMPARE(separators.size(), 2);
    QVERIFY(separators.at(1).contains(QLatin1String("attempt 2")));
    QTRY_VERIFY(page->statusText().contains(QLatin1String("attempt 2")));
    QVERIFY2(
        page->statusText().contains(QLatin1String("in 1 msgs")), qPrintable(page->statusText()));
}

void TestMainWindow::aHeartbeatChangeStaysInItsTabUnlessMadeTheDefault()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ConnectionPage *first = window.newConnection();
    auto *interval = named<QSpinBox>(first->heartbeatPanel(), QStringLiteral("Ping interval"));
    const int defaultInterval = interval->value();
    interval->setValue(777);
    QTRY_COMPARE(first->presenter()->settings().heartbeat.intervalMs, 777);
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);
    ConnectionPage *second = window.currentPage();
    QVERIFY(second != first);
    QCOMPARE(
        second->heartbeatPanel()->settings().intervalMs, defaultInterval); // not silently changed
    for (QPushButton *b : first->heartbeatPanel()->findChildren<QPushButton *>()) {
        if (b->text() == QLatin1String("Use as default for new tabs"))
            QTest::mouseClick(b, Qt::LeftButton);
    }
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);
    QCOMPARE(window.currentPage()->heartbeatPanel()->settings().intervalMs, 777);
    // A tab opened from a URL on the command line gets the saved default too.
    ConnectionPage *fromUrl = window.openUrl(QStringLiteral("ws://127.0.0.1:9/x"), false);
    QCOMPARE(fromUrl->heartbeatPanel()->settings().intervalMs, 777);
    // And so do the request options that persist: compression, close timeout.
    auto *closeTimeout = named<QSpinBox>(fromUrl->requestPanel(), QStringLiteral("Close timeout"));
    closeTimeout->setValue(2500);
    QVERIFY(fromUrl->connectNow());
    QCOMPARE(window.openUrl(QStringLiteral("ws://127.0.0.1:9/y"), false)
                 ->presenter()
                 ->settings()
                 .closeTimeoutMs,
        1000); // not yet used
    ConnectionSettings used;
    QString error;
    QVERIFY(window.openUrl(QStringLiteral("ws://127.0.0.1:9/z"), false)
                ->collectSettings(&used, &error));
    QCOMPARE(used.closeTimeoutMs, 2500);
}

void TestMainWindow::filterMatchesAreHighlightedAndNoMatchIsSaid()
{
    MainWindow window;
    window.show();
    ConnectionPage *page = openEcho(window);
    for (const char *text : {"apple pie", "banana"}) {
        page->composer()->setContent(QString::fromLatin1(text));
        QVERIFY(page->composer()->send());
    }
    QTRY_COMPARE(countRows(page->logModel(), Kind::Text, Direction::Incoming), 2);
    QLineEdit *search = nullptr;
    for (QLineEdit *edit : page->filterBar()->findChildren<QLineEdit *>()) {
        if (edit->placeholderText().startsWith(QLatin1String("Filter")))
            search = edit;
    }
    QVERIFY(search);
    QTest::keyClicks(search, QStringLiteral("pie"));
    QTRY_COMPARE(page->logModel()->rowCount(), 2);
    clickRow(page->logView(), 1);
    QCOMPARE(page->detailView()->highlightedMatches(), 1);
    // The Content column paints the match on the highlight colour.
    const QImage image = page->logView()->viewport()->grab().toImage();
    const QColor mark = Theme::color(Theme::Role::MatchBackground, page->logView()->palette());
    bool marked = false;
    for (int y = 0; y < image.height() && !marked; ++y) {
        for (int x = 0; x < image.width() && !marked; ++x)
            marked = image.pixelColor(x, y).rgb() == mark.rgb();
    }
    QVERIFY(marked);
    search->clear();
    QTest::keyClicks(search, QStringLiteral("zzz"));
    QTRY_COMPARE(page->logModel()->rowCount(), 0);
    QCOMPARE(page->logView()->emptyText(),
        QStringLiteral("No message matches: containing \u201czzz\u201d"));
}

void TestMainWindow::darkAndLightThemesReadWell()
{
    MainWindow window;
    window.show();
    ConnectionPage *page = openEcho(window);
    page->composer()->setContent(QStringLiteral("{\"key\": \"value\", \"n\": 12, \"ok\": true}"));
    QVERIFY(page->composer()->send());
    QTRY_COMPARE(countRows(page->logModel(), Kind::Text, Direction::Incoming), 1);
    for (const char *mode : {"themedark", "themelight"}) {
        window.action(QLatin1String(mode))->trigger();
        QApplication::processEvents();
        const bool dark = QLatin1String(mode) == QLatin1String("themedark");
        QCOMPARE(Theme::isDark(page->logView()->palette()), dark);
        clickRow(page->logView(), lastRow(page->logModel(), Kind::Text, Direction::Incoming));
        QVERIFY(page->detailView()->isShowingJson());
        const QPalette palette = page->logView()->palette();
        const QColor base = palette.color(QPalette::Base);
        QVERIFY(contrast(palette.color(QPalette::Text), base) >= 4.5);
        // Every colour the log paints rows in (events, errors, closes) reads on the background.
        for (auto role :
            {Theme::Role::Muted, Theme::Role::Error, Theme::Role::Warning, Theme::Role::Success})
            QVERIFY2(contrast(Theme::color(role, palette), base) >= 3.0, mode);
        // The JSON view's token colours, as the highlighter applied them.
        QPlainTextEdit *json = nullptr;
        for (QPlainTextEdit *edit : page->detailView()->findChildren<QPlainTextEdit *>()) {
            if (edit->toPlainText() == page->detailView()->displayedText())
                json = edit;
        }
        QVERIFY(json);
        const QColor jsonBase = json->palette().color(QPalette::Base);
        int formats = 0;
        for (QTextBlock block = json->document()->begin(); block.isValid(); block = block.next()) {
            for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
                ++formats;
                QVERIFY2(contrast(range.format.foreground().color(), jsonBase) >= 3.0, mode);
            }
        }
        QVERIFY2(formats >= 6, qPrintable(json->toPlainText()));
        QVERIFY(window.action(QLatin1String(mode))->isChecked());
    }
    QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toInt(), int(Theme::Mode::Light));
    window.action(QStringLiteral("themesystem"))->trigger();
}

void TestMainWindow::copyRowsAndSeeHandshakeAndFrames()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ConnectionPage *page = window.newConnection();
    TrafficEvent handshake = HandMade::event(Kind::Handshake, 2);
    handshake.data = "GET /chat HTTP/1.1\r\nHost: example.org\r\nSec-WebSocket-Key: abc==\r\n\r\n";
    handshake.text = QStringLiteral("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                    "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
    handshake.code = 101;
    TrafficEvent one = HandMade::text(QStringLiteral("one"), Direction::Incoming, 10);
    one.frameFlags = TrafficEvent::WireInfo | TrafficEvent::Rsv1 | TrafficEvent::Compressed;
    one.frames = 2;
    one.opcode = 1;
    one.wireSize = 11;
    TrafficBatch batch;
    batch.events << HandMade::event(Kind::Connecting, 0) << handshake
                 << HandMade::event(Kind::Open, 3) << one
                 << HandMade::text(QStringLiteral("two"), Direction::Incoming, 11);
    page->presenter()->ingest(batch);
    page->logModel()->commitPending();
    QVERIFY(page->handshakeText().contains(
        QLatin1String("Sec-WebSocket-Extensions: permessage-deflate")));
    QVERIFY(page->handshakeText().contains(QLatin1String("Sec-WebSocket-Key: abc==")));
    const int rowOne = lastRow(page->logModel(), Kind::Text, Direction::Incoming) - 1;
    clickRow(page->logView(), rowOne);
    QVERIFY(page->detailView()->displayedFrames().contains(QLatin1String("Frames:        2")));
    QVERIFY(page->detailView()->displayedFrames().contains(QLatin1String("Compressed:    yes")));
    QVERIFY(
        page->detailView()->displayedFrames().contains(QLatin1String("On the wire:   11 bytes")));
    QVERIFY(
        page->logModel()
            ->data(page->logModel()->index(rowOne, MessageLogModel::SizeColumn), Qt::ToolTipRole)
            .toString()
            .contains(QLatin1String("11 bytes on the wire")));
    clickRow(page->logView(), rowOne + 1, Qt::ShiftModifier);
    QTest::keyClick(page->logView(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("one\ntwo"));
    window.action(QStringLiteral("copyRowsAsJson"))->trigger();
    const QJsonArray rows
        = QJsonDocument::fromJson(QApplication::clipboard()->text().toUtf8()).array();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("one"));
    QCOMPARE(
        rows.at(1).toObject().value(QStringLiteral("direction")).toString(), QStringLiteral("in"));
}

void TestMainWindow::theSplitterKeepsItsPlace()
{
    QList<int> sizes;
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ConnectionPage *first = window.newConnection();
        QApplication::processEvents();
        ConnectionPage *second = window.newConnection();
        QApplication::processEvents();
        QCOMPARE(second->splitter()->sizes(), first->splitter()->sizes()); // the same in every tab
        QSplitterHandle *handle = second->splitter()->handle(1);
        const QPoint from = handle->rect().center();
        QTest::mousePress(handle, Qt::LeftButton, {}, from);
        QTest::mouseMove(handle, from - QPoint(200, 0));
        QTest::mouseRelease(handle, Qt::LeftButton, {}, from - QPoint(200, 0));
        sizes = second->splitter()->sizes();
        QVERIFY(sizes != first->splitter()->sizes());
        window.close();
    }
    MainWindow again; // a restart
    again.resize(1280, 800);
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    ConnectionPage *page = again.newConnection();
    QApplication::processEvents();
    QVERIFY2(qAbs(page->splitter()->sizes().first() - sizes.first()) <= 2,
        qPrintable(
            QStringLiteral("%1 vs %2").arg(page->splitter()->sizes().first()).arg(sizes.first())));
}

void TestMainWindow::everyControlHasATooltipAndTabsKeepTheQuery()
{
    MainWindow window;
    window.show();
    ConnectionPage *page = window.openUrl(QStringLiteral("ws://127.0.0.1:9/ticker?rate=5"), false);
    window.openUrl(QStringLiteral("ws://127.0.0.1:9/ticker?rate=2000"), false);
    auto *tabs = window.findChild<QTabWidget *>();
    QVERIFY(tabs->tabText(0) != tabs->tabText(1));
    QVERIFY(tabs->tabText(1).contains(QLatin1String("rate=2000")));
    QStringList missing;
    for (QWidget *w : page->findChildren<QWidget *>()) {
        const bool control = qobject_cast<QAbstractButton *>(w) || qobject_cast<QComboBox *>(w)
            || qobject_cast<QAbstractSpinBox *>(w)
            || (qobject_cast<QLineEdit *>(w) && !qobject_cast<QComboBox *>(w->parentWidget())
                && !qobject_cast<QAbstractSpinBox *>(w->parentWidget()));
        const QString className = QLatin1String(w->metaObject()->className());
        if (className == QLatin1String("QTableCornerButton")
            || className == QLatin1String("QLineEditIconButton"))
            continue; // Qt's own parts: the table's corner, a field's clear button
        if (!control || w->objectName().startsWith(QLatin1String("qt_"))
            || qobject_cast<QTabBar *>(w->parentWidget()) || qobject_cast<QTabBar *>(w))
            continue;
        if (w->toolTip().isEmpty())
            missing << QStringLiteral("%1 \"%2\"")
                           .arg(QLatin1String(w->metaObject()->className()),
                               qobject_cast<QAbstractButton *>(w)
                                   ? qobject_cast<QAbstractButton *>(w)->text()
                                   : w->accessibleName());
    }
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
    // Empty states say what to do.
    QCOMPARE(
        page->logView()->emptyText(), QStringLiteral("Connect to a server, or open a recording"));
    QVERIFY(page->detailView()->headerText().contains(QLatin1String("Select a message")));
}

void TestMainWindow::recordingShowsADotTheNameAndTheSize()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ConnectionPage *page = openEcho(window);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("echo.sockscope.jsonl"));
    whenDialogOpens([&](QWidget *dialog) { chooseFile(dialog, path); });
    QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier); // Connection → Record…
    QTRY_VERIFY(page->recordingText().startsWith(QLatin1String("echo.sockscope.jsonl (")));
    QToolButton *button = toolButton(page->logPane(), page->recordingText());
    QVERIFY(button);
    QVERIFY(!button->icon().isNull()); // the red dot
    QVERIFY(button->isChecked());
    const QString before = page->recordingText();
    page->composer()->setContent(QString(4000, QLatin1Char('r')));
    QVERIFY(page->composer()->send());
    QTRY_VERIFY_WITH_TIMEOUT(page->presenter()->recordingBytes() > 4000, 10000); // it grows
    QVERIFY(page->recordingText() != before);
    QVERIFY(page->recordingText().endsWith(QLatin1String("KiB)")));
    window.activateWindow(); // back from the file dialog
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier);
    QCOMPARE(page->recordingText(), QStringLiteral("Record"));
    QVERIFY(button->icon().isNull());
    QTRY_VERIFY(QFileInfo(path).size() > 4000);
}

QTEST_MAIN(TestMainWindow)
void TestMainWindow::theReadmeListsEveryMenuAsTheWindowHasIt()
{
    MainWindow window;
    QFile readme(QStringLiteral(SOCKSCOPE_PEERS_DIR "/../../README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(readme.readAll());
    const qsizetype start = text.indexOf(QLatin1String("Every action is in a menu"));
    QVERIFY(start >= 0);
    text = text.mid(start, text.indexOf(QLatin1String("\n\n"), start) - start);
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    // "Menu (Item Shortcut, Item, Submenu: Item Shortcut / Item, ...); Menu (...)"
    static const QRegularExpression menuList(QStringLiteral("([A-Z][a-z]+) \\(([^()]*)\\)[;.]"));
    static const QRegularExpression shortcut(
        QStringLiteral("^(.*?)((?: (?:Ctrl|Shift|Alt)\\+\\S+)| F\\d+| Shift\\+F\\d+)?$"));
    // Compares an item and its shortcut with what the README says of it ("Filter Ctrl+F").
    auto compareItem = [](QAction *a, const QString &said) {
        const QRegularExpressionMatch m = shortcut.match(said.trimmed());
        QCOMPARE(m.captured(1), plainText(a));
        QCOMPARE(QKeySequence::fromString(m.captured(2).trimmed(), QKeySequence::PortableText),
            a->shortcut());
    };
    QStringList menus;
    auto it = menuList.globalMatch(text);
    for (QAction *menu : window.menuBar()->actions()) {
        menus << plainText(menu);
        QVERIFY2(it.hasNext(), qPrintable(plainText(menu)));
        const QRegularExpressionMatch m = it.next();
        QCOMPARE(m.captured(1), plainText(menu));
        if (m.captured(2) == QLatin1String("below"))
            continue; // the proxy's items are described with the proxy
        const QStringList said = m.captured(2).split(QStringLiteral(", "));
        const QList<QAction *> items = menu->menu()->actions();
        QList<QAction *> shown;
        for (QAction *a : items) {
            if (!a->isSeparator())
                shown << a;
        }
        QCOMPARE(said.size(), shown.size());
        for (int i = 0; i < said.size(); ++i) {
            QAction *a = shown.at(i);
            if (!a->menu() || a->objectName() == QLatin1String("recentRecordings")) {
                compareItem(a, said.at(i));
                continue;
            }
            // "Submenu: Item Shortcut / Item"
            QCOMPARE(said.at(i).section(QStringLiteral(": "), 0, 0), plainText(a));
            const QStringList subSaid
                = said.at(i).section(QStringLiteral(": "), 1).split(QStringLiteral(" / "));
            QCOMPARE(subSaid.size(), a->menu()->actions().size());
            for (int j = 0; j < subSaid.size(); ++j)
                compareItem(a->menu()->actions().at(j), subSaid.at(j));
        }
    }
    QCOMPARE(menus,
        QStringList({QStringLiteral("File"), QStringLiteral("Edit"), QStringLiteral("Connection"),
            QStringLiteral("Script"), QStringLiteral("View"), QStringLiteral("Proxy"),
            QStringLiteral("Tools"), QStringLiteral("Help")}));
}

void TestMainWindow::noTwoItemsOfAMenuShareAnAcceleratorOrAShortcut()
{
    MainWindow window;
    window.show();
    QHash<QKeySequence, QString> shortcuts;
    std::function<void(const QString &, const QList<QAction *> &)> walk
        = [&](const QString &where, const QList<QAction *> &actions) {
              QHash<QChar, QString> keys;
              for (QAction *a : actions) {
                  if (a->isSeparator())
                      continue;
                  const QString name = where + QStringLiteral(" \u2192 ") + plainText(a);
                  const QChar key = accelerator(a->text());
                  QVERIFY2(!key.isNull(), qPrintable(name + QStringLiteral(" has no accelerator")));
                  QVERIFY2(!keys.contains(key),
                      qPrintable(
                          QStringLiteral("%1 and %2 share &%3").arg(keys.value(key), name, key)));
                  keys.insert(key, name);
                  if (!a->shortcut().isEmpty()) {
                      QVERIFY2(!shortcuts.contains(a->shortcut()),
                          qPrintable(QStringLiteral("%1 and %2 share %3")
                                         .arg(shortcuts.value(a->shortcut()), name,
                                             a->shortcut().toString())));
                      shortcuts.insert(a->shortcut(), name);
                  }
                  if (a->menu() && a->objectName() != QLatin1String("recentRecordings"))
                      walk(name, a->menu()->actions());
              }
          };
    walk(QStringLiteral("the menu bar"), window.menuBar()->actions());
    QVERIFY(shortcuts.size() >= 25);
}

void TestMainWindow::ctrlCCopiesTheFocusedTextOrTheSelectedPayloads()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    // The menu shows the standard shortcut.
    QCOMPARE(
        window.action(QStringLiteral("copyRows"))->shortcut(), QKeySequence(QKeySequence::Copy));
    ConnectionPage *page = window.newConnection();
    TrafficBatch batch;
    batch.events << HandMade::event(Kind::Open, 3)
                 << HandMade::text(QStringLiteral("one"), Direction::Incoming, 10)
                 << HandMade::text(QStringLiteral("two"), Direction::Incoming, 11);
    page->presenter()->ingest(batch);
    page->logModel()->commitPending();

    const int rows = page->logModel()->rowCount();
    // In the filter field, Ctrl+C copies the field's selected text.
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QLineEdit *search = qobject_cast<QLineEdit *>(QApplication::focusWidget());
    QVERIFY(search);
    QTest::keyClicks(search, QStringLiteral("tw"));
    search->selectAll();
    QTest::keyClick(search, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("tw"));
    search->clear();
    QTRY_COMPARE(page->logModel()->rowCount(), rows);

    // In the log, the selected rows' payloads.
    const int rowOne = lastRow(page->logModel(), Kind::Text, Direction::Incoming) - 1;
    clickRow(page->logView(), rowOne);
    clickRow(page->logView(), rowOne + 1, Qt::ShiftModifier);
    QVERIFY(page->logView()->hasFocus());
    QTest::keyClick(page->logView(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("one\ntwo"));

    // In the read-only message text, what is selected there.
    clickRow(page->logView(), rowOne);
    QPlainTextEdit *shown = nullptr;
    for (QPlainTextEdit *edit : page->detailView()->findChildren<QPlainTextEdit *>()) {
        if (edit->isVisible() && edit->toPlainText() == QLatin1String("one"))
            shown = edit;
    }
    QVERIFY(shown);
    shown->setFocus();
    QTextCursor cursor = shown->textCursor();
    cursor.setPosition(1);
    cursor.setPosition(3, QTextCursor::KeepAnchor);
    shown->setTextCursor(cursor);
    QTest::keyClick(shown, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("ne"));

    // In the composer, its own selection.
    page->composer()->setContent(QStringLiteral("typed"));
    auto *editor = page->composer()->findChild<QPlainTextEdit *>();
    QVERIFY(editor);
    editor->setFocus();
    editor->selectAll();
    QTest::keyClick(editor, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("typed"));
}

void TestMainWindow::theDemoAndAReplayStartWithTheSavedHeartbeatDefaults()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);
    ConnectionPage *first = window.currentPage();
    QVERIFY(first);
    named<QSpinBox>(first->heartbeatPanel(), QStringLiteral("Ping interval"))->setValue(4321);
    QTRY_COMPARE(first->heartbeatPanel()->settings().intervalMs, 4321);
    window.action(QStringLiteral("useHeartbeatAsDefault"))->trigger(); // Connection menu
    QCOMPARE(AppSettings::heartbeatDefaults().intervalMs, 4321);

    // Tools → Open Demo Server Connections: both tabs start with the defaults.
    window.action(QStringLiteral("demo"))->trigger();
    QCOMPARE(window.pages().size(), 3);
    for (ConnectionPage *page : {window.pages().at(1), window.pages().at(2)}) {
        QCOMPARE(page->heartbeatPanel()->settings().intervalMs, 4321);
        QCOMPARE(page->presenter()->settings().heartbeat.intervalMs, 4321);
    }

    // Connection → Replay Recording…: the replay's tab too.
    QTemporaryDir dir;
    window.openRecording(writeRecording(dir.filePath(QStringLiteral("r.jsonl"))));
    QTRY_VERIFY(window.recordingPages().constFirst()->isLoaded());
    whenDialogOpens([](QWidget *dialog) { clickButton(dialog, QStringLiteral("OK")); });
    window.action(QStringLiteral("replay"))->trigger();
    QTRY_COMPARE(window.pages().size(), 4);
    QCOMPARE(window.pages().constLast()->presenter()->settings().heartbeat.intervalMs, 4321);
}

void TestMainWindow::savedMessagesAndStopReplayAreInTheMenus()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ConnectionPage *page = openEcho(window);
    QMenu *saved = window.action(QStringLiteral("savedMessages"))->menu();
    QVERIFY(saved);
    auto openMenu = [&] { Q_EMIT saved->aboutToShow(); }; // what opening Edit → Saved Messages does
    openMenu();
    QVERIFY(window.action(QStringLiteral("saveMessage"))->isEnabled());
    QVERIFY(!window.action(QStringLiteral("insertSaved"))->isEnabled()); // nothing chosen yet

    // Edit → Saved Messages → Save the Editor's Message… asks for a name.
    page->composer()->setContent(QStringLiteral("hello saved"));
    whenDialogOpens([](QWidget *dialog) {
        dialog->findChild<QLineEdit *>()->setText(QStringLiteral("greeting"));
        clickButton(dialog, QStringLiteral("OK"));
    });
    window.action(QStringLiteral("saveMessage"))->trigger();
    QComboBox *list = nullptr;
    for (QComboBox *box : page->composer()->findChildren<QComboBox *>()) {
        if (box->placeholderText() == QLatin1String("Saved messages"))
            list = box;
    }
    QVERIFY(list);
    QTRY_COMPARE(list->count(), 1);
    list->setCurrentIndex(0); // chosen in the composer's list
    page->composer()->setContent(QString());
    openMenu();
    QVERIFY(window.action(QStringLiteral("insertSaved"))->isEnabled());
    QVERIFY(window.action(QStringLiteral("sendSaved"))->isEnabled()); // open: it can be sent
    window.action(QStringLiteral("insertSaved"))->trigger();
    QCOMPARE(page->composer()->content(), QStringLiteral("hello saved"));
    window.action(QStringLiteral("sendSaved"))->trigger();
    QTRY_COMPARE(countRows(page->logModel(), Kind::Text, Direction::Incoming), 1);
    window.action(QStringLiteral("deleteSaved"))->trigger();
    QCOMPARE(list->count(), 0);

    // Connection → Stop Replay, enabled while a replay runs.
    openMenu();
    QVERIFY(!window.action(QStringLiteral("stopReplay"))->isEnabled());
    QTemporaryDir dir;
    window.openRecording(writeSlowRecording(dir.filePath(QStringLiteral("slow.jsonl"))));
    QTRY_VERIFY(window.recordingPages().constFirst()->isLoaded());
    const QString echo = window.demoServer()->url(QStringLiteral("/echo")).toString();
    whenDialogOpens([echo](QWidget *dialog) {
        QLineEdit *server = named<QLineEdit>(dialog, QStringLiteral("Server"));
        server->selectAll();
        QTest::keyClicks(server, echo);
        clickButton(dialog, QStringLiteral("OK"));
    });
    window.action(QStringLiteral("replay"))->trigger();
    QTRY_COMPARE(window.pages().size(), 2);
    ConnectionPage *replaying = window.pages().constLast();
    QTRY_VERIFY(countRows(replaying->logModel(), Kind::Text, Direction::Outgoing) == 1);
    QVERIFY(replaying->presenter()->isReplaying());
    openMenu();
    QVERIFY(window.action(QStringLiteral("stopReplay"))->isEnabled());
    window.action(QStringLiteral("stopReplay"))->trigger();
    QTRY_VERIFY(!replaying->presenter()->isReplaying());
    openMenu();
    QVERIFY(!window.action(QStringLiteral("stopReplay"))->isEnabled());
}

void TestMainWindow::theRowCountGrowsWhileTheFilterHidesEveryRow()
{
    MainWindow window;
    window.show();
    ConnectionPage *page = window.newConnection();
    auto arrive = [page](int from, int count) {
        TrafficBatch batch;
        for (int i = 0; i < count; ++i)
            batch.events << HandMade::text(
                QStringLiteral("message %1").arg(from + i), Direction::Incoming, 10 + from + i);
        page->presenter()->ingest(batch);
        page->logModel()->commitPending();
    };
    arrive(0, 3);
    page->filterBar()->setSearchText(QStringLiteral("nothing like it"));
    QCOMPARE(page->logModel()->rowCount(), 0);
    QCOMPARE(page->filterBar()->countText(), QStringLiteral("showing 0 of 3"));
    arrive(3, 4);
    QTRY_COMPARE(page->filterBar()->countText(), QStringLiteral("showing 0 of 7"));
    // After a burst of commits, the total is right once the count catches up.
    for (int i = 0; i < 50; ++i)
        arrive(7 + i * 10, 10);
    QTRY_COMPARE(page->filterBar()->countText(), QStringLiteral("showing 0 of 507"));
}

#include "tst_mainwindow.moc"
