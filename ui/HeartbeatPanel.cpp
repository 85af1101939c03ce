#include "HeartbeatPanel.h"

#include "AppSettings.h"
#include "ElidingLabel.h"
#include "HeartbeatTracker.h"
#include "RttChart.h"
#include "Theme.h"
#include "Units.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

HeartbeatPanel::HeartbeatPanel(QWidget *parent)
    : QWidget(parent)
    , m_enabled(new QCheckBox(tr("Send pings"), this))
    , m_interval(new QSpinBox(this))
    , m_timeout(new QSpinBox(this))
    , m_action(new QComboBox(this))
    , m_pong(new QComboBox(this))
    , m_pongDelay(new QSpinBox(this))
    , m_pingNow(new QPushButton(tr("Ping now"), this))
    , m_makeDefault(new QPushButton(tr("Use as default for new tabs"), this))
    , m_stall(new ElidingLabel(this))
    , m_stats(new ElidingLabel(this))
    , m_health(new ElidingLabel(this))
    , m_chart(new RttChart(this))
    , m_apply(new QTimer(this))
{
    m_enabled->setToolTip(tr("Ping the server regularly and time its pongs"));
    m_interval->setRange(HeartbeatSettings::MinimumIntervalMs, 3600 * 1000);
    m_interval->setSuffix(tr(" ms"));
    m_interval->setSingleStep(50);
    m_interval->setAccessibleName(tr("Ping interval"));
    m_interval->setToolTip(tr("Time between our pings"));
    m_timeout->setRange(HeartbeatSettings::MinimumIntervalMs, 3600 * 1000);
    m_timeout->setSuffix(tr(" ms"));
    m_timeout->setSingleStep(100);
    m_timeout->setAccessibleName(tr("Pong timeout"));
    m_timeout->setToolTip(tr("How long a pong may take before it counts as missed"));
    m_action->addItems({tr("Report it"), tr("Close with 1011"), tr("Reconnect")});
    m_action->setToolTip(tr("What to do when a pong is overdue"));
    m_pong->addItems({tr("automatically"), tr("never"), tr("after a delay")});
    m_pong->setAccessibleName(tr("Answer server pings"));
    m_pong->setToolTip(tr("How the server's pings are answered: at once, never (to watch the "
                          "server's own keepalive fire), or held back"));
    m_pongDelay->setRange(0, 600 * 1000);
    m_pongDelay->setSuffix(tr(" ms"));
    m_pongDelay->setSingleStep(100);
    m_pongDelay->setAccessibleName(tr("Pong delay"));
    m_pongDelay->setToolTip(tr("How long to hold back our answer to a server ping"));
    m_pingNow->setToolTip(tr("Send one ping now"));
    m_makeDefault->setToolTip(tr("New tabs start with these heartbeat settings; "
                                 "changes here otherwise stay in this tab"));
    m_stall->setTextRole(int(Theme::Role::Muted));
    m_stats->setTextRole(int(Theme::Role::Muted));
    m_health->setTextRole(int(Theme::Role::Muted));

    // Changes apply live, a moment after the user stops typing.
    m_apply->setSingleShot(true);
    m_apply->setInterval(300);
    connect(m_apply, &QTimer::timeout, this, [this] { Q_EMIT settingsChanged(settings()); });
    auto changed = [this] {
        m_pongDelay->setEnabled(
            m_pong->currentIndex() == int(HeartbeatSettings::PongPolicy::Delay));
        if (!m_updating)
            m_apply->start();
    };
    connect(m_enabled, &QCheckBox::toggled, this, changed);
    connect(m_interval, &QSpinBox::valueChanged, this, changed);
    connect(m_timeout, &QSpinBox::valueChanged, this, changed);
    connect(m_action, &QComboBox::currentIndexChanged, this, changed);
    connect(m_pong, &QComboBox::currentIndexChanged, this, changed);
    connect(m_pongDelay, &QSpinBox::valueChanged, this, changed);
    connect(m_pingNow, &QPushButton::clicked, this, &HeartbeatPanel::pingRequested);
    connect(m_makeDefault, &QPushButton::clicked, this, &HeartbeatPanel::makeDefault);

    auto *form = new QFormLayout;
    auto *top = new QHBoxLayout;
    top->addWidget(m_enabled);
    top->addStretch(1);
    top->addWidget(m_pingNow);
    form->addRow(top);
    form->addRow(tr("Interval:"), m_interval);
    form->addRow(tr("Pong timeout:"), m_timeout);
    form->addRow(tr("On timeout:"), m_action);
    auto *pong = new QHBoxLayout;
    pong->addWidget(m_pong, 1);
    pong->addWidget(m_pongDelay);
    form->addRow(tr("Answer server pings:"), pong);
    auto *defaults = new QHBoxLayout;
    defaults->addStretch(1);
    defaults->addWidget(m_makeDefault);
    form->addRow(defaults);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_stall);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_stats);
    layout->addWidget(m_health);
    setSettings(HeartbeatSettings());
    refresh(0);
}

void HeartbeatPanel::setSettings(const HeartbeatSettings &settings)
{
    m_updating = true;
    m_enabled->setChecked(settings.enabled);
    m_interval->setValue(settings.intervalMs);
    m_timeout->setValue(settings.timeoutMs);
    m_action->setCurrentIndex(int(settings.onTimeout));
    m_pong->setCurrentIndex(int(settings.pong));
    m_pongDelay->setValue(settings.pongDelayMs);
    m_pongDelay->setEnabled(settings.pong == HeartbeatSettings::PongPolicy::Delay);
    m_updating = false;
}

HeartbeatSettings HeartbeatPanel::settings() const
{
    HeartbeatSettings s;
    s.enabled = m_enabled->isChecked();
    s.intervalMs = m_interval->value();
    s.timeoutMs = m_timeout->value();
    s.onTimeout = HeartbeatSettings::TimeoutAction(m_action->currentIndex());
    s.pong = HeartbeatSettings::PongPolicy(m_pong->currentIndex());
    s.pongDelayMs = m_pongDelay->value();
    return s;
}

void HeartbeatPanel::setPingEnabled(bool enabled)
{
    m_pingNow->setEnabled(enabled);
}

void HeartbeatPanel::setTracker(const HeartbeatTracker *tracker)
{
    m_tracker = tracker;
    refresh(m_nowUs);
}

const RttSeries &HeartbeatPanel::series() const
{
    static const RttSeries empty;
    return m_tracker ? m_tracker->series() : empty;
}

bool HeartbeatPanel::isStalled() const
{
    return m_tracker && m_tracker->isStalled();
}

QString HeartbeatPanel::stallText() const
{
    return m_tracker ? m_tracker->stallText(m_nowUs) : QString();
}

QString HeartbeatPanel::statsText() const
{
    return m_stats->text();
}

void HeartbeatPanel::setThreadLag(const LoopLag &socketThread, const LoopLag &guiThread)
{
    m_health->setText(
        tr("Event-loop lag: socket thread %1 (worst %2)\nGUI thread %3 (worst %4)")
            .arg(Units::duration(socketThread.lastUs), Units::duration(socketThread.maxUs),
                Units::duration(guiThread.lastUs), Units::duration(guiThread.maxUs)));
}

void HeartbeatPanel::refresh(qint64 nowUs)
{
    m_nowUs = nowUs;
    if (isStalled()) {
        m_stall->setTextRole(int(Theme::Role::Error));
        m_stall->setText(stallText());
    } else if (series().samples().isEmpty()) {
        m_stall->setTextRole(int(Theme::Role::Muted));
        m_stall->setText(tr("No pongs yet."));
    } else {
        m_stall->setTextRole(int(Theme::Role::Success));
        m_stall->setText(tr("Pongs on time."));
    }
    m_stats->setText(m_tracker ? m_tracker->statsText() : tr("RTT: no measurements yet"));
    m_chart->setData(m_tracker, nowUs);
}

void HeartbeatPanel::makeDefault() const
{
    AppSettings::setHeartbeatDefaults(settings());
}
