// The proxy tab as a user drives it (offscreen), through menus, shortcuts and clicks: File > New
// Proxy asks for the settings and says what is wrong; a client connected to the listening URL is
// a pair whose messages show both ways in the same log and detail pane as a connection; a fault
// from the Proxy menu is a Fault row in the pair's log; an intercepted message edited by hand is
// what the server receives, a dropped one never arrives; a message injected either way reaches
// its peer; injected and edited messages are message rows marked as such; a script chosen in the
// dialog runs on each pair (its lines in the tab), one that does not compile is refused there;
// closing the tab stops the proxy within the usual bound.
#include "Composer.h"
#include "ConnectionPage.h"
#include "ConnectionPresenter.h"
#include "GuiDriving.h"
#include "HandMadeRecording.h"
#include "InterceptPanel.h"
#include "MainWindow.h"
#include "MessageDetailView.h"
#include "MessageLogModel.h"
#include "ProxyDialog.h"
#include "ProxyPage.h"
#include "ProxyPairListModel.h"
#include "ProxyPresenter.h"
#include "RecordingReader.h"
#include "ScriptPanel.h"
#include "TestServer.h"
#include "TestSettings.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

// Rows of a kind and direction whose text is `text` (any text when empty).
int countRows(
    const MessageLogModel *model, Kind kind, Direction direction, const QString &text = {})
{
    int n = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const TrafficEvent e = model->eventAt(row);
        n += e.kind == kind && e.direction == direction && (text.isEmpty() || e.text == text);
    }
    return n;
}

// Message rows of a direction with exactly this text and origin.
int countMessages(const MessageLogModel *model, Direction direction, const QString &text,
    TrafficEvent::Origin origin)
{
    int n = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const TrafficEvent e = model->eventAt(row);
        n += e.kind == Kind::Text && e.direction == direction && e.text == text
            && e.origin == origin;
    }
    return n;
}

int firstRowContaining(const MessageLogModel *model, Kind kind, const QString &text)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        const TrafficEvent e = model->eventAt(row);
        if (e.kind == kind && e.text.contains(text))
            return row;
    }
    return -1;
}

void showTab(MainWindow &window, QWidget *page)
{
    auto *tabs = window.findChild<QTabWidget *>();
    QTabBar *bar = tabs->tabBar();
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(tabs->indexOf(page)).center());
}

// With SOCKSCOPE_SCREENSHOT_DIR set (under xvfb-run, QT_QPA_PLATFORM=xcb), the window as it is
// now, for the README; nothing is asserted on it.
void screenshot(MainWindow &window, const QString &name)
{
    const QString dir = qEnvironmentVariable("SOCKSCOPE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(300); // lets the window paint, for the picture only
    if (!window.grab().save(dir + QLatin1Char('/') + name))
        qWarning("could not write %s", qPrintable(name));
}

void typeInto(QPlainTextEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, text);
}

// A client (a connection tab of the same window) sends text with Connection > Send Message.
void sendFrom(MainWindow &window, ConnectionPage *client, const QString &text)
{
    showTab(window, client);
    client->composer()->setMode(Composer::Mode::Text);
    typeInto(client->composer()->findChild<QPlainTextEdit *>(), text);
    window.action(QStringLiteral("sendMessage"))->trigger();
}

// File > New Proxy, filled in by fill: what the dialog then says is wrong, and whether Start
// is enabled; the dialog is cancelled.
std::pair<QString, bool> answerNewProxy(
    MainWindow &window, const std::function<void(QWidget *)> &fill)
{
    std::pair<QString, bool> said {QString(), true};
    whenDialogOpens([&](QWidget *dialog) {
        fill(dialog);
        said.first = qobject_cast<ProxyDialog *>(dialog)->problemText();
        for (QPushButton *b : dialog->findChildren<QPushButton *>()) {
            if (b->text() == QStringLiteral("Start Proxy"))
                said.second = b->isEnabled();
        }
        clickButton(dialog, QStringLiteral("Cancel"));
    });
    window.action(QStringLiteral("newProxy"))->trigger();
    return said;
}

} // namespace

class TestProxyWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void newProxyAsksForSettingsAndSaysWhatIsWrong();
    void aLongProblemInTheNewProxyDialogIsReadWhole();
    void aPairShowsItsMessagesBothWaysInTheLog();
    void aFaultFromTheMenuIsAFaultRowInThePairsLog();
    void anInterceptedMessageEditedIsWhatThePeerReceives();
    void anInjectedMessageReachesEitherPeer();
    void aScriptChosenInTheDialogRunsOnEachPair();
    void aScriptThatDoesNotCompileIsRefusedInTheDialog();
    void closingASideFromTheMenuSendsTheCodeAndReason();
    void aPairIsRecordedBothWaysFromTheMenu();
    void closingTheTabStopsTheProxyWithinTheBound();
    void closingTheWindowStopsEveryProxyWithinTheBound();

private:
    // Shows the window, then File > New Proxy (Ctrl+Shift+N), relaying to the test server (with
    // the script chosen through the Script field's file chooser, when one is given).
    ProxyPage *openProxy(MainWindow &window, const QString &script = {});
    // A connection tab connected through the proxy, and the proxy tab shown again.
    ConnectionPage *connectClient(MainWindow &window, ProxyPage *proxy);

    TestServer m_server;
};

void TestProxyWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SockscopeTests"));
}

void TestProxyWindow::init()
{
    QSettings().clear();
}

void TestProxyWindow::cleanup()
{
    GuiDriving::dropPendingAnswers();
}

ProxyPage *TestProxyWindow::openProxy(MainWindow &window, const QString &script)
{
    window.show();
    window.activateWindow(); // also back from an earlier dialog
    if (!QTest::qWaitForWindowActive(&window))
        qFatal("the window did not become active");
    const QString upstream = m_server.url(QStringLiteral("/")).toString();
    whenDialogOpens([upstream, script](QWidget *dialog) {
        QTest::keyClicks(named<QLineEdit>(dialog, QStringLiteral("Upstream URL")), upstream);
        if (!script.isEmpty()) {
            // The "…" beside the Script field, then the file in the file dialog.
            whenDialogOpens([script](QWidget *files) { chooseFile(files, script); });
            QTest::mouseClick(
                named<QToolButton>(dialog, QStringLiteral("Choose Script")), Qt::LeftButton);
            if (!QTest::qWaitFor(
                    [dialog, script] {
                        return named<QLineEdit>(dialog, QStringLiteral("Script"))->text() == script;
                    },
                    10000))
                qFatal("the script was not chosen");
        }
        clickButton(dialog, QStringLiteral("Start Proxy"));
    });
    QTest::keyClick(&window, Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
    if (!QTest::qWaitFor([&] { return !window.proxyPages().isEmpty(); }, 10000))
        qFatal("no proxy tab opened");
    window.activateWindow(); // back from the dialog, for the shortcuts that follow
    if (!QTest::qWaitForWindowActive(&window))
        qFatal("the window did not become active again");
    return window.proxyPages().constLast();
}

ConnectionPage *TestProxyWindow::connectClient(MainWindow &window, ProxyPage *proxy)
{
    ConnectionPage *client = window.newConnection(quietSettings(QUrl(proxy->urlText())), true);
    if (!QTest::qWaitFor([client] { return client->state() == ConnectionState::Open; }, 10000))
        qFatal("the client did not open through the proxy: %s", qPrintable(client->errorText()));
    showTab(window, proxy);
    // The first pair is shown at once.
    if (!QTest::qWaitFor([proxy] { return proxy->selectedPair() == 1; }, 10000))
        qFatal("the pair was not shown");
    return client;
}

void TestProxyWindow::newProxyAsksForSettingsAndSaysWhatIsWrong()
{
    MainWindow window;
    window.show();
    window.activateWindow(); // without a window manager (xvfb), nothing else activates it
    QVERIFY(QTest::qWaitForWindowActive(&window));
    const auto [problem, startEnabled] = answerNewProxy(window, [](QWidget *dialog) {
        QTest::keyClicks(named<QLineEdit>(dialog, QStringLiteral("Upstream URL")),
            QStringLiteral("http://127.0.0.1:1/"));
    });
    QVERIFY2(problem.contains(QStringLiteral("upstream URL")), qPrintable(problem));
    QVERIFY(!startEnabled);
    QVERIFY(window.proxyPages().isEmpty());

    // A TLS certificate without its key: the proxy's own check says so, in words that fit the
    // dialog's fields as well as the command line's options.
    const QString tlsProblem = answerNewProxy(window, [this](QWidget *dialog) {
        QTest::keyClicks(
            named<QLineEdit>(dialog, QStringLiteral("Upstream URL")), m_server.url().toString());
        QTest::keyClicks(
            named<QLineEdit>(dialog, QStringLiteral("TLS certificate")), QStringLiteral("/x.pem"));
    }).first;
    QCOMPARE(
        tlsProblem, QStringLiteral("listening with TLS needs both a certificate and a key file"));

    ProxyPage *proxy = openProxy(window);
    QVERIFY(proxy->urlText().startsWith(QStringLiteral("ws://127.0.0.1:")));
    QCOMPARE(named<QLineEdit>(proxy, QStringLiteral("Listening URL"))->text(), proxy->urlText());
    window.action(QStringLiteral("copyProxyUrl"))->trigger();
    QCOMPARE(QApplication::clipboard()->text(), proxy->urlText());
    QVERIFY(proxy->statusText().contains(m_server.url().toString()));
}

void TestProxyWindow::aLongProblemInTheNewProxyDialogIsReadWhole()
{
    MainWindow window;
    window.show();
    window.activateWindow(); // without a window manager (xvfb), nothing else activates it
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QString problem;
    bool problemWhole = false;
    int placeholderWidth = 0;
    int caFieldTextWidth = 0;
    whenDialogOpens([&](QWidget *dialog) {
        QTest::keyClicks(named<QLineEdit>(dialog, QStringLiteral("Upstream URL")),
            QStringLiteral("http://127.0.0.1:1/a/rather/long/path/to/the/service"));
        problem = qobject_cast<ProxyDialog *>(dialog)->problemText();
        QLabel *label = nullptr;
        for (QLabel *l : dialog->findChildren<QLabel *>()) {
            if (l->text() == problem)
                label = l;
        }
        // Wrapped, within the dialog, and as tall as its lines need once laid out.
        problemWhole = label && label->wordWrap()
            && QTest::qWaitFor(
                [label, dialog] {
                    return label->isVisible()
                        && label->height() >= label->heightForWidth(label->width())
                        && dialog->rect().contains(label->geometry());
                },
                5000);
        // The CA file field shows its placeholder whole.
        auto *ca = named<QLineEdit>(dialog, QStringLiteral("CA file"));
        placeholderWidth = ca->fontMetrics().horizontalAdvance(ca->placeholderText());
        const int frame = ca->style()->pixelMetric(QStyle::PM_DefaultFrameWidth, nullptr, ca);
        caFieldTextWidth = ca->width() - 2 * frame - 4; // QLineEdit keeps 2 px each side
        saveScreenshot(dialog, QStringLiteral("proxy-dialog-problem.png"));
        clickButton(dialog, QStringLiteral("Cancel"));
    });
    window.action(QStringLiteral("newProxy"))->trigger();
    QVERIFY2(problem.contains(QStringLiteral("HTTP URL")), qPrintable(problem));
    QVERIFY(problemWhole);
    QVERIFY2(placeholderWidth <= caFieldTextWidth,
        qPrintable(QStringLiteral("%1 > %2").arg(placeholderWidth).arg(caFieldTextWidth)));
}

void TestProxyWindow::aPairShowsItsMessagesBothWaysInTheLog()
{
    MainWindow window;
    window.resize(1400, 900);
    ProxyPage *proxy = openProxy(window);
    ConnectionPage *client = connectClient(window, proxy);
    const QStringList messages = {QStringLiteral("{\"op\":\"subscribe\",\"topic\":\"prices\"}"),
        QStringLiteral("{\"op\":\"order\",\"id\":7,\"qty\":3}"), QStringLiteral("plain text")};
    for (const QString &m : messages)
        sendFrom(window, client, m);
    QTRY_COMPARE_WITH_TIMEOUT(
        countRows(client->logModel(), Kind::Text, Direction::Incoming), 3, 10000);
    showTab(window, proxy);

    const ProxyPairListModel *pairs = proxy->presenter()->pairs();
    QCOMPARE(pairs->rowCount(), 1);
    QCOMPARE(proxy->selectedPair(), 1); // the first pair is shown at once
    QTRY_COMPARE(pairs->status(1).messagesFromClient, 3);
    QTRY_COMPARE(pairs->status(1).messagesFromServer, 3);
    QCOMPARE(pairs->data(pairs->index(0, ProxyPairListModel::StateColumn)).toString(),
        QStringLiteral("open"));
    QVERIFY(pairs->data(pairs->index(0, ProxyPairListModel::FromClientColumn))
                .toString()
                .startsWith(QStringLiteral("3 (")));
    // When the client was accepted, on the wall clock.
    QVERIFY(qAbs(pairs->status(1).startedWallMs - QDateTime::currentMSecsSinceEpoch()) < 60000);
    QCOMPARE(pairs->data(pairs->index(0, ProxyPairListModel::StartedColumn)).toString(),
        ProxyPairListModel::startedText(pairs->status(1).startedWallMs));

    // The pair's log, as a connection's: client -> server out, server -> client in.
    TrafficLogPane *pane = proxy->currentLogPane();
    QVERIFY(pane);
    MessageLogModel *log = pane->view()->logModel();
    QTRY_COMPARE(countRows(log, Kind::Text, Direction::Outgoing), 3);
    QTRY_COMPARE(countRows(log, Kind::Text, Direction::Incoming), 3);
    QCOMPARE(countRows(log, Kind::Text, Direction::Outgoing, messages.first()), 1);
    QVERIFY(log->data(log->index(firstRowContaining(log, Kind::Text, QStringLiteral("order")),
                          MessageLogModel::DirectionColumn))
                .toString()
                .contains(QChar(0x2191)));

    // A click on a row shows it in the detail pane.
    const int row = firstRowContaining(log, Kind::Text, QStringLiteral("order"));
    const QModelIndex index = log->index(row, MessageLogModel::PreviewColumn);
    pane->view()->scrollTo(index);
    QTest::mouseClick(
        pane->view()->viewport(), Qt::LeftButton, {}, pane->view()->visualRect(index).center());
    QTRY_VERIFY(proxy->detailView()->displayedText().contains(QStringLiteral("\"qty\": 3")));
    // Edit and View menus act on the pair's log too.
    QVERIFY(window.action(QStringLiteral("filter"))->isEnabled());

    sendFrom(window, client, QStringLiteral("{\"op\":\"ping\"}"));
    showTab(window, proxy);
    screenshot(window, QStringLiteral("proxy-tab.png"));
}

void TestProxyWindow::aFaultFromTheMenuIsAFaultRowInThePairsLog()
{
    MainWindow window;
    window.resize(1400, 900);
    ProxyPage *proxy = openProxy(window);
    connectClient(window, proxy);
    QVERIFY(!window.action(QStringLiteral("proxyAllPairs"))->isChecked());

    // Proxy > Faults shows the Faults tab with its first field focused; what is typed there
    // applies as it is typed (after a pause, as one change), with nothing to press.
    window.action(QStringLiteral("proxyFaults"))->trigger();
    auto *latency = named<QSpinBox>(proxy, QStringLiteral("Latency client \u2192 server"));
    QTRY_VERIFY(latency->hasFocus());
    QTest::keyClick(latency, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(latency, QStringLiteral("40"));
    QTest::keyClick(latency, Qt::Key_Tab);
    auto *jitter = named<QSpinBox>(proxy, QStringLiteral("Jitter client \u2192 server"));
    QVERIFY(jitter->hasFocus());
    QTest::keyClick(jitter, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(jitter, QStringLiteral("4"));
    MessageLogModel *log = proxy->presenter()->log(1);
    QTRY_VERIFY_WITH_TIMEOUT(
        firstRowContaining(log, Kind::Fault, QStringLiteral("latency 40\u00b14 ms")) >= 0, 10000);
    QCOMPARE(proxy->presenter()->faults(1).fromClient.latencyMs, 40);
    QCOMPARE(proxy->presenter()->faults(1).fromClient.jitterMs, 4);
    // One change for the whole burst of keystrokes, not one per key.
    int changes = 0;
    for (int row = 0; row < log->rowCount(); ++row)
        changes += log->eventAt(row).text.startsWith(QStringLiteral("faults now"));
    QCOMPARE(changes, 1);
    // No Apply button is left to press.
    for (QPushButton *button : proxy->findChildren<QPushButton *>())
        QVERIFY(!button->text().contains(QStringLiteral("Apply")));
    screenshot(window, QStringLiteral("proxy-faults.png"));

    // Cut now, from the menu: the pair ends, and the log says a fault was applied.
    window.action(QStringLiteral("cutNow"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(
        proxy->presenter()->pairs()->status(1).state, ProxyPairState::Closed, 10000);
    QVERIFY(proxy->presenter()->pairs()->endSummary(1).size() > 0);
}

void TestProxyWindow::anInterceptedMessageEditedIsWhatThePeerReceives()
{
    MainWindow window;
    window.resize(1400, 900);
    ProxyPage *proxy = openProxy(window);
    ConnectionPage *client = connectClient(window, proxy);

    window.action(QStringLiteral("interceptClient"))->trigger();
    QVERIFY(proxy->interceptPanel()->isIntercepting(ProxySide::Client));
    QTRY_VERIFY(proxy->presenter()->faults(1).fromClient.intercept);
    sendFrom(window, client, QStringLiteral("{\"amount\":10}"));
    showTab(window, proxy);
    QTRY_VERIFY_WITH_TIMEOUT(proxy->interceptPanel()->hasMessage(), 10000);
    QVERIFY(proxy->interceptPanel()->heldText().contains(QStringLiteral("client \u2192 server")));
    Composer *editor = proxy->interceptPanel()->editor();
    QCOMPARE(editor->mode(), Composer::Mode::Json);
    QCOMPARE(editor->content(), QStringLiteral("{\"amount\":10}"));
    QVERIFY(window.action(QStringLiteral("forwardEdited"))->isEnabled());

    // Edit as a person would, then Proxy > Forward Edited Message (Ctrl+F8).
    typeInto(editor->findChild<QPlainTextEdit *>(), QStringLiteral("{\"amount\":99999}"));
    screenshot(window, QStringLiteral("proxy-intercept.png"));
    QTest::keyClick(&window, Qt::Key_F8, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(countRows(client->logModel(), Kind::Text, Direction::Incoming,
                                  QStringLiteral("{\"amount\":99999}")),
        1, 10000);
    QCOMPARE(countRows(client->logModel(), Kind::Text, Direction::Incoming,
                 QStringLiteral("{\"amount\":10}")),
        0);
    QVERIFY(!proxy->interceptPanel()->hasMessage());
    // The pair's log has both: the message as the client sent it, and the edited one as the
    // server got it, marked; the Fault row says what was done.
    MessageLogModel *log = proxy->presenter()->log(1);
    QTRY_COMPARE(countMessages(log, Direction::Outgoing, QStringLiteral("{\"amount\":99999}"),
                     TrafficEvent::Origin::Edited),
        1);
    QCOMPARE(countMessages(log, Direction::Outgoing, QStringLiteral("{\"amount\":10}"),
                 TrafficEvent::Origin::Peer),
        1);
    QVERIFY(firstRowContaining(log, Kind::Fault, QStringLiteral("replaced")) >= 0);

    // Drop (Shift+F8): the server never sees it. Then intercept off: the next message passes.
    sendFrom(window, client, QStringLiteral("drop me"));
    showTab(window, proxy);
    QTRY_VERIFY_WITH_TIMEOUT(proxy->interceptPanel()->hasMessage(), 10000);
    QTest::keyClick(&window, Qt::Key_F8, Qt::ShiftModifier);
    QTRY_VERIFY(!proxy->interceptPanel()->hasMessage());
    window.action(QStringLiteral("interceptClient"))->trigger();
    QVERIFY(!proxy->interceptPanel()->isIntercepting(ProxySide::Client));
    // The pair applies it in its own thread and says so in its log: only then is the next
    // message sure to pass.
    QTRY_VERIFY(firstRowContaining(log, Kind::Fault, QStringLiteral("client->server: none")) >= 0);
    sendFrom(window, client, QStringLiteral("after"));
    QTRY_COMPARE_WITH_TIMEOUT(
        countRows(client->logModel(), Kind::Text, Direction::Incoming, QStringLiteral("after")), 1,
        10000);
    QCOMPARE(
        countRows(client->logModel(), Kind::Text, Direction::Incoming, QStringLiteral("drop me")),
        0);
    // A dropped message stays in the pair's log as it was received, with its drop.
    QCOMPARE(countMessages(
                 log, Direction::Outgoing, QStringLiteral("drop me"), TrafficEvent::Origin::Peer),
        1);
    QVERIFY(firstRowContaining(log, Kind::Fault, QStringLiteral("dropped")) >= 0);

    // Intercept of the other direction, with Forward (F8): the client gets the echo as it was.
    showTab(window, proxy);
    window.action(QStringLiteral("interceptServer"))->trigger();
    QTRY_VERIFY(proxy->presenter()->faults(1).fromServer.intercept);
    QTRY_VERIFY(
        firstRowContaining(log, Kind::Fault, QStringLiteral("server->client: intercept")) >= 0);
    sendFrom(window, client, QStringLiteral("held on the way back"));
    showTab(window, proxy);
    // The panel names the held message's direction once it shows it (it may still show none).
    QTRY_VERIFY_WITH_TIMEOUT(
        proxy->interceptPanel()->heldText().contains(QStringLiteral("server \u2192 client")),
        10000);
    QTest::keyClick(&window, Qt::Key_F8);
    QTRY_COMPARE_WITH_TIMEOUT(countRows(client->logModel(), Kind::Text, Direction::Incoming,
                                  QStringLiteral("held on the way back")),
        1, 10000);
}

void TestProxyWindow::anInjectedMessageReachesEitherPeer()
{
    MainWindow window;
    ProxyPage *proxy = openProxy(window);
    ConnectionPage *client = connectClient(window, proxy);

    auto inject = [&](int directionIndex, const QString &text) {
        showTab(window, proxy);
        proxy->bottomTabs()->setCurrentIndex(0);
        named<QComboBox>(proxy, QStringLiteral("Inject direction"))
            ->setCurrentIndex(directionIndex);
        typeInto(proxy->injectComposer()->findChild<QPlainTextEdit *>(), text);
        window.action(QStringLiteral("injectMessage"))->trigger();
    };
    inject(1, QStringLiteral("from the proxy, as the server"));
    QTRY_COMPARE_WITH_TIMEOUT(countRows(client->logModel(), Kind::Text, Direction::Incoming,
                                  QStringLiteral("from the proxy, as the server")),
        1, 10000);
    // Into the server as if the client sent it: the echo server answers, the client never sent it.
    inject(0, QStringLiteral("as the client"));
    QTRY_COMPARE_WITH_TIMEOUT(countRows(client->logModel(), Kind::Text, Direction::Incoming,
                                  QStringLiteral("as the client")),
        1, 10000);
    QCOMPARE(countRows(client->logModel(), Kind::Text, Direction::Outgoing), 0);
    // The pair's log says what was injected, and when; the server's echo is in it as any message.
    MessageLogModel *log = proxy->presenter()->log(1);
    QTRY_VERIFY(firstRowContaining(log, Kind::Fault,
                    QStringLiteral("injected a text message of 13 bytes towards the server"))
        >= 0);
    QTRY_COMPARE(
        countRows(log, Kind::Text, Direction::Incoming, QStringLiteral("as the client")), 1);
    // Each injected message is a message row of its direction, with its payload, marked.
    QTRY_COMPARE(countMessages(log, Direction::Outgoing, QStringLiteral("as the client"),
                     TrafficEvent::Origin::Injected),
        1);
    QCOMPARE(countMessages(log, Direction::Incoming,
                 QStringLiteral("from the proxy, as the server"), TrafficEvent::Origin::Injected),
        1);
    const int row = firstRowContaining(log, Kind::Text, QStringLiteral("from the proxy"));
    QCOMPARE(log->data(log->index(row, MessageLogModel::TypeColumn)).toString(),
        QStringLiteral("text (injected)"));
    QCOMPARE(log->data(log->index(row, MessageLogModel::SizeColumn)).toString(),
        MessageLogModel::formatSize(29));
}

void TestProxyWindow::aScriptChosenInTheDialogRunsOnEachPair()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rewrite.js"));
    QVERIFY(HandMade::writeFile(path,
        "function onMessage(msg) {\n"
        "  if (msg.direction !== \"outgoing\" || !msg.data.startsWith(\"{\")) return;\n"
        "  const m = msg.json;\n"
        "  m.user = \"rewritten\";\n"
        "  log(\"rewrote\", m.id);\n"
        "  return m;\n"
        "}\n"));
    MainWindow window;
    window.resize(1400, 900);
    ProxyPage *proxy = openProxy(window, path);
    QVERIFY(proxy->scriptPanel());
    QVERIFY(proxy->scriptPanel()->editor()->toPlainText().contains(QStringLiteral("rewritten")));
    ConnectionPage *client = connectClient(window, proxy);
    sendFrom(window, client, QStringLiteral("{\"id\":7,\"user\":\"alice\"}"));
    // The echo server got the script's replacement: the client gets it back.
    QTRY_COMPARE_WITH_TIMEOUT(countRows(client->logModel(), Kind::Text, Direction::Incoming,
                                  QStringLiteral("{\"id\":7,\"user\":\"rewritten\"}")),
        1, 10000);
    showTab(window, proxy);
    MessageLogModel *log = proxy->presenter()->log(1);
    QTRY_COMPARE(
        countMessages(log, Direction::Outgoing, QStringLiteral("{\"id\":7,\"user\":\"rewritten\"}"),
            TrafficEvent::Origin::Edited),
        1);
    // The script's log() line is in the proxy tab's Script panel, with its line number.
    QListWidget *lines = proxy->scriptPanel()->problems();
    QTRY_COMPARE(lines->count(), 1);
    QCOMPARE(lines->item(0)->text(), QStringLiteral("line 5: rewrote 7"));
    screenshot(window, QStringLiteral("proxy-script.png"));
}

void TestProxyWindow::aScriptThatDoesNotCompileIsRefusedInTheDialog()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.js"));
    QVERIFY(HandMade::writeFile(path, "function onMessage(msg) {\n  return msg.data +;\n}\n"));
    MainWindow window;
    window.show();
    window.activateWindow(); // without a window manager (xvfb), nothing else activates it
    QVERIFY(QTest::qWaitForWindowActive(&window));
    const auto [problem, startEnabled] = answerNewProxy(window, [&](QWidget *dialog) {
        QTest::keyClicks(
            named<QLineEdit>(dialog, QStringLiteral("Upstream URL")), m_server.url().toString());
        QTest::keyClicks(named<QLineEdit>(dialog, QStringLiteral("Script")), path);
    });
    QVERIFY2(problem.startsWith(path + QStringLiteral(":2: SyntaxError")), qPrintable(problem));
    QVERIFY(!startEnabled);
    QVERIFY(window.proxyPages().isEmpty());
}

void TestProxyWindow::closingASideFromTheMenuSendsTheCodeAndReason()
{
    MainWindow window;
    ProxyPage *proxy = openProxy(window);
    ConnectionPage *client = connectClient(window, proxy);
    whenDialogOpens([](QWidget *dialog) {
        dialog->findChild<QSpinBox *>()->setValue(4001);
        dialog->findChild<QLineEdit *>()->setText(QStringLiteral("maintenance"));
        clickButton(dialog, QStringLiteral("Close connection"));
    });
    window.action(QStringLiteral("closeClientSide"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(client->state(), ConnectionState::Closed, 10000);
    QCOMPARE(client->presenter()->ending().code, 4001);
    QCOMPARE(client->presenter()->ending().reason, QStringLiteral("maintenance"));
    QTRY_COMPARE_WITH_TIMEOUT(
        proxy->presenter()->pairs()->status(1).state, ProxyPairState::Closed, 10000);
}

void TestProxyWindow::aPairIsRecordedBothWaysFromTheMenu()
{
    MainWindow window;
    ProxyPage *proxy = openProxy(window);
    ConnectionPage *client = connectClient(window, proxy);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pair.sockscope.jsonl"));
    whenDialogOpens([&](QWidget *dialog) { chooseFile(dialog, path); });
    window.action(QStringLiteral("recordPair"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(proxy->presenter()->recordingPath(1), path, 10000);
    QCOMPARE(proxy->recordingText(), QStringLiteral("Recording to pair.sockscope.jsonl"));
    sendFrom(window, client, QStringLiteral("on the record"));
    QTRY_COMPARE_WITH_TIMEOUT(countRows(client->logModel(), Kind::Text, Direction::Incoming,
                                  QStringLiteral("on the record")),
        1, 10000);
    showTab(window, proxy);
    window.action(QStringLiteral("recordPair"))->trigger(); // stops
    QTRY_VERIFY(proxy->presenter()->recordingPath(1).isEmpty());
    QTRY_COMPARE(proxy->recordingText(), QStringLiteral("Record"));

    // The file holds both directions, as a recording of a connection would.
    auto messages = [&path](Direction direction) {
        RecordingReader reader;
        if (!reader.read(path))
            return -1;
        int n = 0;
        for (const TrafficBatch &batch : reader.batches()) {
            for (const TrafficEvent &e : batch.events)
                n += e.kind == Kind::Text && e.direction == direction
                    && batch.text(e) == QStringLiteral("on the record");
        }
        return n;
    };
    // (Read until the pair's thread has written both: its batches may land apart.)
    QTRY_COMPARE_WITH_TIMEOUT(
        std::make_pair(messages(Direction::Outgoing), messages(Direction::Incoming)),
        std::make_pair(1, 1), 10000);
}

void TestProxyWindow::closingTheTabStopsTheProxyWithinTheBound()
{
    MainWindow window;
    ProxyPage *proxy = openProxy(window);
    ConnectionPage *client = connectClient(window, proxy);
    const QUrl url(proxy->urlText());
    QTRY_COMPARE(proxy->presenter()->pairs()->rowCount(), 1);

    QElapsedTimer timer;
    timer.start();
    QTest::keyClick(&window, Qt::Key_W, Qt::ControlModifier); // File > Close Tab
    QVERIFY2(timer.elapsed() < 3000,
        qPrintable(QStringLiteral("closing took %1 ms").arg(timer.elapsed())));
    QVERIFY(window.proxyPages().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(client->state(), ConnectionState::Closed, 5000);

    // Nothing listens there any more.
    ConnectionSettings again = quietSettings(url);
    ConnectionPage *late = window.newConnection(again, true);
    QTRY_COMPARE_WITH_TIMEOUT(late->state(), ConnectionState::Closed, 10000);
}

void TestProxyWindow::closingTheWindowStopsEveryProxyWithinTheBound()
{
    QList<QUrl> urls;
    {
        MainWindow window;
        for (int i = 0; i < 2; ++i) {
            ProxyPage *proxy = openProxy(window);
            urls << QUrl(proxy->urlText());
            connectClient(window, proxy);
            connectClient(window, proxy);
        }
        QElapsedTimer timer;
        timer.start();
        window.close();
        QVERIFY2(timer.elapsed() < 3000,
            qPrintable(QStringLiteral("closing took %1 ms").arg(timer.elapsed())));
    }
    // Nothing listens on either address any more.
    for (const QUrl &url : std::as_const(urls)) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, quint16(url.port()));
        QVERIFY(!probe.waitForConnected(2000));
    }
}

QTEST_MAIN(TestProxyWindow)
#include "tst_proxywindow.moc"
