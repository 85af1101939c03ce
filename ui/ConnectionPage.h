#pragma once

#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "LoopLag.h"
#include "MessageLogModel.h"
#include "ReplayPlan.h"

#include <QWidget>

class Composer;
class ConnectionHandle;
class ConnectionManager;
class ConnectionPresenter;
class ElidingLabel;
class FilterBar;
class HeartbeatPanel;
class MessageDetailView;
class QComboBox;
class QPlainTextEdit;
class QSplitter;
class QTabWidget;
class QToolButton;
class RequestPanel;
class SavedMessages;
class ScriptPanel;
class TestsPanel;
class TrafficLogPane;
class TrafficLogView;

// Everything about one connection: URL and Connect/Cancel/Disconnect, the traffic log with its
// filter and detail pane, the composer, the heartbeat, request and handshake panels, and a status
// line. It only presents what its ConnectionPresenter derives; the connection itself runs in its
// own thread behind a ConnectionHandle.
class ConnectionPage : public QWidget
{
    Q_OBJECT
public:
    ConnectionPage(
        ConnectionManager *manager, SavedMessages *savedMessages, QWidget *parent = nullptr);
    ~ConnectionPage() override; // shuts its connection down

    void setSettings(const ConnectionSettings &settings);
    // The settings as entered; false with the reason shown when something is invalid.
    bool collectSettings(ConnectionSettings *settings, QString *error) const;

    ConnectionState state() const;
    QString title() const;
    QString urlText() const;
    void setUrlText(const QString &url);

    ConnectionPresenter *presenter() const { return m_presenter; }
    MessageLogModel *logModel() const;
    TrafficLogPane *logPane() const { return m_logPane; }
    TrafficLogView *logView() const { return m_log; }
    FilterBar *filterBar() const { return m_filter; }
    MessageDetailView *detailView() const { return m_detail; }
    Composer *composer() const { return m_composer; }
    HeartbeatPanel *heartbeatPanel() const { return m_heartbeat; }
    RequestPanel *requestPanel() const { return m_request; }
    ScriptPanel *scriptPanel() const { return m_script; }
    TestsPanel *testsPanel() const { return m_tests; }
    QTabWidget *sideTabs() const { return m_sideTabs; }
    QSplitter *splitter() const { return m_splitter; }
    ConnectionHandle *connection() const;
    QString statusText() const;
    QString stateText() const;
    QString handshakeText() const;
    QString errorText() const;
    QString recordingText() const;

public Q_SLOTS:
    bool connectNow();
    void disconnectNow(quint16 code = 1000, const QString &reason = {});
    void closeWithCode(); // asks for code and reason
    void cancelConnect();
    void toggleConnection();
    void focusFilter();
    void focusUrl();
    void clearLog(); // asks first when the log is not empty
    void setPaused(bool paused);
    void setShowWallClock(bool show);
    void setGuiLag(const LoopLag &lag);
    // Records the connection to a file, asking where when no path is given.
    void startRecording(const QString &path = {});
    void stopRecording();
    // Connects with the current settings and replays the plan once open; progress in the status
    // line.
    bool replay(const ReplayPlan &plan);
    void stopReplay();
    // The Script tab: runs the editor's script on this connection, stops it, or loads a file
    // into the editor (asking which when no path is given).
    void runScript();
    void stopScript();
    bool openScript(const QString &path = {});
    void showSidePanel(QWidget *panel);

Q_SIGNALS:
    void titleChanged(const QString &title);
    void stateChanged(ConnectionState state);
    void urlUsed(const QString &url);
    void splitterMoved(); // the user moved a splitter: the window keeps the proportions

private:
    void onStateChanged(ConnectionState state);
    void tick();
    void showError(const QString &message);
    void updateControls();
    void updateRecordButton();

    ConnectionPresenter *m_presenter;
    QComboBox *m_url;
    QToolButton *m_connectButton;
    ElidingLabel *m_stateLabel;
    ElidingLabel *m_error;
    FilterBar *m_filter;
    TrafficLogPane *m_logPane;
    TrafficLogView *m_log;
    QToolButton *m_record;
    Composer *m_composer;
    QTabWidget *m_sideTabs;
    MessageDetailView *m_detail;
    HeartbeatPanel *m_heartbeat;
    RequestPanel *m_request;
    ScriptPanel *m_script;
    TestsPanel *m_tests;
    QPlainTextEdit *m_handshake;
    ElidingLabel *m_status;
    QSplitter *m_splitter;
    QSplitter *m_leftSplitter;
    QTimer *m_clock;
    LoopLag m_guiLag;
};
