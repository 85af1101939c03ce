#include "ProxyFaultsEditor.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QSpinBox>

ProxyFaultsEditor::ProxyFaultsEditor(QWidget *parent) : QWidget(parent)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(new QLabel(tr("Latency (ms):"), this), 1, 0);
    grid->addWidget(new QLabel(tr("Jitter \u00b1 (ms):"), this), 2, 0);
    grid->addWidget(new QLabel(tr("Bandwidth (KiB/s):"), this), 3, 0);
    for (ProxySide side : {ProxySide::Client, ProxySide::Server}) {
        const int column = 1 + int(side);
        // Accessible names carry the direction so that each field is found and read out alone.
        const QString direction
            = side == ProxySide::Client ? tr("client \u2192 server") : tr("server \u2192 client");
        auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(direction), this);
        grid->addWidget(title, 0, column);
        DirectionFields &f = m_fields[int(side)];
        f.latency = new QSpinBox(this);
        f.latency->setRange(0, ProxyFaults::MaxLatencyMs);
        f.latency->setSpecialValueText(tr("none"));
        f.latency->setAccessibleName(tr("Latency %1").arg(direction));
        f.latency->setToolTip(tr("Each frame %1 is held this long; order is kept").arg(direction));
        f.jitter = new QSpinBox(this);
        f.jitter->setRange(0, ProxyFaults::MaxLatencyMs);
        f.jitter->setAccessibleName(tr("Jitter %1").arg(direction));
        f.jitter->setToolTip(tr("Plus or minus this much at random, never reordering frames"));
        f.bandwidth = new QSpinBox(this);
        f.bandwidth->setRange(0, ProxyFaults::MaxBandwidthKiBps);
        f.bandwidth->setSpecialValueText(tr("unlimited"));
        f.bandwidth->setAccessibleName(tr("Bandwidth %1").arg(direction));
        f.bandwidth->setToolTip(tr("At most this many KiB/s %1").arg(direction));
        const QString sender = proxySideName(side);
        f.dropPings = new QCheckBox(tr("Drop the %1's pings").arg(sender), this);
        f.dropPings->setToolTip(tr("Pings the %1 sends are not forwarded").arg(sender));
        f.dropPongs = new QCheckBox(tr("Drop the %1's pongs").arg(sender), this);
        f.dropPongs->setToolTip(
            tr("Pongs the %1 sends are not forwarded: a heartbeat failure on demand").arg(sender));
        grid->addWidget(f.latency, 1, column);
        grid->addWidget(f.jitter, 2, column);
        grid->addWidget(f.bandwidth, 3, column);
        grid->addWidget(f.dropPings, 4, column);
        grid->addWidget(f.dropPongs, 5, column);
        for (QSpinBox *spin : {f.latency, f.jitter, f.bandwidth})
            connect(spin, &QSpinBox::valueChanged, this, &ProxyFaultsEditor::edited);
        for (QCheckBox *check : {f.dropPings, f.dropPongs})
            connect(check, &QCheckBox::toggled, this, &ProxyFaultsEditor::edited);
    }
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    setFocusProxy(m_fields[int(ProxySide::Client)].latency);
}

void ProxyFaultsEditor::setFaults(const ProxyFaults &faults)
{
    for (ProxySide side : {ProxySide::Client, ProxySide::Server}) {
        const DirectionFaults &d = faults.of(side);
        DirectionFields &f = m_fields[int(side)];
        const QSignalBlocker blockers[] = {QSignalBlocker(f.latency), QSignalBlocker(f.jitter),
            QSignalBlocker(f.bandwidth), QSignalBlocker(f.dropPings), QSignalBlocker(f.dropPongs)};
        f.latency->setValue(d.latencyMs);
        f.jitter->setValue(d.jitterMs);
        f.bandwidth->setValue(d.bandwidthKiBps);
        f.dropPings->setChecked(d.dropPings);
        f.dropPongs->setChecked(d.dropPongs);
    }
}

ProxyFaults ProxyFaultsEditor::appliedTo(ProxyFaults inForce) const
{
    ProxyFaults result = inForce;
    for (ProxySide side : {ProxySide::Client, ProxySide::Server}) {
        DirectionFaults &d = result.of(side);
        const DirectionFields &f = m_fields[int(side)];
        d.latencyMs = f.latency->value();
        d.jitterMs = f.jitter->value();
        d.bandwidthKiBps = f.bandwidth->value();
        d.dropPings = f.dropPings->isChecked();
        d.dropPongs = f.dropPongs->isChecked();
    }
    return result;
}
