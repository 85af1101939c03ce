#pragma once

#include "ConnectionPresenter.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QSpinBox;
class QToolButton;

// The Script tab of a connection: an editor, Run/Reload and Stop, the per-call time budget, and
// the script's errors and log() lines with their line numbers (activating one puts the cursor on
// its line). The script itself runs in the connection's thread; this only edits and lists.
class ScriptPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ScriptPanel(QWidget *parent = nullptr);

    QPlainTextEdit *editor() const { return m_editor; }
    QListWidget *problems() const { return m_problems; }
    QToolButton *runButton() const { return m_run; }
    QToolButton *stopButton() const { return m_stop; }
    QSpinBox *budget() const { return m_budget; }

    // What Run would load: the editor's text under the file's name (or "script.js").
    ScriptSource source() const;
    void setFile(const QString &path, const QString &code);
    void showLines(const QList<ConnectionPresenter::ScriptLine> &lines);
    int currentLine() const;

public Q_SLOTS:
    void run();
    void stop();
    void goToLine(int line);

Q_SIGNALS:
    void runRequested(const ScriptSource &source);
    void stopRequested();

private:
    void onActivated(QListWidgetItem *item);

    QString m_fileName;
    QPlainTextEdit *m_editor;
    QToolButton *m_run;
    QToolButton *m_stop;
    QSpinBox *m_budget;
    QLabel *m_status;
    QListWidget *m_problems;
    int m_shown = 0; // lines already listed
};
