#include "CloseDialog.h"

#include "CloseCode.h"
#include "Theme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

CloseDialog::CloseDialog(QWidget *parent)
    : QDialog(parent)
    , m_presets(new QComboBox(this))
    , m_code(new QSpinBox(this))
    , m_reason(new QLineEdit(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Close connection"));
    for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011})
        m_presets->addItem(CloseCode::describe(code), code);
    m_presets->addItem(tr("Application code (4000-4999)"), 4000);
    m_code->setRange(1000, 4999);
    m_reason->setMaxLength(123);
    m_reason->setPlaceholderText(tr("optional, up to 123 bytes"));
    QPalette problemPalette = m_problem->palette();
    problemPalette.setColor(QPalette::WindowText, Theme::color(Theme::Role::Error, palette()));
    m_problem->setPalette(problemPalette);
    m_problem->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Close connection"));

    connect(m_presets, &QComboBox::activated, this,
        [this] { m_code->setValue(m_presets->currentData().toInt()); });
    connect(m_code, &QSpinBox::valueChanged, this, &CloseDialog::validate);
    // The preset follows a typed code: its name, the application range, or none.
    connect(m_code, &QSpinBox::valueChanged, this, [this](int code) {
        int index = m_presets->findData(code);
        if (index < 0 && code >= 4000 && code <= 4999)
            index = m_presets->count() - 1;
        m_presets->setCurrentIndex(index);
    });
    m_presets->setPlaceholderText(tr("(no preset for this code)"));
    m_presets->setToolTip(tr("Common close codes"));
    m_code->setToolTip(tr("The close code to send"));
    m_reason->setToolTip(tr("Why, in at most 123 bytes of UTF-8"));
    connect(m_reason, &QLineEdit::textChanged, this, &CloseDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Preset:"), m_presets);
    form->addRow(tr("Code:"), m_code);
    form->addRow(tr("Reason:"), m_reason);
    form->addRow(m_problem);
    form->addRow(m_buttons);
    setCode(1000);
}

void CloseDialog::setCode(int code)
{
    m_code->setValue(code);
    validate();
}

int CloseDialog::code() const
{
    return m_code->value();
}

void CloseDialog::setReason(const QString &reason)
{
    m_reason->setText(reason);
}

QString CloseDialog::reason() const
{
    return m_reason->text();
}

bool CloseDialog::isValid() const
{
    return CloseCode::isSendable(code()) && reason().toUtf8().size() <= 123;
}

void CloseDialog::validate()
{
    QString problem;
    if (!CloseCode::isSendable(code()))
        problem = tr("%1 cannot be sent: use 1000-1003, 1007-1011 or 3000-4999")
                      .arg(CloseCode::describe(code()));
    else if (reason().toUtf8().size() > 123)
        problem = tr("the reason is %1 bytes of UTF-8; a close frame carries at most 123")
                      .arg(reason().toUtf8().size());
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

QString CloseDialog::presetText() const
{
    return m_presets->currentIndex() >= 0 ? m_presets->currentText() : QString();
}
