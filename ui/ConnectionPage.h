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
class FilterBar;
class HeartbeatPanel;
class MessageDetailView;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QSpinBox;
class QTabWidget;
class QToolButton;
class RequestPanel;
class SavedMessages;
class TrafficLogPane;
class TrafficLogView;

// Everything about one connection: URL and Connect/Cancel/Disconnect, the traffic log with its
// filter and detail pane, the composer, the heartbeat, request and handshake panels, and a status
// line. It only presents: the connection itself runs in its own thread behind a ConnectionHandle.
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

    ConnectionState state() const { return m_state; }
    QString title() const;
    QString urlText() const;
    void setUrlText(const QString &url);

    MessageLogModel *logModel() const { return m_model; }
    TrafficLogView *logView() const { return m_log; }
    FilterBar *filterBar() const { return m_filter; }
    MessageDetailView *detailView() const { return m_detail; }
    Composer *composer() const { return m_composer; }
    HeartbeatPanel *heartbeatPanel() const { return m_heartbeat; }
    RequestPanel *requestPanel() const { return m_request; }
    ConnectionHandle *connection() const { return m_connection; }
    QString statusText() const;
    QString handshakeText() const;
    QString errorText() const;

public Q_SLOTS:
    bool connectNow();
    void disconnectNow(quint16 code = 1000, const QString &reason = {});
    void closeWithCode(); // asks for code and reason
    void cancelConnect();
    void toggleConnection();
    void focusFilter();
    void clearLog();
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

Q_SIGNALS:
    void titleChanged(const QString &title);
    void stateChanged(ConnectionState state);
    void urlUsed(const QString &url);

private:
    void onEvents(const TrafficBatch &batch, const LoopLag &socketLag);
    void onStateChanged(ConnectionState state);
    void tick();
    void showError(const QString &message);
    void updateControls();
    QString requestLines(const ConnectionSettings &settings) const;

    ConnectionManager *m_manager;
    ConnectionHandle *m_connection = nullptr;
    ConnectionState m_state = ConnectionState::Idle;
    MessageLogModel *m_model;

    QComboBox *m_url;
    QToolButton *m_connectButton;
    QLabel *m_stateLabel;
    QLabel *m_error;
    FilterBar *m_filter;
    TrafficLogPane *m_logPane;
    TrafficLogView *m_log;
    QToolButton *m_record;
    QString m_recordingPath;
    QString m_replayStatus;
    bool m_replayConnected = false;
    Composer *m_composer;
    QTabWidget *m_sideTabs;
    MessageDetailView *m_detail;
    HeartbeatPanel *m_heartbeat;
    RequestPanel *m_request;
    QPlainTextEdit *m_handshake;
    QLabel *m_status;
    QTimer *m_clock;

    ConnectionSettings m_lastSettings;
    QString m_handshakeRequest;
    QString m_handshakeResponse;
    qint64 m_openedAtUs = -1;
    qint64 m_closedAtUs = -1;
    LoopLag m_socketLag;
    LoopLag m_guiLag;
    MessageLogModel::Statistics m_lastStats;
    qint64 m_lastStatsUs = 0;
    double m_rateIn = 0;
    double m_rateOut = 0;
};
