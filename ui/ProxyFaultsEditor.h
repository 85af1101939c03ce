#pragma once

#include "ProxyFaults.h"

#include <QWidget>

class QCheckBox;
class QSpinBox;

// The standing faults of a proxied pair, one column per direction (named by the side that sends
// it): latency ± jitter, bandwidth, dropped pings and pongs. Intercept is part of the same value
// but has its own controls: the editor's values are laid over the faults in force.
class ProxyFaultsEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ProxyFaultsEditor(QWidget *parent = nullptr); // focus goes to the first field

    void setFaults(const ProxyFaults &faults); // shows them; edited() is not emitted
    // inForce with the standing faults replaced by the editor's values (intercept kept).
    ProxyFaults appliedTo(ProxyFaults inForce) const;

Q_SIGNALS:
    void edited(); // on each change the user makes, keystroke by keystroke

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
};
