#include "FilterBar.h"

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
    {"Close", bit(Kind::Close)},
    {"Error", bit(Kind::Error)},
    {"Events",
        bit(Kind::Connecting) | bit(Kind::Open) | bit(Kind::HeartbeatChange) | bit(Kind::Note)},
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
    , m_error(new QLabel(this))
    , m_debounce(new QTimer(this))
{
    m_direction->addItem(tr("All directions"));
    m_direction->addItem(tr("\u2193 Incoming"));
    m_direction->addItem(tr("\u2191 Outgoing"));
    m_direction->setAccessibleName(tr("Direction filter"));

    m_types->setText(tr("Types"));
    m_types->setPopupMode(QToolButton::InstantPopup);
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
    m_caseSensitive->setToolTip(tr("Case sensitive"));
    m_error->setStyleSheet(QStringLiteral("color: #c01c28"));
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

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_direction);
    layout->addWidget(m_types);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_regex);
    layout->addWidget(m_caseSensitive);
    layout->addWidget(m_error);
    layout->addWidget(m_count);
    updateCount();
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
    QString error;
    if (!m_model->setFilter(filter, &error)) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    m_error->hide();
    updateCount();
}

void FilterBar::updateCount()
{
    const qint64 total = m_model->totalRows();
    if (m_model->filter().isActive())
        m_count->setText(tr("showing %L1 of %L2").arg(m_model->rowCount()).arg(total));
    else
        m_count->setText(tr("%L1 rows").arg(total));
}
