#pragma once

#include "ProxyFaults.h"

#include <QWidget>

class QCheckBox;
class QSpinBox;

// The standing faults of a proxied pair, one column per direction (named by the side that sends
// it): latency ± jitter, bandwidth, dropped pings and pongs. Intercept is part of the same value
// but has its own controls; the editor keeps it as it was given.
class ProxyFaultsEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ProxyFaultsEditor(QWidget *parent = nullptr);

    void setFaults(const ProxyFaults &faults);
    ProxyFaults faults() const;

Q_SIGNALS:
    void edited();

private:
    struct DirectionFields
    {
        QSpinBox *latency;
        QSpinBox *jitter;
        QSpinBox *bandwidth;
        QCheckBox *dropPings;
        QCheckBox *dropPongs;
    };

    DirectionFields m_fields[2]; // by ProxySide
    ProxyFaults m_given;
};
