#include "TrafficLogView.h"

#include "MessageLogModel.h"
#include "Theme.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QStyledItemDelegate>
#include <QTextLayout>

using Kind = TrafficEvent::Kind;

namespace {

Theme::Role roleFor(Kind kind, bool problem)
{
    if (problem)
        return Theme::Role::Error;
    switch (kind) {
    case Kind::Error:
    case Kind::PongTimeout:
    case Kind::Fault:
        return Theme::Role::Error;
    case Kind::Close:
    case Kind::CloseFrame:
        return Theme::Role::Warning;
    default:
        return Theme::Role::Muted;
    }
}

// Colours rows by what they mean, highlights filter matches in the Content column, and draws a
// rule above each new connection attempt.
class TrafficLogDelegate : public QStyledItemDelegate
{
public:
    explicit TrafficLogDelegate(TrafficLogView *view) : QStyledItemDelegate(view), m_view(view) { }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const Kind kind = Kind(index.data(MessageLogModel::KindRole).toInt());
        if (kind == Kind::Connecting)
            option->font.setBold(true);
        if ((kind == Kind::Text || kind == Kind::Binary))
            return;
        option->palette.setColor(QPalette::Text,
            Theme::color(
                roleFor(kind, index.data(MessageLogModel::ProblemRole).toBool()), option->palette));
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override
    {
        const MessageLogModel *model = m_view->logModel();
        if (index.column() == MessageLogModel::PreviewColumn && model
            && !model->filter().text.isEmpty()) {
            QStyleOptionViewItem opt = option;
            initStyleOption(&opt, index);
            const QString text = opt.text;
            const auto matches = model->matchesIn(text);
            if (!matches.isEmpty()) {
                opt.text.clear();
                QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
                style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
                const QRect r = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, opt.widget)
                                    .adjusted(3, 0, -3, 0);
                // Cut with "…" like every other row; the marks stop where the text does.
                const QString shown
                    = QFontMetrics(opt.font).elidedText(text, opt.textElideMode, r.width());
                const qsizetype kept = shown == text ? text.size() : shown.size() - 1;
                QTextLayout layout(shown, opt.font);
                QList<QTextLayout::FormatRange> formats;
                for (const auto &[start, length] : matches) {
                    if (start >= kept)
                        continue;
                    QTextLayout::FormatRange range;
                    range.start = start;
                    range.length = int(qMin<qsizetype>(length, kept - start));
                    range.format.setBackground(
                        Theme::color(Theme::Role::MatchBackground, opt.palette));
                    range.format.setForeground(opt.palette.color(QPalette::Text));
                    formats << range;
                }
                layout.setFormats(formats);
                layout.beginLayout();
                QTextLine line = layout.createLine();
                line.setLineWidth(1e6);
                layout.endLayout();
                painter->save();
                painter->setClipRect(r);
                painter->setPen(opt.state & QStyle::State_Selected
                        ? opt.palette.color(QPalette::HighlightedText)
                        : opt.palette.color(QPalette::Text));
                layout.draw(
                    painter, QPointF(r.left(), r.top() + (r.height() - line.height()) / 2.0));
                painter->restore();
                return;
            }
        }
        QStyledItemDelegate::paint(painter, option, index);
        if (index.data(MessageLogModel::AttemptRole).toInt() > 1) {
            painter->save();
            painter->setPen(QPen(Theme::color(Theme::Role::Muted, option.palette), 1));
            painter->drawLine(option.rect.topLeft(), option.rect.topRight());
            painter->restore();
        }
    }

private:
    TrafficLogView *m_view;
};

} // namespace

TrafficLogView::TrafficLogView(QWidget *parent) : QTableView(parent)
{
    setItemDelegate(new TrafficLogDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setShowGrid(false);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem); // scroll values count rows
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setHighlightSections(false);
    setToolTip(QString());
    setAccessibleName(tr("Traffic log"));
    m_emptyText = tr("Connect to a server, or open a recording");
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, &TrafficLogView::onRangeChanged);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &TrafficLogView::onValueChanged);
}

void TrafficLogView::setLogModel(MessageLogModel *model)
{
    m_model = model;
    setModel(model);
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    setColumnWidth(MessageLogModel::NumberColumn, digit * 8);
    setColumnWidth(MessageLogModel::TimeColumn, digit * 13);
    setColumnWidth(MessageLogModel::DirectionColumn, digit * 6);
    setColumnWidth(MessageLogModel::TypeColumn, digit * 11);
    setColumnWidth(MessageLogModel::SizeColumn, digit * 9);
    setColumnWidth(MessageLogModel::CheckColumn, digit * 8);
    // The test column shows only once a test gave the rows verdicts.
    setColumnHidden(MessageLogModel::CheckColumn, !model->hasVerdicts());
    connect(model, &QAbstractItemModel::dataChanged, this,
        [this] { setColumnHidden(MessageLogModel::CheckColumn, !m_model->hasVerdicts()); });
    connect(model, &QAbstractItemModel::modelReset, this,
        [this] { setColumnHidden(MessageLogModel::CheckColumn, !m_model->hasVerdicts()); });
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            // The user picked a row: keep it in view rather than following new ones.
            if (current.isValid() && !m_adjusting)
                setFollowingTail(false);
            Q_EMIT currentRowChanged(current.isValid() ? current.row() : -1);
        });
    // Old rows dropped from the top: keep what the user is looking at in place.
    connect(model, &QAbstractItemModel::rowsRemoved, this,
        [this](const QModelIndex &, int first, int last) {
            if (m_following || first != 0)
                return;
            m_adjusting = true;
            verticalScrollBar()->setValue(verticalScrollBar()->value() - (last - first + 1));
            m_adjusting = false;
        });
    // A new filter rebuilds the rows: put the selection back on the same message.
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        const QModelIndex current = currentIndex();
        m_currentIdBeforeReset = current.isValid() ? m_model->idAt(current.row()) : -1;
    });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        const int row = m_currentIdBeforeReset >= 0 ? m_model->rowOfId(m_currentIdBeforeReset) : -1;
        if (row >= 0) {
            m_adjusting = true;
            const QModelIndex index = m_model->index(row, 0);
            selectionModel()->setCurrentIndex(
                index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            scrollTo(index, QAbstractItemView::PositionAtCenter);
            m_adjusting = false;
        } else {
            Q_EMIT currentRowChanged(-1);
        }
        viewport()->update();
    });
}

void TrafficLogView::setFollowingTail(bool follow)
{
    if (follow) {
        m_adjusting = true;
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
        m_adjusting = false;
    }
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
    // Scrolling up stops following; scrolling back to the bottom with nothing selected resumes.
    const bool atBottom = value >= verticalScrollBar()->maximum();
    if (!atBottom && m_following)
        setFollowingTail(false);
    else if (atBottom && !m_following && !currentIndex().isValid())
        setFollowingTail(true);
}

void TrafficLogView::keyPressEvent(QKeyEvent *event)
{
    if (event == QKeySequence::Copy) {
        copySelection();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_End && event->modifiers() == Qt::NoModifier) {
        setFollowingTail(true);
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

QString TrafficLogView::emptyText() const
{
    if (m_model && m_model->rowCount() == 0 && m_model->totalRows() > 0)
        return tr("No message matches: %1").arg(m_model->filter().describe());
    return m_emptyText;
}

void TrafficLogView::paintEvent(QPaintEvent *event)
{
    QTableView::paintEvent(event);
    if (!m_model || m_model->rowCount() > 0)
        return;
    QPainter p(viewport());
    p.setPen(Theme::color(Theme::Role::Muted, palette()));
    p.drawText(viewport()->rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
        emptyText());
}

void TrafficLogView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(tr("Copy Payloads"), QKeySequence::Copy, this, &TrafficLogView::copySelection);
    menu.addAction(tr("Copy as JSON"), this, &TrafficLogView::copyAsJson);
    menu.exec(event->globalPos());
}

QList<int> TrafficLogView::selectedRowNumbers() const
{
    QList<int> rows;
    if (!selectionModel())
        return rows;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

QString TrafficLogView::selectedPayloads() const
{
    QStringList lines;
    for (int row : selectedRowNumbers()) {
        const TrafficEvent e = m_model->eventAt(row);
        if (e.kind == Kind::Text)
            lines << e.text;
        else if (e.hasPayload())
            lines << QString::fromLatin1(e.data.toHex(' '));
        else
            lines << MessageLogModel::preview(e, {});
    }
    return lines.join(QLatin1Char('\n'));
}

QString TrafficLogView::selectedAsJson() const
{
    QJsonArray array;
    for (int row : selectedRowNumbers()) {
        const TrafficEvent e = m_model->eventAt(row);
        QJsonObject o;
        o.insert(QStringLiteral("n"), m_model->idAt(row) + 1);
        o.insert(QStringLiteral("timeUs"), e.timeUs);
        o.insert(QStringLiteral("time"),
            m_model->data(m_model->index(row, MessageLogModel::TimeColumn), Qt::ToolTipRole)
                .toString());
        o.insert(QStringLiteral("direction"), TrafficEvent::directionName(e.direction));
        o.insert(QStringLiteral("type"), TrafficEvent::kindName(e.kind));
        if (e.hasPayload())
            o.insert(QStringLiteral("size"), e.size);
        if (e.kind == Kind::Text)
            o.insert(QStringLiteral("text"), e.text);
        else if (e.hasPayload())
            o.insert(QStringLiteral("base64"), QString::fromLatin1(e.data.toBase64()));
        else
            o.insert(QStringLiteral("detail"), MessageLogModel::preview(e, {}));
        array.append(o);
    }
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
}

void TrafficLogView::copySelection()
{
    if (!selectedRowNumbers().isEmpty())
        QApplication::clipboard()->setText(selectedPayloads());
}

void TrafficLogView::copyAsJson()
{
    if (!selectedRowNumbers().isEmpty())
        QApplication::clipboard()->setText(selectedAsJson());
}
