#pragma once

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

// Asks for a close code and reason. Only codes that may be sent are accepted (1005, 1006 and 1015
// are reserved), and the reason is limited to the 123 bytes a close frame can carry.
class CloseDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CloseDialog(QWidget *parent = nullptr);

    void setCode(int code);
    int code() const;
    void setReason(const QString &reason);
    QString reason() const;
    bool isValid() const;
    QString presetText() const; // the preset shown for the current code

private:
    void validate();

    QComboBox *m_presets;
    QSpinBox *m_code;
    QLineEdit *m_reason;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};
