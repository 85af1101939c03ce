#include "TrafficLogView.h"

#include "MessageLogModel.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QStyledItemDelegate>

namespace {

// Colours rows by what they are: errors red, closes amber, protocol chatter grey.
class TrafficLogDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        using Kind = TrafficEvent::Kind;
        QColor colour;
        switch (Kind(index.data(MessageLogModel::KindRole).toInt())) {
        case Kind::Error:
        case Kind::PongTimeout:
            colour = QColor(0xc0, 0x1c, 0x28);
            break;
        case Kind::Close:
            colour = QColor(0xb3, 0x5c, 0x00);
            break;
        case Kind::Text:
        case Kind::Binary:
            return;
        default:
            colour = option->palette.color(QPalette::PlaceholderText);
            break;
        }
        option->palette.setColor(QPalette::Text, colour);
    }
};

} // namespace

TrafficLogView::TrafficLogView(QWidget *parent) : QTableView(parent)
{
    setItemDelegate(new TrafficLogDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setShowGrid(false);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setHighlightSections(false);
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, &TrafficLogView::onRangeChanged);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &TrafficLogView::onValueChanged);
}

void TrafficLogView::setLogModel(MessageLogModel *model)
{
    setModel(model);
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    setColumnWidth(MessageLogModel::NumberColumn, digit * 8);
    setColumnWidth(MessageLogModel::TimeColumn, digit * 13);
    setColumnWidth(MessageLogModel::DirectionColumn, digit * 6);
    setColumnWidth(MessageLogModel::TypeColumn, digit * 11);
    setColumnWidth(MessageLogModel::SizeColumn, digit * 9);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            Q_EMIT currentRowChanged(current.isValid() ? current.row() : -1);
        });
    connect(model, &QAbstractItemModel::modelReset, this, [this] { Q_EMIT currentRowChanged(-1); });
}

void TrafficLogView::setFollowingTail(bool follow)
{
    if (follow)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    if (m_following != follow) {
        m_following = follow;
        Q_EMIT followingTailChanged(follow);
    }
}

void TrafficLogView::onRangeChanged(int, int max)
{
    if (!m_following)
        return;
    m_adjusting = true;
    verticalScrollBar()->setValue(max);
    m_adjusting = false;
}

void TrafficLogView::onValueChanged(int value)
{
    if (m_adjusting)
        return;
    const bool atBottom = value >= verticalScrollBar()->maximum();
    if (atBottom != m_following) {
        m_following = atBottom;
        Q_EMIT followingTailChanged(atBottom);
    }
}
