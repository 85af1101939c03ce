// Recordings in the window (offscreen): open one read-only with the same log, filter and detail
// pane; bad files are explained; record a live connection; replay a recording to a server; serve it
// as a mock server; import and export HAR.
#include "AppSettings.h"
#include "ConnectionHandle.h"
#include "ConnectionPage.h"
#include "DemoServer.h"
#include "EventRecorder.h"
#include "FilterBar.h"
#include "GuiDriving.h"
#include "HandMadeRecording.h"
#include "HarFormat.h"
#include "MainWindow.h"
#include "MessageDetailView.h"
#include "RecordingPage.h"
#include "RecordingReader.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

// A recording of client messages, each answered by the server's message paired with it;
// extraLine goes in as the third line.
QString writeConversation(const QString &path, const QUrl &url,
    const QList<QPair<QString, QString>> &exchanges, const QByteArray &extraLine = {})
{
    QByteArray file = HandMade::conversation(url, exchanges);
    if (!extraLine.isEmpty()) {
        QList<QByteArray> lines = file.split('\n');
        lines.insert(2, extraLine);
        file = lines.join('\n');
    }
    HandMade::writeFile(path, file);
    return path;
}

QString writeRecording(
    const QString &path, const QUrl &url, int clientMessages, const QByteArray &extraLine = {})
{
    QList<QPair<QString, QString>> exchanges;
    for (int i = 0; i < clientMessages; ++i)
        exchanges.append({QStringLiteral("{\"n\":%1,\"from\":\"client\"}").arg(i),
            QStringLiteral("{\"n\":%1,\"from\":\"server\"}").arg(i)});
    return writeConversation(path, url, exchanges, extraLine);
}

RecordingPage *openAndWait(MainWindow &window, const QString &path)
{
    RecordingPage *page = window.openRecording(path);
    // The callers check what was loaded; a page still loading is said here.
    if (!QTest::qWaitFor([page] { return page->isLoaded(); }, 10000))
        qWarning("%s did not load within 10 s", qPrintable(path));
    return page;
}

} // namespace

class TestRecordingWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void openedRecordingShowsTheLogReadOnly();
    void badFilesAreExplainedAndGoodLinesLoad();
    void recordALiveConnectionFromTheWindow();
    void replayARecordingToAServer();
    void testARecordingAgainstAServer();
    void closingTheWindowDuringATestEndsItAtOnce();
    void aRedactedUrlMustBeReplacedBeforeATest();
    void serveARecordingAsAMockServer();
    void importAndExportHar();
    void everyConnectionIsRecordedWhenTheFolderIsSet();

    void cleanup() { GuiDriving::dropPendingAnswers(); }

private:
    QTemporaryDir m_dir;
};

void TestRecordingWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestRecordingWindow::openedRecordingShowsTheLogReadOnly()
{
    MainWindow window;
    const QString path = writeRecording(m_dir.filePath(QStringLiteral("ok.jsonl")),
        QUrl(QStringLiteral("ws://127.0.0.1:9/feed")), 50);
    RecordingPage *page = openAndWait(window, path);
    QVERIFY(page->isLoaded());
    QCOMPARE(page->logModel()->rowCount(), 101);
    QCOMPARE(page->logModel()->statistics().messagesIn, 50);
    QVERIFY(page->problems().isEmpty());
    page->logPane()->filterBar()->setSearchText(QStringLiteral("\"n\":7,"));
    QCOMPARE(page->logModel()->rowCount(), 2);
    page->logPane()->view()->selectRow(1);
    QVERIFY(page->detailView()->isShowingJson());
    QVERIFY(page->detailView()->displayedText().contains(QLatin1String("\"from\": \"server\"")));
    QCOMPARE(window.recordingPages().size(), 1);
}

void TestRecordingWindow::badFilesAreExplainedAndGoodLinesLoad()
{
    MainWindow window;
    QFile empty(m_dir.filePath(QStringLiteral("empty.jsonl")));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    RecordingPage *emptyPage = openAndWait(window, empty.fileName());
    QTRY_VERIFY(emptyPage->errorText().contains(QLatin1String("the file is empty")));
    QVERIFY(!emptyPage->isLoaded());

    const QString broken = writeRecording(m_dir.filePath(QStringLiteral("broken.jsonl")),
        QUrl(QStringLiteral("ws://h/")), 3, "{\"timeUs\": oops}");
    RecordingPage *page = openAndWait(window, broken);
    QVERIFY(page->isLoaded());
    QCOMPARE(page->logModel()->rowCount(), 7);
    QCOMPARE(page->problems().size(), 1);
    QVERIFY(page->problems().constFirst().startsWith(broken + QStringLiteral(":3:")));
}

void TestRecordingWindow::recordALiveConnectionFromTheWindow()
{
    MainWindow window;
    QVERIFY(window.demoServer()->start());
    ConnectionSettings settings;
    settings.url = window.demoServer()->url(QStringLiteral("/echo"));
    settings.heartbeat.enabled = false;
    ConnectionPage *page = window.newConnection(settings, true);
    QTRY_COMPARE(page->state(), ConnectionState::Open);
    const QString path = m_dir.filePath(QStringLiteral("live.jsonl"));
    page->startRecording(path);
    page->connection()->sendText(QStringLiteral("kept in the file"));
    QTRY_VERIFY(page->logModel()->statistics().messagesIn == 1);
    page->stopRecording();
    RecordingReader reader;
    QTRY_VERIFY_WITH_TIMEOUT(reader.read(path) && reader.eventCount() >= 3, 5000);
    QVERIFY(QFile(path).open(QIODevice::ReadOnly));
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    QVERIFY(file.readAll().contains("kept in the file"));
}

void TestRecordingWindow::replayARecordingToAServer()
{
    MainWindow window;
    QVERIFY(window.demoServer()->start());
    const QString path = writeRecording(m_dir.filePath(QStringLiteral("replay.jsonl")),
        window.demoServer()->url(QStringLiteral("/echo")), 5);
    RecordingPage *recording = openAndWait(window, path);
    const ReplayPlan all = recording->replayPlan(false);
    QCOMPARE(all.items.size(), 5);
    QCOMPARE(all.items.at(1).offsetUs - all.items.at(0).offsetUs, 20000);
    recording->logPane()->view()->selectRow(1);
    QVERIFY(recording->replayPlan(true).items.size() == 1); // only the selected client message

    ConnectionSettings settings;
    settings.url = window.demoServer()->url(QStringLiteral("/echo"));
    settings.heartbeat.enabled = false;
    Q_EMIT recording->replayRequested(settings, all); // what the Replay dialog's OK does
    ConnectionPage *live = window.pages().constLast();
    QTRY_COMPARE_WITH_TIMEOUT(live->logModel()->statistics().messagesIn, 5, 10000);
    QCOMPARE(live->logModel()->statistics().messagesOut, 5);
    QTRY_VERIFY(live->statusText().contains(QLatin1String("replay finished: 5 messages sent")));
}

// Test… from the Connection menu (by its shortcut): the dialog asks for the server and the
// pointers to ignore, the test runs on a connection of its own, each row gets a verdict in the
// Test column, and clicking a failed row shows its step's differences in the detail pane.
void TestRecordingWindow::testARecordingAgainstAServer()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.demoServer()->start());
    // The echo server answers each message with itself: the third exchange was recorded with
    // another answer, and the timestamps differ but are ignored.
    const QString path = writeConversation(m_dir.filePath(QStringLiteral("test.jsonl")),
        QUrl(QStringLiteral("ws://127.0.0.1:9/gone")),
        {{QStringLiteral("{\"op\":\"a\",\"ts\":1}"), QStringLiteral("{\"ts\":1,\"op\":\"a\"}")},
            {QStringLiteral("{\"op\":\"b\",\"ts\":5}"), QStringLiteral("{\"op\":\"b\",\"ts\":9}")},
            {QStringLiteral("hello"), QStringLiteral("bye")}});
    RecordingPage *page = openAndWait(window, path);
    QVERIFY(page->isLoaded());
    TrafficLogView *view = page->logPane()->view();
    QVERIFY(view->isColumnHidden(MessageLogModel::CheckColumn)); // no test yet
    QAction *test = window.action(QStringLiteral("testRecording"));
    QVERIFY(test && test->isEnabled());
    QCOMPARE(test->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));

    QSignalSpy finished(page, &RecordingPage::testFinished);
    const QString server = window.demoServer()->url(QStringLiteral("/echo")).toString();
    whenDialogOpens([&](QWidget *dialog) {
        for (QLineEdit *edit : dialog->findChildren<QLineEdit *>()) {
            if (edit->accessibleName() == QLatin1String("Server")) {
                edit->selectAll();
                QTest::keyClicks(edit, server);
            } else if (edit->accessibleName() == QLatin1String("Ignore")) {
                QTest::keyClicks(edit, QStringLiteral("/ts"));
            }
        }
        clickButton(dialog, QStringLiteral("OK"));
    });
    QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY2(page->testSummary().contains(QStringLiteral("1 of 3 steps failed")),
        qPrintable(page->testSummary()));
    QVERIFY(!view->isColumnHidden(MessageLogModel::CheckColumn));

    // Rows: open, then out/in pairs. The first two exchanges pass, the third fails both rows.
    const MessageLogModel *model = page->logModel();
    auto verdict = [model](int row) {
        return model->data(model->index(row, MessageLogModel::CheckColumn)).toString();
    };
    QCOMPARE(verdict(0), QString());
    for (int row : {1, 2, 3, 4})
        QCOMPARE(verdict(row), QStringLiteral("\u2713 pass"));
    for (int row : {5, 6})
        QCOMPARE(verdict(row), QStringLiteral("\u2717 fail"));
    QVERIFY(model->data(model->index(6, 0), MessageLogModel::ProblemRole).toBool());

    // Clicking the failed reply shows its step's differences next to the message.
    const QRect cell = view->visualRect(model->index(6, MessageLogModel::PreviewColumn));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QVERIFY2(page->testDetailText().contains(QStringLiteral("reply 1  recorded: bye  live: hello")),
        qPrintable(page->testDetailText()));
    QVERIFY(page->detailView()->displayedText().contains(QLatin1String("bye")));
    saveScreenshot(&window, QStringLiteral("screenshot-test.png"));
    const QRect passed = view->visualRect(model->index(4, MessageLogModel::PreviewColumn));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, passed.center());
    QVERIFY2(page->testDetailText().startsWith(QStringLiteral("\u2713 step 2")),
        qPrintable(page->testDetailText()));
}

void TestRecordingWindow::aRedactedUrlMustBeReplacedBeforeATest()
{
    MainWindow window;
    window.show();
    const QUrl redacted(
        QStringLiteral("ws://user:redacted@127.0.0.1:9/feed/v2/stream?token=redacted"));
    RecordingPage *page = openAndWait(
        window, writeRecording(m_dir.filePath(QStringLiteral("redacted.jsonl")), redacted, 1));
    QVERIFY(page->isLoaded());
    QString warning;
    int fieldWidth = 0;
    int urlWidth = 0;
    whenDialogOpens([&](QWidget *dialog) {
        // The Server field shows the whole URL, and it is left as recorded.
        auto *server = named<QLineEdit>(dialog, QStringLiteral("Server"));
        fieldWidth = server->width();
        urlWidth = server->fontMetrics().horizontalAdvance(server->text());
        saveScreenshot(dialog, QStringLiteral("test-dialog.png"));
        whenDialogOpens([&](QWidget *box) {
            if (auto *message = qobject_cast<QMessageBox *>(box))
                warning = message->text();
            clickButton(box, QStringLiteral("OK"));
        });
        clickButton(dialog, QStringLiteral("OK"));
    });
    window.action(QStringLiteral("testRecording"))->trigger(); // Connection → Test Against Server…
    QTRY_VERIFY(!warning.isEmpty());
    QVERIFY2(warning.contains(QStringLiteral("secrets redacted")), qPrintable(warning));
    QVERIFY2(warning.contains(QStringLiteral("Server")), qPrintable(warning));
    QVERIFY(!page->isTesting()); // nothing was sent to the placeholder URL
    page->logPane()->view()->selectRow(1); // the headers of the page and of the message
    saveScreenshot(&window, QStringLiteral("recording-headers.png"));
    QVERIFY2(fieldWidth >= urlWidth,
        qPrintable(QStringLiteral("%1 < %2").arg(fieldWidth).arg(urlWidth)));
}

void TestRecordingWindow::closingTheWindowDuringATestEndsItAtOnce()
{
    auto *window = new MainWindow;
    QVERIFY(window->demoServer()->start());
    // Two replies recorded, the echo server gives one: the test waits a minute for the other.
    const QString path = writeConversation(m_dir.filePath(QStringLiteral("waiting.jsonl")),
        window->demoServer()->url(QStringLiteral("/echo")),
        {{QStringLiteral("one"), QStringLiteral("one")},
            {QStringLiteral("two"), QStringLiteral("two")}});
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    file.write("{\"timeUs\":30000,\"direction\":\"in\",\"kind\":\"text\",\"payload\":\"never\"}\n");
    file.close();
    RecordingPage *page = openAndWait(*window, path);
    ConnectionSettings settings;
    settings.url = window->demoServer()->url(QStringLiteral("/echo"));
    page->runTest(settings, {}, 0, 60000);
    QVERIFY(page->isTesting());
    QTRY_COMPARE(page->logModel()->verdictAt(1), MessageLogModel::Verdict::Passed); // step 1 ended
    QVERIFY(page->isTesting()); // step 2 waits for its second reply
    QElapsedTimer closing;
    closing.start();
    window->close();
    delete window;
    QVERIFY2(closing.elapsed() < 2000, qPrintable(QString::number(closing.elapsed())));
}

void TestRecordingWindow::serveARecordingAsAMockServer()
{
    MainWindow window;
    const QString path = writeRecording(
        m_dir.filePath(QStringLiteral("serve.jsonl")), QUrl(QStringLiteral("ws://h/")), 3);
    RecordingPage *page = openAndWait(window, path);
    QString error;
    QVERIFY2(page->serve(MockServer::Mode::Timed, 0, &error), qPrintable(error));
    ConnectionSettings settings;
    settings.url = page->mockServer()->url();
    settings.heartbeat.enabled = false;
    ConnectionHandle client(settings);
    EventRecorder recorder(&client);
    client.open();
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 3);
    QCOMPARE(recorder.ofKind(Kind::Text).constFirst().text,
        QStringLiteral("{\"n\":0,\"from\":\"server\"}"));
    QTRY_COMPARE(page->mockServer()->clients().size(), 1);
}

void TestRecordingWindow::importAndExportHar()
{
    MainWindow window;
    const QString path = writeRecording(
        m_dir.filePath(QStringLiteral("export.jsonl")), QUrl(QStringLiteral("wss://h/x")), 4);
    RecordingPage *page = openAndWait(window, path);
    const QString har = m_dir.filePath(QStringLiteral("export.har"));
    QString error;
    QVERIFY2(page->exportHar(har, &error), qPrintable(error));
    QVERIFY(window.importHar(har, &error));
    RecordingPage *imported = window.recordingPages().constLast();
    QVERIFY(imported != page);
    QVERIFY(imported->isLoaded());
    QCOMPARE(imported->logModel()->statistics().messagesOut, 4);
    QCOMPARE(imported->logModel()->statistics().messagesIn, 4);
    QCOMPARE(imported->header().url, QUrl(QStringLiteral("wss://h/x")));
    QVERIFY(!window.importHar(path, &error)); // a recording is not a HAR
    QVERIFY(
        error.contains(QLatin1String("not JSON")) || error.contains(QLatin1String("not a HAR")));
}

void TestRecordingWindow::everyConnectionIsRecordedWhenTheFolderIsSet()
{
    const QString folder = m_dir.filePath(QStringLiteral("every"));
    QVERIFY(QDir().mkpath(folder));
    MainWindow window;
    QVERIFY(window.demoServer()->start());
    ConnectionSettings first;
    first.url = window.demoServer()->url(QStringLiteral("/echo"));
    first.heartbeat.enabled = false;
    first.recording.directory = folder; // as set in the Request panel
    ConnectionPage *a = window.newConnection(first, true);
    QTRY_COMPARE(a->state(), ConnectionState::Open);
    // A new connection without settings of its own inherits the preference.
    ConnectionSettings second;
    second.url = window.demoServer()->url(QStringLiteral("/echo"));
    second.heartbeat.enabled = false;
    ConnectionPage *b = window.newConnection(second, true);
    QTRY_COMPARE(b->state(), ConnectionState::Open);
    QTRY_COMPARE(QDir(folder).entryList({QStringLiteral("*.sockscope.jsonl")}).size(), 2);
    AppSettings::setRecordingDefaults({}); // leave no preference for the other tests
}

QTEST_MAIN(TestRecordingWindow)
#include "tst_recordingwindow.moc"
