#include "FilterBar.h"

#include "ElidingLabel.h"
#include "Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTimer>
#include <QToolButton>

using Kind = TrafficEvent::Kind;

namespace {
struct TypeGroup
{
    const char *label;
    quint32 kinds;
};
constexpr quint32 bit(Kind k)
{
    return 1u << int(k);
}
const TypeGroup typeGroups[] = {
    {"Text", bit(Kind::Text)},
    {"Binary", bit(Kind::Binary)},
    {"Ping / pong", bit(Kind::Ping) | bit(Kind::Pong) | bit(Kind::PongTimeout)},
    {"Close", bit(Kind::Close) | bit(Kind::CloseFrame)},
    {"Error", bit(Kind::Error) | bit(Kind::Fault)},
    {"Events",
        bit(Kind::Connecting) | bit(Kind::Open) | bit(Kind::HeartbeatChange) | bit(Kind::Note)
            | bit(Kind::Handshake)},
    {"Script", bit(Kind::Script)},
};
} // namespace

FilterBar::FilterBar(MessageLogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_direction(new QComboBox(this))
    , m_types(new QToolButton(this))
    , m_text(new QLineEdit(this))
    , m_regex(new QCheckBox(tr("Regex"), this))
    , m_caseSensitive(new QCheckBox(tr("Aa"), this))
    , m_count(new QLabel(this))
    , m_error(new ElidingLabel(this))
    , m_heartbeat(new QToolButton(this))
    , m_debounce(new QTimer(this))
    , m_countLater(new QTimer(this))
{
    m_direction->addItem(tr("All directions"));
    m_direction->addItem(tr("\u2193 Incoming"));
    m_direction->addItem(tr("\u2191 Outgoing"));
    m_direction->setAccessibleName(tr("Direction filter"));
    m_direction->setToolTip(tr("Show messages in either direction, or one"));
    m_heartbeat->setText(tr("Pings"));
    m_heartbeat->setCheckable(true);
    m_heartbeat->setAccessibleName(tr("Show pings and pongs"));
    m_heartbeat->setToolTip(tr("Show every ping and pong (ours and the server's) and close frames; "
                               "off: only heartbeat problems"));
    connect(m_heartbeat, &QToolButton::toggled, this, &FilterBar::apply);

    m_types->setText(tr("Types"));
    m_types->setPopupMode(QToolButton::InstantPopup);
    m_types->setToolTip(tr("Choose which kinds of rows to show"));
    auto *menu = new QMenu(m_types);
    for (const TypeGroup &group : typeGroups) {
        QAction *action = menu->addAction(tr(group.label));
        action->setCheckable(true);
        action->setChecked(true);
        const quint32 kinds = group.kinds;
        connect(action, &QAction::toggled, this, [this, kinds](bool on) {
            m_kinds = on ? (m_kinds | kinds) : (m_kinds & ~kinds);
            m_types->setText(
                m_kinds == MessageLogModel::Filter::AllKinds ? tr("Types") : tr("Types*"));
            apply();
        });
    }
    m_types->setMenu(menu);

    m_text->setPlaceholderText(tr("Filter content (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    m_text->setToolTip(tr("Show only rows whose content contains this (Ctrl+F)"));
    m_regex->setToolTip(tr("Read the filter as a regular expression"));
    m_caseSensitive->setToolTip(tr("Case sensitive"));
    m_count->setToolTip(tr("Rows shown and rows in the log"));
    m_error->setTextRole(int(Theme::Role::Error));
    m_error->hide();

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &FilterBar::apply);
    connect(m_text, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_direction, &QComboBox::currentIndexChanged, this, &FilterBar::apply);
    connect(m_regex, &QCheckBox::toggled, this, &FilterBar::apply);
    connect(m_caseSensitive, &QCheckBox::toggled, this, &FilterBar::apply);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &FilterBar::updateCount);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &FilterBar::updateCount);
    connect(m_model, &QAbstractItemModel::modelReset, this, &FilterBar::updateCount);
    // Rows the filter hides insert no row, so the total is caught up on commits, coalesced.
    m_countLater->setSingleShot(true);
    m_countLater->setInterval(250);
    connect(m_countLater, &QTimer::timeout, this, &FilterBar::updateCount);
    connect(m_model, &MessageLogModel::rowsCommitted, m_countLater, [this] {
        if (!m_countLater->isActive())
            m_countLater->start();
    });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_direction);
    layout->addWidget(m_types);
    layout->addWidget(m_heartbeat);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_regex);
    layout->addWidget(m_caseSensitive);
    layout->addWidget(m_error, 1);
    layout->addWidget(m_count);
    apply(); // the default view: data messages and heartbeat problems
}

void FilterBar::focusSearch()
{
    m_text->setFocus();
    m_text->selectAll();
}

void FilterBar::setSearchText(const QString &text)
{
    m_text->setText(text);
    apply();
}

void FilterBar::apply()
{
    m_debounce->stop();
    MessageLogModel::Filter filter;
    filter.direction = MessageLogModel::Filter::Direction(m_direction->currentIndex());
    filter.kinds = m_kinds;
    filter.text = m_text->text();
    filter.regex = m_regex->isChecked();
    filter.caseSensitive = m_caseSensitive->isChecked();
    filter.routineHeartbeat = m_heartbeat->isChecked();
    QString error;
    if (!m_model->setFilter(filter, &error)) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    m_error->hide();
    updateCount();
    Q_EMIT filterChanged();
}

void FilterBar::setShowHeartbeat(bool show)
{
    m_heartbeat->setChecked(show);
}

bool FilterBar::showsHeartbeat() const
{
    return m_heartbeat->isChecked();
}

QString FilterBar::countText() const
{
    return m_count->text();
}

QString FilterBar::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void FilterBar::updateCount()
{
    const qint64 total = m_model->totalRows();
    if (m_model->filter().isActive() && m_model->rowCount() != total)
        m_count->setText(tr("showing %L1 of %L2").arg(m_model->rowCount()).arg(total));
    else
        m_count->setText(tr("%L1 rows").arg(total));
}
