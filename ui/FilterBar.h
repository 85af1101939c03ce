#pragma once

#include "MessageLogModel.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class ElidingLabel;
class QLabel;
class QLineEdit;
class QToolButton;

// Filters the traffic log by direction, type and content (substring or regular expression), and
// says how many rows are shown. Filtering runs in the model; typing is debounced.
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(MessageLogModel *model, QWidget *parent = nullptr);

    void focusSearch();
    void setSearchText(const QString &text);
    void updateCount();
    // Every ping and pong (ours and the server's) and close frames, or only heartbeat problems.
    void setShowHeartbeat(bool show);
    bool showsHeartbeat() const;
    QString errorText() const;
    QString countText() const; // "showing X of Y" or "N rows"

Q_SIGNALS:
    void filterChanged();

private:
    void apply();

    MessageLogModel *m_model;
    QComboBox *m_direction;
    QToolButton *m_types;
    QLineEdit *m_text;
    QCheckBox *m_regex;
    QCheckBox *m_caseSensitive;
    QLabel *m_count;
    ElidingLabel *m_error;
    QToolButton *m_heartbeat;
    QTimer *m_debounce;
    QTimer *m_countLater; // rows hidden by the filter still count: at most 4 updates a second
    quint32 m_kinds = MessageLogModel::Filter::AllKinds;
};
