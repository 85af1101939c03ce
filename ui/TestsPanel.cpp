#include "TestsPanel.h"

#include "Theme.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

using Note = TrafficEvent::ScriptNote;

namespace {
constexpr int LineRole = Qt::UserRole + 1;
}

TestsPanel::TestsPanel(QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_list(new QTreeWidget(this))
{
    m_list->setObjectName(QStringLiteral("testResults"));
    m_list->setAccessibleName(tr("Test results"));
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels({tr("Result"), tr("Test"), tr("Line"), tr("Reason")});
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);
    // Names say what is tested: give them room before the reasons.
    m_list->setColumnWidth(1, m_list->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 28);
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (const int line = item->data(0, LineRole).toInt(); line > 0)
            Q_EMIT lineActivated(line);
    });
    m_summary->setText(tr("No test has run. Call test(name, fn) in a script."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 1);
}

QString TestsPanel::summary() const
{
    return m_summary->text();
}

void TestsPanel::showResults(const ConnectionPresenter *presenter)
{
    const QList<ConnectionPresenter::ScriptLine> &lines = presenter->scriptLines();
    if (lines.size() < m_shown || lines.isEmpty()) {
        m_list->clear();
        m_shown = 0;
    }
    const QPalette &palette = m_list->palette();
    for (qsizetype i = m_shown; i < lines.size(); ++i) {
        const ConnectionPresenter::ScriptLine &l = lines.at(i);
        if (l.note != Note::TestPassed && l.note != Note::TestFailed)
            continue;
        const bool passed = l.note == Note::TestPassed;
        auto *item = new QTreeWidgetItem(m_list,
            {passed ? tr("\u2713 passed") : tr("\u2717 failed"), l.text,
                l.line > 0 ? QString::number(l.line) : QString(), l.detail});
        item->setData(0, LineRole, l.line);
        item->setForeground(
            0, Theme::color(passed ? Theme::Role::Success : Theme::Role::Error, palette));
    }
    m_shown = int(lines.size());
    const int total = presenter->testsPassed() + presenter->testsFailed();
    m_summary->setText(total == 0 ? tr("No test has run. Call test(name, fn) in a script.")
                                  : tr("%n test(s): %1 passed, %2 failed", nullptr, total)
                                        .arg(presenter->testsPassed())
                                        .arg(presenter->testsFailed()));
    if (m_list->topLevelItemCount() > 0)
        m_list->scrollToItem(m_list->topLevelItem(m_list->topLevelItemCount() - 1));
}
