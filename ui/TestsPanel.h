#pragma once

#include "ConnectionPresenter.h"

#include <QWidget>

class QLabel;
class QTreeWidget;

// The Tests tab of a connection: each test() the script ran, passed or failed with the reason
// and line, and a count of both.
class TestsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TestsPanel(QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }
    QString summary() const;
    void showResults(const ConnectionPresenter *presenter);

Q_SIGNALS:
    void lineActivated(int line); // a failed test's line, to show in the script

private:
    QLabel *m_summary;
    QTreeWidget *m_list;
    int m_shown = 0;
};
