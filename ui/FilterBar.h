#pragma once

#include "MessageLogModel.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
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

private:
    void apply();

    MessageLogModel *m_model;
    QComboBox *m_direction;
    QToolButton *m_types;
    QLineEdit *m_text;
    QCheckBox *m_regex;
    QCheckBox *m_caseSensitive;
    QLabel *m_count;
    QLabel *m_error;
    QTimer *m_debounce;
    quint32 m_kinds = MessageLogModel::Filter::AllKinds;
};
