#pragma once

#include "ScriptLineLog.h"
#include "ScriptSource.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QSpinBox;
class QToolButton;

// The Script tab of a connection: an editor, Run/Reload and Stop, the per-call time budget, and
// the script's errors and log() lines with their line numbers (activating one puts the cursor on
// its line). The script itself runs in the connection's thread; this only edits and lists. A
// proxy's tab shows its script fixed (read-only, no Run or Stop) with the selected pair's lines.
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
    // The script is the one given (a proxy's, for every pair): read-only, without Run and Stop.
    void showFixedScript(const ScriptSource &source);
    void showLines(const QList<ScriptLineLog::Line> &lines);
    void clearLines(); // before the lines of another pair are shown
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
    QLabel *m_budgetLabel;
    QLabel *m_status;
    QListWidget *m_problems;
    int m_shown = 0; // lines already listed
};
