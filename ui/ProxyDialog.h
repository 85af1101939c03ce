#pragma once

#include "ProxyServer.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

// File > New Proxy: where to relay (the upstream ws:// or wss:// URL), where to listen (127.0.0.1
// unless another address is named; port 0 picks a free one), TLS for listening (certificate and
// key), how to trust a wss:// upstream (any certificate, or an extra CA file), a file to record
// every pair to, and a script to run on every pair (checked as soon as it is chosen: one that
// does not compile is refused with its line). What is wrong is said as it is typed; Start stays
// disabled until the settings are valid.
class ProxyDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ProxyDialog(QWidget *parent = nullptr);

    // The settings as entered; false with the reason when something is invalid.
    bool collect(ProxyServer::Settings *settings, QString *error) const;
    void setSettings(const ProxyServer::Settings &settings);
    QString problemText() const;

private:
    void validate();
    void readScript(); // the script field's file, read and checked once per change

    QLineEdit *m_upstream;
    QLineEdit *m_address;
    QSpinBox *m_port;
    QLineEdit *m_cert;
    QLineEdit *m_key;
    QCheckBox *m_insecure;
    QLineEdit *m_caFile;
    QLineEdit *m_record;
    QLineEdit *m_script;
    ScriptSource m_scriptSource; // what the script field names, read
    QString m_scriptProblem; // why it cannot be used
    QLabel *m_problem; // wrapped: a long reason is read whole, not in a tooltip
    QDialogButtonBox *m_buttons;
};
