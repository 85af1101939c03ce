#include "MainWindow.h"

#include "AppSettings.h"
#include "BoundedFile.h"
#include "Composer.h"
#include "ConnectionManager.h"
#include "ConnectionPage.h"
#include "ConnectionPresenter.h"
#include "DemoServer.h"
#include "FilterBar.h"
#include "HarFormat.h"
#include "HeartbeatPanel.h"
#include "InterceptPanel.h"
#include "LoopLagProbe.h"
#include "MessageDetailView.h"
#include "ProxyDialog.h"
#include "ProxyPage.h"
#include "ProxyPresenter.h"
#include "RecordingPage.h"
#include "SavedMessages.h"
#include "ScriptPanel.h"
#include "TestsPanel.h"
#include "Theme.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"
#include "Version.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSvgRenderer>
#include <QTabBar>
#include <QTabWidget>
#include <QTextEdit>

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_tabs(new QTabWidget(this))
    , m_manager(new ConnectionManager(this))
    , m_demo(new DemoServer(this))
    , m_saved(new SavedMessages(this))
    , m_guiProbe(new LoopLagProbe(LoopLagProbe::DefaultIntervalMs, this))
{
    setWindowTitle(QStringLiteral("Sockscope"));
    setWindowIcon(applicationIcon());
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &MainWindow::closePage);
    setCentralWidget(m_tabs);
    createMenus();

    // The GUI thread's own event-loop lag, shown next to each socket thread's.
    connect(m_guiProbe, &LoopLagProbe::sampled, this, [this] {
        const LoopLag lag = m_guiProbe->peek();
        for (ConnectionPage *page : pages())
            page->setGuiLag(lag);
    });
    m_guiProbe->start();

    QSettings settings;
    // The first size fits the screen's available space at any scale factor.
    const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 800);
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(qMin(1280, available.width() * 9 / 10), qMin(800, available.height() * 9 / 10));
    if (width() > available.width() || height() > available.height())
        resize(qMin(width(), available.width()), qMin(height(), available.height()));
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_wallClock->setChecked(settings.value(QStringLiteral("view/wallClock"), false).toBool());
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateActions);
    updateActions();
}

MainWindow::~MainWindow()
{
    shutdown();
}

void MainWindow::createMenus()
{
    auto add = [this](QMenu *menu, const char *name, const QString &text, const QKeySequence &keys,
                   auto &&slot, QList<QAction *> *group = nullptr) {
        QAction *a = menu->addAction(text);
        a->setObjectName(QLatin1String(name));
        if (!keys.isEmpty())
            a->setShortcut(keys);
        connect(a, &QAction::triggered, this, slot);
        if (group)
            *group << a;
        return a;
    };
    auto page = [this] { return currentPage(); };
    auto logPane = [this] { return currentLogPane(); };
    auto proxy = [this] { return currentProxyPage(); };

    QMenu *file = menuBar()->addMenu(tr("&File"));
    add(file, "newConnection", tr("&New Connection"), QKeySequence(Qt::CTRL | Qt::Key_T),
        [this] { newConnectionTab(); });
    add(file, "newProxy", tr("New &Proxy\u2026"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N),
        [this] { newProxyDialog(); });
    add(
        file, "duplicateConnection", tr("&Duplicate Connection"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), [this] { duplicateConnection(); },
        &m_pageActions);
    add(file, "closeTab", tr("&Close Tab"), QKeySequence(Qt::CTRL | Qt::Key_W),
        [this] { closeCurrentConnection(); });
    file->addSeparator();
    add(file, "openRecording", tr("&Open Recording\u2026"), QKeySequence::Open,
        [this] { openRecordingDialog(); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->menuAction()->setObjectName(QStringLiteral("recentRecordings"));
    add(file, "importHar", tr("&Import HAR\u2026"), {}, [this] { importHarDialog(); });
    add(
        file, "exportHar", tr("&Export HAR\u2026"), {}, [this] { exportHarDialog(); },
        &m_recordingActions);
    file->addSeparator();
    QAction *quit
        = add(file, "quit", tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), [this] { close(); });
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    add(
        edit, "copyRows", tr("&Copy Payloads"), QKeySequence::Copy,
        [logPane] {
            // Editable text fields take Ctrl+C themselves (ShortcutOverride); read-only text
            // (the message detail, the handshake) does not, so it is served here.
            if (copyFocusedText())
                return;
            if (TrafficLogPane *p = logPane())
                p->view()->copySelection();
        },
        &m_logActions);
    add(
        edit, "copyRowsAsJson", tr("Copy as &JSON"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
        [logPane] {
            if (TrafficLogPane *p = logPane())
                p->view()->copyAsJson();
        },
        &m_logActions);
    add(
        edit, "savePayload", tr("&Save Payload\u2026"), QKeySequence::Save,
        [this] {
            if (ConnectionPage *p = currentPage())
                p->detailView()->savePayload();
            else if (RecordingPage *r = currentRecordingPage())
                r->detailView()->savePayload();
            else if (ProxyPage *x = currentProxyPage())
                x->detailView()->savePayload();
        },
        &m_logActions);
    add(
        edit, "formatJson", tr("&Format JSON in the Composer"), {},
        [page] {
            if (ConnectionPage *p = page())
                p->composer()->formatJson();
        },
        &m_pageActions);
    // The composer's saved messages (also behind its Saved button).
    QMenu *saved = edit->addMenu(tr("Saved &Messages"));
    saved->menuAction()->setObjectName(QStringLiteral("savedMessages"));
    m_pageActions << saved->menuAction();
    const auto onComposer = [page](auto call) {
        return [page, call] {
            if (ConnectionPage *p = page())
                call(p->composer());
        };
    };
    add(saved, "insertSaved", tr("&Insert the Saved Message"), {},
        onComposer([](Composer *c) { c->insertSaved(false); }));
    add(saved, "sendSaved", tr("&Send the Saved Message"), {},
        onComposer([](Composer *c) { c->insertSaved(true); }));
    add(saved, "saveMessage", tr("Save the &Editor's Message\u2026"), {},
        onComposer([](Composer *c) { c->saveCurrent(); }));
    add(saved, "deleteSaved", tr("&Delete the Saved Message"), {},
        onComposer([](Composer *c) { c->deleteSaved(); }));

    QMenu *connection = menuBar()->addMenu(tr("&Connection"));
    add(
        connection, "toggleConnection", tr("Connect / &Disconnect"),
        QKeySequence(Qt::CTRL | Qt::Key_D),
        [page] {
            if (ConnectionPage *p = page())
                p->toggleConnection();
        },
        &m_pageActions);
    add(
        connection, "closeWithCode", tr("Close with &Code\u2026"), {},
        [page] {
            if (ConnectionPage *p = page())
                p->closeWithCode();
        },
        &m_pageActions);
    add(
        connection, "sendMessage", tr("&Send Message"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return),
        [page] {
            if (ConnectionPage *p = page())
                p->composer()->send();
        },
        &m_pageActions);
    add(
        connection, "pingNow", tr("Ping &Now"), {},
        [page] {
            if (ConnectionPage *p = page())
                p->presenter()->pingNow();
        },
        &m_pageActions);
    add(
        connection, "record", tr("&Record\u2026"), QKeySequence(Qt::CTRL | Qt::Key_R),
        [page] {
            if (ConnectionPage *p = page()) {
                if (p->recordingText() == ConnectionPage::tr("Record"))
                    p->startRecording();
                else
                    p->stopRecording();
            }
        },
        &m_pageActions);
    add(
        connection, "useHeartbeatAsDefault",
        tr("Use the Heartbeat Settings as De&fault for New Tabs"), {},
        [page] {
            if (ConnectionPage *p = page())
                p->heartbeatPanel()->makeDefault();
        },
        &m_pageActions);
    connection->addSeparator();
    add(
        connection, "replay", tr("Re&play Recording\u2026"), {},
        [this] {
            if (RecordingPage *r = currentRecordingPage())
                r->askReplay();
        },
        &m_recordingActions);
    add(
        connection, "stopReplay", tr("St&op Replay"), {},
        [page] {
            if (ConnectionPage *p = page())
                p->stopReplay();
        },
        &m_pageActions);
    add(
        connection, "testRecording", tr("&Test Against Server\u2026"),
        QKeySequence(Qt::CTRL | Qt::Key_E),
        [this] {
            if (RecordingPage *r = currentRecordingPage())
                r->askTest();
        },
        &m_recordingActions);
    add(
        connection, "serveMock", tr("Serve as &Mock Server\u2026"), {},
        [this] {
            if (RecordingPage *r = currentRecordingPage())
                r->askServe();
        },
        &m_recordingActions);

    QMenu *script = menuBar()->addMenu(tr("&Script"));
    add(
        script, "runScript", tr("&Run / Reload Script"), QKeySequence(Qt::Key_F5),
        [page] {
            if (ConnectionPage *p = page())
                p->runScript();
        },
        &m_pageActions);
    add(
        script, "stopScript", tr("&Stop Script"), QKeySequence(Qt::SHIFT | Qt::Key_F5),
        [page] {
            if (ConnectionPage *p = page())
                p->stopScript();
        },
        &m_pageActions);
    add(
        script, "openScript", tr("&Open Script File\u2026"), {},
        [page] {
            if (ConnectionPage *p = page())
                p->openScript();
        },
        &m_pageActions);
    script->addSeparator();
    add(
        script, "showScript", tr("Show S&cript"), {},
        [page] {
            if (ConnectionPage *p = page()) {
                p->showSidePanel(p->scriptPanel());
                p->scriptPanel()->editor()->setFocus(); // ready to type
            }
        },
        &m_pageActions);
    add(
        script, "showTests", tr("Show &Tests"), {},
        [page] {
            if (ConnectionPage *p = page())
                p->showSidePanel(p->testsPanel());
        },
        &m_pageActions);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    add(
        view, "focusUrl", tr("Go to &URL"), QKeySequence(Qt::CTRL | Qt::Key_L),
        [page] {
            if (ConnectionPage *p = page())
                p->focusUrl();
        },
        &m_pageActions);
    add(
        view, "filter", tr("&Filter"), QKeySequence::Find,
        [logPane] {
            if (TrafficLogPane *p = logPane())
                p->filterBar()->focusSearch();
        },
        &m_logActions);
    QAction *pings = add(
        view, "showPings", tr("Show &Pings and Pongs"), QKeySequence(Qt::CTRL | Qt::Key_P),
        [logPane](bool on) {
            if (TrafficLogPane *p = logPane())
                p->filterBar()->setShowHeartbeat(on);
        },
        &m_logActions);
    pings->setCheckable(true);
    // Pause, Follow and Clear apply to a live log: a connection's, or a proxied pair's.
    auto liveLog = [this] { return currentRecordingPage() ? nullptr : currentLogPane(); };
    add(
        view, "pauseLog", tr("P&ause Log"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
        [liveLog] {
            if (TrafficLogPane *p = liveLog())
                p->setPaused(!p->view()->logModel()->isPaused());
        },
        &m_liveLogActions);
    add(
        view, "followNewest", tr("F&ollow Newest"), {},
        [liveLog] {
            if (TrafficLogPane *p = liveLog()) {
                p->view()->clearSelection();
                p->view()->setFollowingTail(true);
            }
        },
        &m_liveLogActions);
    add(
        view, "clearLog", tr("C&lear Log\u2026"), QKeySequence(Qt::CTRL | Qt::Key_K),
        [liveLog] {
            if (TrafficLogPane *p = liveLog())
                p->requestClear();
        },
        &m_liveLogActions);
    QMenu *panels = view->addMenu(tr("S&ide Panel"));
    const char *panelNames[] = {"panelMessage", "panelHeartbeat", "panelRequest", "panelHandshake",
        "panelScript", "panelTests"};
    const QString panelTitles[] = {tr("&Message"), tr("&Heartbeat"), tr("&Request"),
        tr("Hand&shake"), tr("S&cript"), tr("&Tests")};
    for (int i = 0; i < 6; ++i) {
        add(
            panels, panelNames[i], panelTitles[i], QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)),
            [page, i] {
                if (ConnectionPage *p = page())
                    p->sideTabs()->setCurrentIndex(i);
            },
            &m_pageActions);
    }
    m_wallClock = view->addAction(tr("Show &Wall-Clock Time"));
    m_wallClock->setObjectName(QStringLiteral("wallClock"));
    m_wallClock->setCheckable(true);
    connect(m_wallClock, &QAction::toggled, this, [this](bool on) {
        for (ConnectionPage *page : pages())
            page->setShowWallClock(on);
        for (ProxyPage *page : proxyPages())
            page->setShowWallClock(on);
        QSettings().setValue(QStringLiteral("view/wallClock"), on);
    });
    QMenu *theme = view->addMenu(tr("&Theme"));
    theme->menuAction()->setObjectName(QStringLiteral("theme"));
    auto *themes = new QActionGroup(this);
    const int savedTheme = qBound(0, QSettings().value(QStringLiteral("view/theme"), 0).toInt(), 2);
    for (const auto &[mode, text] : {std::pair {Theme::Mode::System, tr("&System")},
             std::pair {Theme::Mode::Light, tr("&Light")},
             std::pair {Theme::Mode::Dark, tr("&Dark")}}) {
        QAction *a = theme->addAction(text);
        a->setObjectName(QStringLiteral("theme") + Theme::modeName(mode));
        a->setCheckable(true);
        a->setChecked(int(mode) == savedTheme);
        themes->addAction(a);
        const int m = int(mode);
        connect(a, &QAction::triggered, this, [this, m] { setTheme(m); });
    }
    if (savedTheme != int(Theme::Mode::System))
        Theme::apply(Theme::Mode(savedTheme));

    QMenu *proxyMenu = menuBar()->addMenu(tr("&Proxy"));
    // Each item acts on the selected pair, or on every pair with All Pairs on.
    auto onProxy = [this, proxyMenu, add, proxy](const char *name, const QString &text,
                       const QKeySequence &keys, const std::function<void(ProxyPage *)> &call) {
        return add(
            proxyMenu, name, text, keys,
            [proxy, call] {
                if (ProxyPage *p = proxy())
                    call(p);
            },
            &m_proxyActions);
    };
    onProxy("copyProxyUrl", tr("&Copy Listening URL"), {}, [](ProxyPage *p) { p->copyUrl(); });
    QAction *allPairs = add(
        proxyMenu, "proxyAllPairs", tr("Apply to &All Pairs"), {},
        [proxy](bool on) {
            if (ProxyPage *p = proxy())
                p->setAllPairs(on);
        },
        &m_proxyActions);
    allPairs->setCheckable(true);
    proxyMenu->addSeparator();
    onProxy("proxyFaults", tr("&Faults"), {}, [](ProxyPage *p) { p->showFaults(); });
    onProxy("stallClient", tr("&Stall Client \u2192 Server\u2026"), {},
        [](ProxyPage *p) { p->askStall(ProxySide::Client); });
    onProxy("stallServer", tr("Stall Server \u2192 C&lient\u2026"), {},
        [](ProxyPage *p) { p->askStall(ProxySide::Server); });
    onProxy("cutNow", tr("C&ut Both Connections Now"), {}, [](ProxyPage *p) { p->cutNow(); });
    onProxy("cutInNextMessage", tr("Cut in the &Next Message Over\u2026"), {},
        [](ProxyPage *p) { p->askCutInNextMessage(); });
    onProxy("closeClientSide", tr("Close the Cli&ent Side\u2026"), {},
        [](ProxyPage *p) { p->askCloseSide(ProxySide::Client); });
    onProxy("closeServerSide", tr("Close the Ser&ver Side\u2026"), {},
        [](ProxyPage *p) { p->askCloseSide(ProxySide::Server); });
    proxyMenu->addSeparator();
    for (const auto &[name, text, side] :
        {std::tuple {"interceptClient", tr("&Intercept Client \u2192 Server"), ProxySide::Client},
            std::tuple {
                "interceptServer", tr("Interce&pt Server \u2192 Client"), ProxySide::Server}}) {
        QAction *a = add(
            proxyMenu, name, text, {},
            [proxy, side = side](bool on) {
                if (ProxyPage *p = proxy())
                    p->setIntercept(side, on);
            },
            &m_proxyActions);
        a->setCheckable(true);
    }
    onProxy("forwardHeld", tr("F&orward Held Message"), QKeySequence(Qt::Key_F8),
        [](ProxyPage *p) { p->forwardHeld(); });
    onProxy("forwardEdited", tr("Forward Edi&ted Message"), QKeySequence(Qt::CTRL | Qt::Key_F8),
        [](ProxyPage *p) { p->forwardEdited(); });
    onProxy("dropHeld", tr("&Drop Held Message"), QKeySequence(Qt::SHIFT | Qt::Key_F8),
        [](ProxyPage *p) { p->dropHeld(); });
    onProxy("injectMessage", tr("In&ject Message"), {}, [](ProxyPage *p) { p->injectMessage(); });
    proxyMenu->addSeparator();
    onProxy("recordPair", tr("&Record Pair\u2026 / Stop Recording"), {},
        [](ProxyPage *p) { p->toggleRecording(); });
    onProxy(
        "clearEndedPairs", tr("For&get Ended Pairs"), {}, [](ProxyPage *p) { p->clearEnded(); });

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    add(tools, "demo", tr("Open &Demo Server Connections"), {}, [this] { startDemo(); });
    add(tools, "demoEndpoint", tr("Connect to a Demo &Endpoint\u2026"), {}, [this] {
        QString error;
        if (!m_demo->start(&error)) {
            QMessageBox::warning(this, tr("Demo server"), error);
            return;
        }
        bool ok = false;
        const QString endpoint = QInputDialog::getItem(this, tr("Demo server"),
            tr("The demo server listens on %1. Endpoint:").arg(m_demo->url(QString()).toString()),
            DemoServer::endpoints(), 0, true, &ok);
        if (!ok)
            return;
        openUrl(m_demo
                    ->url(endpoint.startsWith(QLatin1Char('/')) ? endpoint
                                                                : QLatin1Char('/') + endpoint)
                    .toString());
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    add(help, "about", tr("&About Sockscope"), {}, [this] { showAbout(); });
    add(help, "aboutQt", tr("About &Qt"), {}, [] { QApplication::aboutQt(); });
    for (QMenu *menu : menuBar()->findChildren<QMenu *>())
        connect(menu, &QMenu::aboutToShow, this, &MainWindow::updateActions);
    updateRecentRecordings();
}

QAction *MainWindow::action(const QString &name) const
{
    for (QAction *a : menuActions()) {
        if (a->objectName() == name)
            return a;
    }
    return nullptr;
}

QList<QAction *> MainWindow::menuActions() const
{
    QList<QAction *> result;
    std::function<void(const QList<QAction *> &)> walk = [&](const QList<QAction *> &actions) {
        for (QAction *a : actions) {
            if (a->isSeparator())
                continue;
            result << a;
            if (a->menu())
                walk(a->menu()->actions());
        }
    };
    walk(menuBar()->actions());
    return result;
}

void MainWindow::updateActions()
{
    const bool isPage = currentPage() != nullptr;
    const bool isRecording = currentRecordingPage() != nullptr;
    for (QAction *a : std::as_const(m_pageActions))
        a->setEnabled(isPage);
    for (QAction *a : std::as_const(m_recordingActions))
        a->setEnabled(isRecording && currentRecordingPage()->isLoaded());
    const TrafficLogPane *pane = currentLogPane();
    for (QAction *a : std::as_const(m_logActions))
        a->setEnabled(pane != nullptr);
    for (QAction *a : std::as_const(m_liveLogActions))
        a->setEnabled(pane && !isRecording);
    if (QAction *pings = action(QStringLiteral("showPings")))
        pings->setChecked(pane && pane->filterBar()->showsHeartbeat());
    ProxyPage *proxy = currentProxyPage();
    for (QAction *a : std::as_const(m_proxyActions))
        a->setEnabled(proxy != nullptr);
    if (proxy) {
        action(QStringLiteral("proxyAllPairs"))->setChecked(proxy->isAllPairsOn());
        action(QStringLiteral("interceptClient"))
            ->setChecked(proxy->interceptPanel()->isIntercepting(ProxySide::Client));
        action(QStringLiteral("interceptServer"))
            ->setChecked(proxy->interceptPanel()->isIntercepting(ProxySide::Server));
        const bool held = proxy->interceptPanel()->hasMessage();
        for (const char *name : {"forwardHeld", "forwardEdited", "dropHeld"})
            action(QLatin1String(name))->setEnabled(held);
        action(QStringLiteral("recordPair"))->setEnabled(proxy->selectedPair() != 0);
    }
    if (QAction *closeWithCode = action(QStringLiteral("closeWithCode")))
        closeWithCode->setEnabled(isPage && currentPage()->state() == ConnectionState::Open);
    if (QAction *send = action(QStringLiteral("sendMessage")))
        send->setEnabled(isPage && currentPage()->state() == ConnectionState::Open);
    if (QAction *ping = action(QStringLiteral("pingNow")))
        ping->setEnabled(isPage && currentPage()->state() == ConnectionState::Open);
    if (QAction *stop = action(QStringLiteral("stopReplay")))
        stop->setEnabled(isPage && currentPage()->presenter()->isReplaying());
    const bool chosen = isPage && currentPage()->composer()->hasSavedChoice();
    for (const char *name : {"insertSaved", "deleteSaved"})
        action(QLatin1String(name))->setEnabled(chosen);
    action(QStringLiteral("sendSaved"))
        ->setEnabled(chosen && currentPage()->state() == ConnectionState::Open);
    action(QStringLiteral("saveMessage"))->setEnabled(isPage);
}

void MainWindow::updateRecentRecordings()
{
    m_recentMenu->clear();
    const QStringList paths = AppSettings::recentRecordings();
    for (const QString &path : paths) {
        QAction *a = m_recentMenu->addAction(QFileInfo(path).fileName());
        a->setToolTip(path);
        a->setData(path);
        connect(a, &QAction::triggered, this, [this, path] { openRecording(path); });
    }
    m_recentMenu->setEnabled(!paths.isEmpty());
}

void MainWindow::setTheme(int mode)
{
    Theme::apply(Theme::Mode(mode));
    QSettings().setValue(QStringLiteral("view/theme"), mode);
    for (QAction *a : menuActions()) {
        if (a->objectName() == QStringLiteral("theme") + Theme::modeName(Theme::Mode(mode)))
            a->setChecked(true);
    }
}

void MainWindow::saveSplitters(ConnectionPage *page)
{
    QSettings settings;
    settings.setValue(QStringLiteral("layout/pageSplitter"), page->splitter()->saveState());
    settings.setValue(QStringLiteral("layout/logSplitter"),
        static_cast<QSplitter *>(page->splitter()->widget(0))->saveState());
}

void MainWindow::restoreSplitters(ConnectionPage *page)
{
    QSettings settings;
    page->splitter()->restoreState(
        settings.value(QStringLiteral("layout/pageSplitter")).toByteArray());
    static_cast<QSplitter *>(page->splitter()->widget(0))
        ->restoreState(settings.value(QStringLiteral("layout/logSplitter")).toByteArray());
}

ConnectionPage *MainWindow::openUrl(const QString &url, bool connectNow)
{
    ConnectionSettings settings = AppSettings::newConnectionDefaults();
    QString error;
    settings.url = ConnectionSettings::parseUrl(url, &error);
    ConnectionPage *page = newConnection(settings, false);
    page->setUrlText(url);
    if (connectNow)
        page->connectNow(); // an invalid URL shows its error on the page
    return page;
}

ConnectionPage *MainWindow::newConnection(const ConnectionSettings &settings, bool connectNow)
{
    auto *page = new ConnectionPage(m_manager, m_saved, m_tabs);
    if (!settings.url.isEmpty())
        page->setSettings(settings);
    page->setShowWallClock(m_wallClock->isChecked());
    restoreSplitters(page);
    connect(page, &ConnectionPage::splitterMoved, this, [this, page] { saveSplitters(page); });
    connect(page, &ConnectionPage::titleChanged, this, [this, page] { updateTab(page); });
    connect(page, &ConnectionPage::stateChanged, this, [this, page] {
        updateTab(page);
        updateActions();
    });
    const int index = m_tabs->addTab(page, page->title());
    m_tabs->setCurrentIndex(index);
    updateTab(page);
    if (connectNow)
        page->connectNow();
    return page;
}

void MainWindow::updateTab(ConnectionPage *page)
{
    const int index = m_tabs->indexOf(page);
    if (index < 0)
        return;
    static const char *marks[] = {"\u25cb", "\u25d4", "\u25cf", "\u25d4", "\u25d4", "\u25cb"};
    m_tabs->setTabText(index,
        QStringLiteral("%1 %2").arg(QString::fromUtf8(marks[int(page->state())]), page->title()));
    m_tabs->setTabToolTip(index, QStringLiteral("%1 (%2)").arg(page->urlText(), page->stateText()));
}

QList<ConnectionPage *> MainWindow::pages() const
{
    QList<ConnectionPage *> result;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *page = qobject_cast<ConnectionPage *>(m_tabs->widget(i)))
            result << page;
    }
    return result;
}

QList<RecordingPage *> MainWindow::recordingPages() const
{
    QList<RecordingPage *> result;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *page = qobject_cast<RecordingPage *>(m_tabs->widget(i)))
            result << page;
    }
    return result;
}

int MainWindow::addTab(QWidget *page, const QString &title)
{
    const int index = m_tabs->addTab(page, title);
    m_tabs->setCurrentIndex(index);
    return index;
}

RecordingPage *MainWindow::openRecording(const QString &path)
{
    auto *page = new RecordingPage(m_tabs);
    connect(page, &RecordingPage::titleChanged, this,
        [this, page](const QString &title) { m_tabs->setTabText(m_tabs->indexOf(page), title); });
    connect(page, &RecordingPage::loaded, this, &MainWindow::updateActions);
    connect(page, &RecordingPage::replayRequested, this,
        [this](const ConnectionSettings &settings, const ReplayPlan &plan) {
            ConnectionSettings s = settings;
            s.heartbeat = AppSettings::heartbeatDefaults(); // as for every new tab
            newConnection(s, false)->replay(plan);
        });
    addTab(page, QFileInfo(path).fileName());
    if (!path.isEmpty()) {
        page->load(path);
        AppSettings::addRecentRecording(QFileInfo(path).absoluteFilePath());
        updateRecentRecordings();
    }
    return page;
}

bool MainWindow::importHar(const QString &path, QString *error)
{
    QByteArray json;
    QString problem;
    HarFormat::ImportResult har;
    if (BoundedFile::read(path, HarFormat::MaxFileBytes, tr("the HAR file"), &json, &problem))
        har = HarFormat::import(json);
    if (problem.isEmpty() && !har.error.isEmpty())
        problem = tr("%1 is %2").arg(path, har.error);
    if (problem.isEmpty() && har.sessions.isEmpty())
        problem = tr("%1 holds no WebSocket session (%2 other entries)")
                      .arg(path)
                      .arg(har.skippedEntries);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    for (int i = 0; i < har.sessions.size(); ++i) {
        RecordingPage *page = openRecording(QString());
        const QString name = har.sessions.size() > 1
            ? QStringLiteral("%1 (%2)").arg(QFileInfo(path).fileName()).arg(i + 1)
            : QFileInfo(path).fileName();
        page->showSession(name, har.sessions.at(i).header, {har.sessions.at(i).events});
    }
    if (har.skippedEntries > 0)
        statusBar()->showMessage(tr("%1: %2 entries that are not WebSocket sessions were skipped")
                                     .arg(path)
                                     .arg(har.skippedEntries));
    return true;
}

void MainWindow::openRecordingDialog()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open recording"), {}, tr("Sockscope recordings (*.jsonl);;All files (*)"));
    for (const QString &path : paths)
        openRecording(path);
}

void MainWindow::importHarDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import HAR"), {}, tr("HAR files (*.har);;All files (*)"));
    QString error;
    if (!path.isEmpty() && !importHar(path, &error))
        QMessageBox::warning(this, tr("Import HAR"), error);
}

void MainWindow::exportHarDialog()
{
    if (RecordingPage *page = currentRecordingPage())
        page->askExportHar();
}

QList<ProxyPage *> MainWindow::proxyPages() const
{
    QList<ProxyPage *> result;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *page = qobject_cast<ProxyPage *>(m_tabs->widget(i)))
            result << page;
    }
    return result;
}

ProxyPage *MainWindow::currentProxyPage() const
{
    return qobject_cast<ProxyPage *>(m_tabs->currentWidget());
}

TrafficLogPane *MainWindow::currentLogPane() const
{
    if (ConnectionPage *p = currentPage())
        return p->logPane();
    if (RecordingPage *r = currentRecordingPage())
        return r->logPane();
    if (ProxyPage *x = currentProxyPage())
        return x->currentLogPane();
    return nullptr;
}

ProxyPage *MainWindow::newProxy(const ProxyServer::Settings &settings, QString *error)
{
    auto *page = new ProxyPage(m_saved, m_tabs);
    if (!page->listen(settings, error)) {
        delete page;
        return nullptr;
    }
    page->setShowWallClock(m_wallClock->isChecked());
    connect(page, &ProxyPage::titleChanged, this, [this, page](const QString &title) {
        const int index = m_tabs->indexOf(page);
        if (index >= 0) {
            m_tabs->setTabText(index, QStringLiteral("\u21c4 %1").arg(title));
            m_tabs->setTabToolTip(index, page->statusText());
        }
    });
    connect(page, &ProxyPage::scopeChanged, this, &MainWindow::updateActions);
    connect(page->presenter(), &ProxyPresenter::heldChanged, this, &MainWindow::updateActions);
    addTab(page, QStringLiteral("\u21c4 %1").arg(page->title()));
    updateActions();
    return page;
}

void MainWindow::newProxyDialog()
{
    ProxyDialog dialog(this);
    while (dialog.exec() == QDialog::Accepted) {
        ProxyServer::Settings settings;
        QString error;
        if (dialog.collect(&settings, &error) && newProxy(settings, &error))
            return;
        // Cannot listen (the port is taken, ...): say so and let the settings be changed.
        QMessageBox::warning(this, tr("New proxy"), error);
    }
}

RecordingPage *MainWindow::currentRecordingPage() const
{
    return qobject_cast<RecordingPage *>(m_tabs->currentWidget());
}

ConnectionPage *MainWindow::currentPage() const
{
    return qobject_cast<ConnectionPage *>(m_tabs->currentWidget());
}

void MainWindow::newConnectionTab()
{
    newConnection()->setFocus();
}

void MainWindow::duplicateConnection()
{
    ConnectionPage *page = currentPage();
    if (!page)
        return;
    ConnectionSettings settings;
    QString error;
    if (!page->collectSettings(&settings, &error)) {
        settings = AppSettings::newConnectionDefaults();
        settings.url = QUrl(page->urlText());
    }
    newConnection(settings, false);
}

void MainWindow::closeCurrentConnection()
{
    closePage(m_tabs->currentIndex());
}

void MainWindow::closePage(int index)
{
    QWidget *page = m_tabs->widget(index);
    if (!page)
        return;
    m_tabs->removeTab(index);
    delete page; // shuts its connection down
}

bool MainWindow::startDemo()
{
    QString error;
    if (!m_demo->start(&error)) {
        QMessageBox::warning(this, tr("Demo server"), error);
        return false;
    }
    ConnectionSettings ticker = AppSettings::newConnectionDefaults();
    ticker.url = m_demo->url(QStringLiteral("/ticker?rate=5"));
    ConnectionPage *tickerPage = newConnection(ticker, true);
    ConnectionSettings echo = AppSettings::newConnectionDefaults();
    echo.url = m_demo->url(QStringLiteral("/echo"));
    newConnection(echo, true);
    m_tabs->setCurrentWidget(tickerPage);
    statusBar()->showMessage(tr("Demo server on %1: %2")
                                 .arg(m_demo->url(QString()).toString(),
                                     DemoServer::endpoints().join(QStringLiteral("  "))));
    return true;
}

bool MainWindow::copyFocusedText()
{
    QWidget *focus = QApplication::focusWidget();
    if (auto *plain = qobject_cast<QPlainTextEdit *>(focus)) {
        plain->copy();
        return true;
    }
    if (auto *rich = qobject_cast<QTextEdit *>(focus)) {
        rich->copy();
        return true;
    }
    if (auto *line = qobject_cast<QLineEdit *>(focus)) {
        line->copy();
        return true;
    }
    return false;
}

QIcon MainWindow::applicationIcon()
{
    // Rendered here rather than loaded by QIcon: that would need Qt's SVG image plugin at run time.
    QSvgRenderer svg(QStringLiteral(":/icons/sockscope.svg"));
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

QString MainWindow::aboutText()
{
    return tr("<h3>Sockscope %1</h3>"
              "<p>A desktop WebSocket inspector.</p>"
              "<p>Built with Qt %2, running on Qt %3.</p>"
              "<p>Sockscope is free software: you can redistribute it and/or modify it under the "
              "terms of the "
              "GNU General Public License as published by the Free Software Foundation, either "
              "version 3 of "
              "the License, or (at your option) any later version (GPL-3.0-or-later).</p>"
              "<p><a href=\"%4\">%4</a></p>")
        .arg(QLatin1String(SOCKSCOPE_VERSION), QLatin1String(QT_VERSION_STR),
            QLatin1String(qVersion()), QLatin1String(SOCKSCOPE_HOMEPAGE));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Sockscope"), aboutText());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    shutdown();
    event->accept();
}

void MainWindow::shutdown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    m_guiProbe->stop();
    // All connections at once, while the GUI loop is still alive; then the demo server.
    m_manager->shutdownAll();
    for (ProxyPage *page : proxyPages())
        page->presenter()->stop();
    m_demo->stop();
}
