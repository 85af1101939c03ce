#include "TrafficLogPane.h"

#include "FilterBar.h"
#include "MessageLogModel.h"
#include "TrafficLogView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

TrafficLogPane::TrafficLogPane(MessageLogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new FilterBar(model, this))
    , m_view(new TrafficLogView(this))
    , m_clear(new QToolButton(this))
    , m_pause(new QToolButton(this))
    , m_follow(new QToolButton(this))
    , m_cap(new QSpinBox(this))
    , m_dropped(new QLabel(this))
    , m_toolbar(new QHBoxLayout)
{
    m_view->setLogModel(model);
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Clear the log (asks first; Ctrl+K)"));
    connect(m_clear, &QToolButton::clicked, this, &TrafficLogPane::requestClear);
    m_pause->setText(tr("Pause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Pause the display; capture continues"));
    connect(m_pause, &QToolButton::toggled, this, &TrafficLogPane::setPaused);
    connect(m_model, &MessageLogModel::pendingCountChanged, this, [this](qint64 pending) {
        m_pause->setText(pending > 0 ? tr("Paused (%L1 waiting)").arg(pending)
                                     : (m_pause->isChecked() ? tr("Paused") : tr("Pause")));
    });
    m_follow->setText(tr("Follow"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest row in view; selecting a row or scrolling up stops "
                            "it, End resumes it"));
    connect(m_follow, &QToolButton::clicked, m_view, [this](bool on) {
        if (on)
            m_view->clearSelection();
        m_view->setFollowingTail(on);
    });
    connect(m_view, &TrafficLogView::followingTailChanged, m_follow, &QToolButton::setChecked);
    m_cap->setRange(0, 100000000);
    m_cap->setSingleStep(10000);
    m_cap->setSpecialValueText(tr("no limit"));
    m_cap->setPrefix(tr("keep "));
    m_cap->setAccessibleName(tr("Row limit"));
    m_cap->setToolTip(tr("Keep at most this many rows; older ones are dropped"));
    connect(m_cap, &QSpinBox::valueChanged, this, [this](int cap) {
        m_model->setRowCap(cap);
        refresh();
    });

    m_toolbar->addWidget(m_clear);
    m_toolbar->addWidget(m_pause);
    m_toolbar->addWidget(m_follow);
    m_toolbar->addStretch(1);
    m_toolbar->addWidget(m_dropped);
    m_toolbar->addWidget(m_cap);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addLayout(m_toolbar);
}

void TrafficLogPane::setPaused(bool paused)
{
    m_pause->setChecked(paused);
    m_model->setPaused(paused);
    m_pause->setText(paused ? tr("Paused") : tr("Pause"));
}

void TrafficLogPane::setLive(bool live)
{
    m_pause->setVisible(live);
    m_follow->setVisible(live);
    m_cap->setVisible(live);
    m_clear->setVisible(live);
    if (!live)
        m_view->setFollowingTail(false);
}

bool TrafficLogPane::requestClear()
{
    const qint64 rows = m_model->totalRows();
    if (rows > 0) {
        QMessageBox ask(QMessageBox::Question, tr("Clear the log"),
            tr("Clear %Ln row(s) from the log? This cannot be undone.", nullptr,
                int(qMin<qint64>(rows, INT_MAX))),
            QMessageBox::Cancel, this);
        ask.setObjectName(QStringLiteral("clearLogQuestion"));
        QPushButton *clear = ask.addButton(tr("Clear"), QMessageBox::DestructiveRole);
        ask.setDefaultButton(QMessageBox::Cancel);
        ask.exec();
        if (ask.clickedButton() != clear)
            return false;
    }
    m_model->clear();
    Q_EMIT cleared();
    return true;
}

void TrafficLogPane::refresh()
{
    m_dropped->setText(
        m_model->droppedRows() > 0 ? tr("%L1 dropped").arg(m_model->droppedRows()) : QString());
}
