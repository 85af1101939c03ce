#pragma once

#include "ConnectionSettings.h"
#include "LoopLag.h"
#include "RttSeries.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;
class RttChart;

// The heartbeat of one connection, live: on/off, interval, pong timeout and timeout action, applied
// to the open connection as they change; a manual ping; the RTT chart with min / median / p95 /
// max; a stall indicator (pongs overdue, and for how long); and the thread-health readout that
// shows the socket thread on time even while the GUI thread is not.
class HeartbeatPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HeartbeatPanel(QWidget *parent = nullptr);

    void setSettings(const HeartbeatSettings &settings); // without emitting settingsChanged
    HeartbeatSettings settings() const;
    void setPingEnabled(bool enabled);

    // What the connection reported.
    void addPong(qint64 timeUs, qint64 rttUs);
    void addPongTimeout(qint64 timeUs, quint32 sequence);
    void setThreadLag(const LoopLag &socketThread, const LoopLag &guiThread);
    void refresh(qint64 nowUs); // called by the page's UI clock
    void resetSession();

    bool isStalled() const { return m_stalledSinceUs >= 0; }
    QString stallText() const;
    const RttSeries &series() const { return m_series; }

Q_SIGNALS:
    void settingsChanged(const HeartbeatSettings &settings);
    void pingRequested();

private:
    RttSeries m_series;
    qint64 m_stalledSinceUs = -1;
    quint32 m_stalledSequence = 0;
    qint64 m_nowUs = 0;
    QCheckBox *m_enabled;
    QSpinBox *m_interval;
    QSpinBox *m_timeout;
    QComboBox *m_action;
    QPushButton *m_pingNow;
    QLabel *m_stall;
    QLabel *m_stats;
    QLabel *m_health;
    RttChart *m_chart;
    QTimer *m_apply;
    bool m_updating = false;
};
