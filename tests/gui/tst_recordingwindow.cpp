// Recordings in the window (offscreen): open one read-only with the same log, filter and detail
// pane; bad files are explained; record a live connection; replay a recording to a server; serve it
// as a mock server; import and export HAR.
#include "AppSettings.h"
#include "ConnectionHandle.h"
#include "ConnectionPage.h"
#include "DemoServer.h"
#include "EventRecorder.h"
#include "FilterBar.h"
#include "HarFormat.h"
#include "MainWindow.h"
#include "MessageDetailView.h"
#include "RecordingPage.h"
#include "RecordingReader.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

QString writeRecording(
    const QString &path, const QUrl &url, int clientMessages, const QByteArray &extraLine = {})
{
    RecordingHeader header;
    header.app = QStringLiteral("test");
    header.url = url;
    header.startWallMs = 1'795'000'000'000;
    TrafficBatch batch;
    TrafficEvent open;
    open.kind = Kind::Open;
    open.timeUs = 100;
    batch.events << open;
    for (int i = 0; i < clientMessages; ++i) {
        for (Direction d : {Direction::Outgoing, Direction::Incoming}) {
            TrafficEvent e;
            e.kind = Kind::Text;
            e.direction = d;
            e.timeUs = 1000 + i * 20000 + (d == Direction::Incoming ? 500 : 0);
            e.text = QStringLiteral("{\"n\":%1,\"from\":\"%2\"}")
                         .arg(i)
                         .arg(d == Direction::Incoming ? "server" : "client");
            e.size = utf8Size(e.text);
            batch.events << e;
        }
    }
    QByteArray file = RecordingFormat::headerLine(header);
    RecordingFormat::appendEventLines(batch, file);
    if (!extraLine.isEmpty()) {
        QList<QByteArray> lines = file.split('\n');
        lines.insert(2, extraLine);
        file = lines.join('\n');
    }
    QFile out(path);
    out.open(QIODevice::WriteOnly);
    out.write(file);
    return path;
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
    void serveARecordingAsAMockServer();
    void importAndExportHar();
    void everyConnectionIsRecordedWhenTheFolderIsSet();

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
