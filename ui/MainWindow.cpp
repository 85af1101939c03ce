#include "MainWindow.h"

#include "ConnectionManager.h"
#include "ConnectionPage.h"
#include "DemoServer.h"
#include "HarFormat.h"
#include "LoopLagProbe.h"
#include "RecordingPage.h"
#include "SavedMessages.h"
#include "Version.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QSettings>
#include <QStatusBar>
#include <QSvgRenderer>
#include <QTabBar>
#include <QTabWidget>

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
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_wallClock->setChecked(settings.value(QStringLiteral("view/wallClock"), false).toBool());
}

MainWindow::~MainWindow()
{
    shutdown();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Connection"), QKeySequence(Qt::CTRL | Qt::Key_T), this,
        &MainWindow::newConnectionTab);
    file->addAction(tr("&Duplicate Connection"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T),
        this, &MainWindow::duplicateConnection);
    file->addAction(tr("&Close Connection"), QKeySequence(Qt::CTRL | Qt::Key_W), this,
        &MainWindow::closeCurrentConnection);
    file->addSeparator();
    QAction *quit
        = file->addAction(tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *connection = menuBar()->addMenu(tr("&Connection"));
    connection->addAction(
        tr("Connect / &Disconnect"), QKeySequence(Qt::CTRL | Qt::Key_D), this, [this] {
            if (ConnectionPage *page = currentPage())
                page->toggleConnection();
        });
    connection->addAction(tr("Close with &Code\u2026"), this, [this] {
        if (ConnectionPage *page = currentPage())
            page->closeWithCode();
    });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Filter"), QKeySequence::Find, this, [this] {
        if (ConnectionPage *page = currentPage())
            page->focusFilter();
    });
    view->addAction(tr("C&lear Log"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        if (ConnectionPage *page = currentPage())
            page->clearLog();
    });
    m_wallClock = view->addAction(tr("Show &Wall-Clock Time"));
    m_wallClock->setCheckable(true);
    connect(m_wallClock, &QAction::toggled, this, [this](bool on) {
        for (ConnectionPage *page : pages())
            page->setShowWallClock(on);
        QSettings().setValue(QStringLiteral("view/wallClock"), on);
    });

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(tr("Open &Demo Server Connections"), this, &MainWindow::startDemo);
    tools->addAction(tr("Connect to a Demo &Endpoint\u2026"), this, [this] {
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
        ConnectionSettings settings;
        settings.url = m_demo->url(
            endpoint.startsWith(QLatin1Char('/')) ? endpoint : QLatin1Char('/') + endpoint);
        newConnection(settings, true);
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Sockscope"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

ConnectionPage *MainWindow::newConnection(const ConnectionSettings &settings, bool connectNow)
{
    auto *page = new ConnectionPage(m_manager, m_saved, m_tabs);
    if (!settings.url.isEmpty())
        page->setSettings(settings);
    page->setShowWallClock(m_wallClock->isChecked());
    connect(page, &ConnectionPage::titleChanged, this, [this, page] { updateTab(page); });
    connect(page, &ConnectionPage::stateChanged, this, [this, page] { updateTab(page); });
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
    m_tabs->setTabToolTip(
        index, QStringLiteral("%1 (%2)").arg(page->urlText(), connectionStateName(page->state())));
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
    connect(page, &RecordingPage::replayRequested, this,
        [this](const ConnectionSettings &settings, const ReplayPlan &plan) {
            ConnectionSettings s = settings;
            s.heartbeat = ConnectionSettings().heartbeat;
            newConnection(s, false)->replay(plan);
        });
    addTab(page, QFileInfo(path).fileName());
    if (!path.isEmpty())
        page->load(path);
    return page;
}

bool MainWindow::importHar(const QString &path, QString *error)
{
    QFile file(path);
    QString problem;
    HarFormat::ImportResult har;
    if (!file.open(QIODevice::ReadOnly))
        problem = tr("%1: %2").arg(path, file.errorString());
    else
        har = HarFormat::import(file.readAll());
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
        settings = ConnectionSettings();
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
    ConnectionSettings ticker;
    ticker.url = m_demo->url(QStringLiteral("/ticker?rate=5"));
    ticker.heartbeat.intervalMs = 1000;
    ticker.heartbeat.timeoutMs = 3000;
    ConnectionPage *tickerPage = newConnection(ticker, true);
    ConnectionSettings echo;
    echo.url = m_demo->url(QStringLiteral("/echo"));
    echo.heartbeat.intervalMs = 1000;
    echo.heartbeat.timeoutMs = 3000;
    newConnection(echo, true);
    m_tabs->setCurrentWidget(tickerPage);
    statusBar()->showMessage(tr("Demo server on %1: %2")
                                 .arg(m_demo->url(QString()).toString(),
                                     DemoServer::endpoints().join(QStringLiteral("  "))));
    return true;
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
    m_demo->stop();
}
