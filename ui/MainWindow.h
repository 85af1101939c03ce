#pragma once

#include "ConnectionSettings.h"
#include "ProxyServer.h"

#include <QMainWindow>

class ConnectionManager;
class ConnectionPage;
class DemoServer;
class LoopLagProbe;
class ProxyPage;
class QAction;
class QMenu;
class QTabWidget;
class RecordingPage;
class SavedMessages;
class TrafficLogPane;

// The inspector window: one tab per connection, each independent. Closing the window shuts every
// connection down (in parallel, bounded) before the process exits.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    ConnectionPage *newConnection(const ConnectionSettings &settings = {}, bool connectNow = false);
    // A new tab for a URL given on the command line or typed elsewhere: the saved defaults apply
    // exactly as for a tab opened with Ctrl+T; the URL's problem, if any, shows on the page.
    ConnectionPage *openUrl(const QString &url, bool connectNow = true);
    // Every action of the menu bar, by object name (for tests and the README's promises).
    QAction *action(const QString &name) const;
    QList<QAction *> menuActions() const;
    // Starts the built-in demo server and opens a connection to /ticker and one to /echo.
    bool startDemo();
    DemoServer *demoServer() const { return m_demo; }
    ConnectionManager *connectionManager() const { return m_manager; }
    QList<ConnectionPage *> pages() const;
    ConnectionPage *currentPage() const;
    QList<RecordingPage *> recordingPages() const;
    QList<ProxyPage *> proxyPages() const;
    ProxyPage *currentProxyPage() const;
    // A proxy in a new tab; nullptr (with the reason) when it cannot listen.
    ProxyPage *newProxy(const ProxyServer::Settings &settings, QString *error = nullptr);
    // Opens a recording read-only in a new tab; it is read in a thread of its own.
    RecordingPage *openRecording(const QString &path);
    // Each WebSocket session of a HAR file in a tab of its own; false (with a message) on failure.
    bool importHar(const QString &path, QString *error = nullptr);
    // What the About dialog says: version, Qt version, licence and the project link.
    static QString aboutText();
    // The application icon, from the SVG compiled into the resources, at the usual sizes.
    static QIcon applicationIcon();

public Q_SLOTS:
    void newConnectionTab();
    void newProxyDialog(); // File > New Proxy: asks for the settings, then opens the tab
    void duplicateConnection();
    void closeCurrentConnection();
    void showAbout();
    void openRecordingDialog();
    void importHarDialog();
    void exportHarDialog();
    void setTheme(int mode); // Theme::Mode

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void updateActions();
    void updateRecentRecordings();
    void saveSplitters(ConnectionPage *page);
    void restoreSplitters(ConnectionPage *page);
    RecordingPage *currentRecordingPage() const;
    TrafficLogPane *currentLogPane() const; // of a connection, a recording or a proxy's pair
    void closePage(int index);
    void updateTab(ConnectionPage *page);
    int addTab(QWidget *page, const QString &title);
    void shutdown();
    // Ctrl+C in a text widget that does not claim it (read-only text): copies its selection.
    static bool copyFocusedText();

    QTabWidget *m_tabs;
    ConnectionManager *m_manager;
    DemoServer *m_demo;
    SavedMessages *m_saved;
    LoopLagProbe *m_guiProbe;
    QAction *m_wallClock = nullptr;
    QMenu *m_recentMenu = nullptr;
    QList<QAction *> m_pageActions; // need a connection tab
    QList<QAction *> m_recordingActions; // need a recording tab
    QList<QAction *> m_logActions; // need a tab with a log
    QList<QAction *> m_liveLogActions; // need a connection's or a proxied pair's log
    QList<QAction *> m_proxyActions; // need a proxy tab
    bool m_shutDown = false;
};
