#include "InterceptPanel.h"

#include "Composer.h"
#include "ElidingLabel.h"
#include "JsonCheck.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

InterceptPanel::InterceptPanel(SavedMessages *saved, QWidget *parent)
    : QWidget(parent)
    , m_held(new ElidingLabel(this))
    , m_forward(new QPushButton(tr("Forward"), this))
    , m_drop(new QPushButton(tr("Drop"), this))
    , m_editor(new Composer(saved, this))
{
    auto *toggles = new QHBoxLayout;
    for (ProxySide side : {ProxySide::Client, ProxySide::Server}) {
        auto *box = new QCheckBox(side == ProxySide::Client ? tr("Hold client \u2192 server")
                                                            : tr("Hold server \u2192 client"),
            this);
        box->setToolTip(tr("Hold each message the %1 sends until you forward, edit or drop it")
                            .arg(proxySideName(side)));
        connect(box, &QCheckBox::clicked, this,
            [this, side](bool on) { Q_EMIT interceptToggled(side, on); });
        m_intercept[int(side)] = box;
        toggles->addWidget(box);
    }
    toggles->addStretch(1);
    m_forward->setToolTip(tr("Forward the held message as it arrived (F8)"));
    m_drop->setToolTip(tr("Drop the held message: the peer never sees it (Shift+F8)"));
    connect(m_forward, &QPushButton::clicked, this, &InterceptPanel::forwardRequested);
    connect(m_drop, &QPushButton::clicked, this, &InterceptPanel::dropRequested);
    m_editor->setSendWording(tr("Forward Edited"),
        tr("Forward the editor's message instead of the held one (Ctrl+F8)"),
        tr("no message is held"));
    connect(m_editor, &Composer::sendText, this,
        [this](const QString &text) { Q_EMIT replaceRequested(false, text.toUtf8()); });
    connect(m_editor, &Composer::sendBinary, this,
        [this](const QByteArray &data) { Q_EMIT replaceRequested(true, data); });

    auto *decision = new QHBoxLayout;
    decision->addWidget(m_held, 1);
    decision->addWidget(m_forward);
    decision->addWidget(m_drop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(toggles);
    layout->addLayout(decision);
    layout->addWidget(m_editor, 1);
    showNothingHeld();
}

void InterceptPanel::setIntercepting(ProxySide from, bool on)
{
    m_intercept[int(from)]->setChecked(on);
}

bool InterceptPanel::isIntercepting(ProxySide from) const
{
    return m_intercept[int(from)]->isChecked();
}

void InterceptPanel::showHeld(
    const QString &key, const QString &what, bool binary, const QByteArray &payload, int waiting)
{
    const bool sameMessage = m_hasMessage && m_shownKey == key;
    m_hasMessage = true;
    m_shownKey = key;
    m_held->setText(waiting > 0 ? tr("%1 (%Ln more held)", nullptr, waiting).arg(what) : what);
    m_forward->setEnabled(true);
    m_drop->setEnabled(true);
    m_editor->setSendEnabled(true);
    if (sameMessage)
        return; // keep what the user is editing
    if (binary) {
        m_editor->setMode(Composer::Mode::Hex);
        m_editor->setContent(QString::fromLatin1(payload.toHex(' ')));
    } else {
        const QString text = QString::fromUtf8(payload);
        m_editor->setMode(JsonCheck::check(text).ok ? Composer::Mode::Json : Composer::Mode::Text);
        m_editor->setContent(text);
    }
}

void InterceptPanel::showNothingHeld()
{
    m_hasMessage = false;
    m_shownKey.clear();
    m_held->setText(tr("No message is held."));
    m_forward->setEnabled(false);
    m_drop->setEnabled(false);
    m_editor->setSendEnabled(false);
    m_editor->setContent(QString());
}

QString InterceptPanel::heldText() const
{
    return m_held->text();
}

bool InterceptPanel::forwardEdited()
{
    return m_editor->send();
}
