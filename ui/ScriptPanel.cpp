#include "ScriptPanel.h"

#include "Theme.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

using Note = TrafficEvent::ScriptNote;

namespace {
constexpr int LineRole = Qt::UserRole + 1;

const char *const Example = "// Runs in this connection's thread. See docs/scripting.md.\n"
                            "function onOpen(ctx) {\n"
                            "}\n\n"
                            "function onMessage(msg, ctx) {\n"
                            "  // return a reply, DROP, or nothing\n"
                            "}\n";
} // namespace

ScriptPanel::ScriptPanel(QWidget *parent)
    : QWidget(parent)
    , m_editor(new QPlainTextEdit(this))
    , m_run(new QToolButton(this))
    , m_stop(new QToolButton(this))
    , m_budget(new QSpinBox(this))
    , m_budgetLabel(new QLabel(tr("Budget:"), this))
    , m_status(new QLabel(this))
    , m_problems(new QListWidget(this))
{
    m_editor->setObjectName(QStringLiteral("scriptEditor"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabStopDistance(m_editor->fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
    m_editor->setPlainText(QString::fromLatin1(Example));
    m_editor->setAccessibleName(tr("Script"));
    m_run->setObjectName(QStringLiteral("runScript"));
    m_run->setText(tr("Run"));
    m_run->setToolTip(tr("Run the script on this connection, replacing the one running (F5)"));
    connect(m_run, &QToolButton::clicked, this, &ScriptPanel::run);
    m_stop->setObjectName(QStringLiteral("stopScript"));
    m_stop->setText(tr("Stop"));
    m_stop->setToolTip(tr("Stop the script (its timers too)"));
    m_stop->setEnabled(false);
    connect(m_stop, &QToolButton::clicked, this, &ScriptPanel::stop);
    m_budget->setRange(ScriptSource::MinBudgetMs, ScriptSource::MaxBudgetMs);
    m_budget->setValue(ScriptSource::DefaultBudgetMs);
    m_budget->setSuffix(tr(" ms"));
    m_budget->setToolTip(tr("How long one call into the script may run before it is interrupted"));
    m_budget->setAccessibleName(tr("Time budget per call"));
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_problems->setObjectName(QStringLiteral("scriptProblems"));
    m_problems->setAccessibleName(tr("Script errors and log"));
    m_problems->setWordWrap(true);
    connect(m_problems, &QListWidget::itemActivated, this, &ScriptPanel::onActivated);
    connect(m_problems, &QListWidget::itemClicked, this, &ScriptPanel::onActivated);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_run);
    bar->addWidget(m_stop);
    bar->addWidget(m_budgetLabel);
    bar->addWidget(m_budget);
    bar->addWidget(m_status, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_editor);
    split->addWidget(m_problems);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
}

ScriptSource ScriptPanel::source() const
{
    return {m_fileName.isEmpty() ? QStringLiteral("script.js") : QFileInfo(m_fileName).fileName(),
        m_editor->toPlainText(), m_budget->value()};
}

void ScriptPanel::setFile(const QString &path, const QString &code)
{
    m_fileName = path;
    m_editor->setPlainText(code);
}

void ScriptPanel::showFixedScript(const ScriptSource &source)
{
    setFile(source.name, source.code);
    m_editor->setReadOnly(true);
    for (QWidget *w : std::initializer_list<QWidget *> {m_run, m_stop, m_budget, m_budgetLabel})
        w->hide();
    m_status->setText(
        tr("%1 runs on every pair, in the pair's thread").arg(QFileInfo(source.name).fileName()));
}

void ScriptPanel::clearLines()
{
    m_problems->clear();
    m_shown = 0;
}

void ScriptPanel::run()
{
    m_run->setText(tr("Reload"));
    m_stop->setEnabled(true);
    m_status->setText(tr("running %1").arg(source().name));
    Q_EMIT runRequested(source());
}

void ScriptPanel::stop()
{
    m_run->setText(tr("Run"));
    m_stop->setEnabled(false);
    m_status->setText(tr("stopped"));
    Q_EMIT stopRequested();
}

void ScriptPanel::showLines(const QList<ScriptLineLog::Line> &lines)
{
    if (lines.size() < m_shown || lines.isEmpty()) { // a new run, or the oldest were dropped
        m_problems->clear();
        m_shown = 0;
    }
    if (lines.size() == m_shown)
        return;
    const QPalette &palette = m_problems->palette();
    for (qsizetype i = m_shown; i < lines.size(); ++i) {
        const ScriptLineLog::Line &l = lines.at(i);
        if (l.note == Note::TestPassed || l.note == Note::TestFailed)
            continue; // the Tests tab lists them
        const bool error = l.note == Note::Error || l.note == Note::LoadFailed;
        const QString where = l.line > 0 ? tr("line %1: ").arg(l.line) : QString();
        auto *item = new QListWidgetItem(where + l.text, m_problems);
        item->setData(LineRole, l.line);
        item->setForeground(Theme::color(error ? Theme::Role::Error : Theme::Role::Muted, palette));
        if (l.note == Note::LoadFailed) {
            m_run->setText(tr("Run"));
            m_stop->setEnabled(false);
            m_status->setText(tr("not loaded"));
        }
    }
    m_shown = int(lines.size());
    m_problems->scrollToBottom();
}

void ScriptPanel::onActivated(QListWidgetItem *item)
{
    const int line = item->data(LineRole).toInt();
    if (line > 0)
        goToLine(line);
}

void ScriptPanel::goToLine(int line)
{
    const QTextBlock block = m_editor->document()->findBlockByLineNumber(line - 1);
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    m_editor->setTextCursor(cursor);
    m_editor->centerCursor();
    m_editor->setFocus();
}

int ScriptPanel::currentLine() const
{
    return m_editor->textCursor().blockNumber() + 1;
}
