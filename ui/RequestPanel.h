#pragma once

#include "ConnectionSettings.h"

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;
class QTableWidget;

// The handshake and connection options of one connection: extra headers, subprotocols, origin,
// connect and close timeouts, permessage-deflate, TLS options, maximum message size and automatic
// reconnection.
class RequestPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RequestPanel(QWidget *parent = nullptr);

    void setSettings(const ConnectionSettings &settings);
    // Fills everything but the URL and the heartbeat; false with the reason when something is
    // invalid.
    bool applyTo(ConnectionSettings *settings, QString *error) const;

private:
    void addHeaderRow(const QString &name = {}, const QString &value = {});

    QTableWidget *m_headers;
    QLineEdit *m_subprotocols;
    QLineEdit *m_origin;
    QDoubleSpinBox *m_connectTimeout;
    QCheckBox *m_deflate;
    QSpinBox *m_closeTimeout;
    QCheckBox *m_ignoreTls;
    QLineEdit *m_caFile;
    QSpinBox *m_maxSizeMiB;
    QCheckBox *m_reconnect;
    QLineEdit *m_recordFolder;
    QCheckBox *m_keepSecrets;
};
