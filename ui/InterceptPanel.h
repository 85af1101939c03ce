#pragma once

#include "ProxyFaults.h"

#include <QWidget>

class Composer;
class ElidingLabel;
class QCheckBox;
class QPushButton;
class SavedMessages;

// Intercept on a proxy tab: which directions hold their messages, and the oldest held message
// with Forward, Drop, and an editor (text, JSON, hex, as in the composer) whose Forward Edited
// sends the edit instead.
class InterceptPanel : public QWidget
{
    Q_OBJECT
public:
    explicit InterceptPanel(SavedMessages *saved, QWidget *parent = nullptr);

    void setIntercepting(ProxySide from, bool on);
    bool isIntercepting(ProxySide from) const;
    // Shows a held message for a decision; the editor gets its payload unless the message named
    // `key` is already shown (the user may be editing it). `waiting` more are held after it.
    void showHeld(const QString &key, const QString &what, bool binary, const QByteArray &payload,
        int waiting);
    void showNothingHeld();
    bool hasMessage() const { return m_hasMessage; }
    QString heldText() const; // what the panel says about the held message
    Composer *editor() const { return m_editor; }

public Q_SLOTS:
    bool forwardEdited(); // false (with the reason shown) when the edit is not valid

Q_SIGNALS:
    void interceptToggled(ProxySide from, bool on);
    void forwardRequested();
    void dropRequested();
    void replaceRequested(bool binary, const QByteArray &payload);

private:
    QCheckBox *m_intercept[2]; // by ProxySide
    ElidingLabel *m_held;
    QPushButton *m_forward;
    QPushButton *m_drop;
    Composer *m_editor;
    bool m_hasMessage = false;
    QString m_shownKey;
};
