#pragma once

#include "ConnectionSettings.h"
#include "LoopLag.h"
#include "RttSeries.h"

#include <QWidget>

class ElidingLabel;
class HeartbeatTracker;
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;
class RttChart;

// The heartbeat of one connection, live: on/off, interval, pong timeout and timeout action, and
// how the server's pings are answered, applied to the open connection as they change; a manual
// ping; the RTT chart with its statistics and the spans when pongs were overdue; and the
// thread-health readout. Changes stay in this tab unless the user makes them the default.
class HeartbeatPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HeartbeatPanel(QWidget *parent = nullptr);

    void setSettings(const HeartbeatSettings &settings); // without emitting settingsChanged
    HeartbeatSettings settings() const;
    void setPingEnabled(bool enabled);
    void setTracker(const HeartbeatTracker *tracker);

    void setThreadLag(const LoopLag &socketThread, const LoopLag &guiThread);
    void refresh(qint64 nowUs); // called by the page's UI clock

    bool isStalled() const;
    QString stallText() const;
    QString statsText() const;
    const RttSeries &series() const;
    // "Use as default for new tabs": these settings become what every new tab starts with.
    void makeDefault() const;

Q_SIGNALS:
    void settingsChanged(const HeartbeatSettings &settings);
    void pingRequested();

private:
    const HeartbeatTracker *m_tracker = nullptr;
    qint64 m_nowUs = 0;
    QCheckBox *m_enabled;
    QSpinBox *m_interval;
    QSpinBox *m_timeout;
    QComboBox *m_action;
    QComboBox *m_pong;
    QSpinBox *m_pongDelay;
    QPushButton *m_pingNow;
    QPushButton *m_makeDefault;
    ElidingLabel *m_stall;
    ElidingLabel *m_stats;
    ElidingLabel *m_health;
    RttChart *m_chart;
    QTimer *m_apply;
    bool m_updating = false;
};
