#include "HeartbeatPanel.h"

#include "RttChart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace {
QString ms(qint64 us)
{
    return QStringLiteral("%1 ms").arg(us / 1000.0, 0, 'f', us < 10000 ? 2 : 1);
}
} // namespace

HeartbeatPanel::HeartbeatPanel(QWidget *parent)
    : QWidget(parent)
    , m_enabled(new QCheckBox(tr("Send pings"), this))
    , m_interval(new QSpinBox(this))
    , m_timeout(new QSpinBox(this))
    , m_action(new QComboBox(this))
    , m_pingNow(new QPushButton(tr("Ping now"), this))
    , m_stall(new QLabel(this))
    , m_stats(new QLabel(this))
    , m_health(new QLabel(this))
    , m_chart(new RttChart(this))
    , m_apply(new QTimer(this))
{
    m_interval->setRange(HeartbeatSettings::MinimumIntervalMs, 3600 * 1000);
    m_interval->setSuffix(tr(" ms"));
    m_interval->setSingleStep(50);
    m_interval->setAccessibleName(tr("Ping interval"));
    m_timeout->setRange(HeartbeatSettings::MinimumIntervalMs, 3600 * 1000);
    m_timeout->setSuffix(tr(" ms"));
    m_timeout->setSingleStep(100);
    m_timeout->setAccessibleName(tr("Pong timeout"));
    m_action->addItems({tr("Report it"), tr("Close with 1011"), tr("Reconnect")});
    m_stall->setTextFormat(Qt::RichText);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_health->setWordWrap(true);

    // Changes apply live, a moment after the user stops typing.
    m_apply->setSingleShot(true);
    m_apply->setInterval(300);
    connect(m_apply, &QTimer::timeout, this, [this] { Q_EMIT settingsChanged(settings()); });
    auto changed = [this] {
        if (!m_updating)
            m_apply->start();
    };
    connect(m_enabled, &QCheckBox::toggled, this, changed);
    connect(m_interval, &QSpinBox::valueChanged, this, changed);
    connect(m_timeout, &QSpinBox::valueChanged, this, changed);
    connect(m_action, &QComboBox::currentIndexChanged, this, changed);
    connect(m_pingNow, &QPushButton::clicked, this, &HeartbeatPanel::pingRequested);

    auto *form = new QFormLayout;
    auto *top = new QHBoxLayout;
    top->addWidget(m_enabled);
    top->addStretch(1);
    top->addWidget(m_pingNow);
    form->addRow(top);
    form->addRow(tr("Interval:"), m_interval);
    form->addRow(tr("Pong timeout:"), m_timeout);
    form->addRow(tr("On timeout:"), m_action);

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
    m_updating = false;
}

HeartbeatSettings HeartbeatPanel::settings() const
{
    HeartbeatSettings s;
    s.enabled = m_enabled->isChecked();
    s.intervalMs = m_interval->value();
    s.timeoutMs = m_timeout->value();
    s.onTimeout = HeartbeatSettings::TimeoutAction(m_action->currentIndex());
    return s;
}

void HeartbeatPanel::setPingEnabled(bool enabled)
{
    m_pingNow->setEnabled(enabled);
}

void HeartbeatPanel::addPong(qint64 timeUs, qint64 rttUs)
{
    if (rttUs >= 0)
        m_series.addPong(timeUs, rttUs);
    m_stalledSinceUs = -1; // pongs are back
}

void HeartbeatPanel::addPongTimeout(qint64 timeUs, quint32 sequence)
{
    m_series.addMissed(timeUs);
    if (m_stalledSinceUs < 0) {
        m_stalledSinceUs
            = timeUs - qint64(m_timeout->value()) * 1000; // overdue since the ping went out
        m_stalledSequence = sequence;
    }
}

void HeartbeatPanel::resetSession()
{
    m_stalledSinceUs = -1;
}

QString HeartbeatPanel::stallText() const
{
    if (m_stalledSinceUs < 0)
        return {};
    return tr("Stalled: no pong for %1 s (since ping #%2)")
        .arg((m_nowUs - m_stalledSinceUs) / 1e6, 0, 'f', 1)
        .arg(m_stalledSequence);
}

void HeartbeatPanel::setThreadLag(const LoopLag &socketThread, const LoopLag &guiThread)
{
    m_health->setText(tr("Event-loop lag: socket thread %1 (worst %2), GUI thread %3 (worst %4)")
                          .arg(ms(socketThread.lastUs), ms(socketThread.maxUs),
                              ms(guiThread.lastUs), ms(guiThread.maxUs)));
}

void HeartbeatPanel::refresh(qint64 nowUs)
{
    m_nowUs = nowUs;
    if (m_stalledSinceUs >= 0)
        m_stall->setText(
            QStringLiteral("<b style='color:#c01c28'>%1</b>").arg(stallText().toHtmlEscaped()));
    else if (m_series.samples().isEmpty())
        m_stall->setText(tr("No pongs yet."));
    else
        m_stall->setText(
            QStringLiteral("<span style='color:#26a269'>%1</span>").arg(tr("Pongs on time.")));
    const RttSeries::Stats st = m_series.stats();
    if (st.pongs > 0)
        m_stats->setText(
            tr("RTT  last %1 · min %2 · median %3 · p95 %4 · max %5 · %6 pongs, %7 missed")
                .arg(ms(st.lastUs), ms(st.minUs), ms(st.medianUs), ms(st.p95Us), ms(st.maxUs))
                .arg(st.pongs)
                .arg(st.missed));
    else
        m_stats->setText(tr("RTT  no measurements yet"));
    m_chart->setSeries(&m_series, nowUs);
}
