#include "MessageLogModel.h"

#include "CloseCode.h"

#include <QDateTime>
#include <QLatin1StringView>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

bool isAscii(const QByteArray &bytes)
{
    return std::all_of(bytes.cbegin(), bytes.cend(), [](char c) { return uchar(c) < 0x80; });
}

// The first `limit` bytes of UTF-8 text, cut at a character boundary.
QByteArrayView utf8Prefix(QByteArrayView bytes, qsizetype limit)
{
    if (bytes.size() <= limit)
        return bytes;
    while (limit > 0 && (uchar(bytes.at(limit)) & 0xC0) == 0x80)
        --limit;
    return bytes.first(limit);
}

} // namespace

MessageLogModel::MessageLogModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setInterval(CommitIntervalMs);
    connect(&m_commitTimer, &QTimer::timeout, this, &MessageLogModel::commitPending);
}

void MessageLogModel::enqueue(const TrafficBatch &batch)
{
    if (batch.isEmpty())
        return;
    for (const TrafficEvent &e : batch.events) {
        if (!e.isMessage())
            continue;
        if (e.direction == Direction::Incoming) {
            ++m_statistics.messagesIn;
            m_statistics.bytesIn += e.size;
        } else {
            ++m_statistics.messagesOut;
            m_statistics.bytesOut += e.size;
        }
    }
    m_pending.append(batch);
    m_pendingEvents += batch.events.size();
    Q_EMIT statisticsChanged();
    if (m_paused)
        Q_EMIT pendingCountChanged(m_pendingEvents);
    else if (!m_commitTimer.isActive())
        m_commitTimer.start();
}

void MessageLogModel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused)
        commitPending();
}

void MessageLogModel::commitPending()
{
    if (m_pending.isEmpty())
        return;
    QList<Record> added;
    added.reserve(m_pendingEvents);
    for (const TrafficBatch &batch : std::as_const(m_pending)) {
        const quint32 chunkId = m_chunkBase + quint32(m_chunks.size());
        if (!batch.payloads.isEmpty())
            m_chunks.append(batch.payloads);
        for (const TrafficEvent &e : batch.events) {
            Record r {e.timeUs, InDetails, 0, quint32(qMin<qint64>(e.size, 0xffffffff)),
                quint8(e.kind), quint8(e.direction), 0};
            if (e.isMessage() && e.payloadOffset >= 0) {
                r.chunk = chunkId;
                r.offset = quint32(e.payloadOffset);
            } else {
                r.offset = m_detailBase + quint32(m_details.size());
                TrafficEvent d = e;
                if (e.payloadOffset >= 0) { // a ping or pong payload: keep it with the event
                    d.data = batch.payload(e);
                    d.payloadOffset = -1;
                }
                m_details.append(std::move(d));
            }
            added.append(r);
        }
    }
    m_pending.clear();
    m_pendingEvents = 0;
    Q_EMIT pendingCountChanged(0);

    const qint64 firstId = m_dropped + m_records.size();
    if (m_filtered) {
        QList<qint64> visible;
        for (qsizetype i = 0; i < added.size(); ++i) {
            if (matches(added.at(i)))
                visible.append(firstId + i);
        }
        if (!visible.isEmpty()) {
            beginInsertRows({}, int(m_visible.size()), int(m_visible.size() + visible.size() - 1));
            m_records.append(added);
            m_visible.append(visible);
            endInsertRows();
        } else {
            m_records.append(added);
        }
    } else {
        beginInsertRows({}, int(m_records.size()), int(m_records.size() + added.size() - 1));
        m_records.append(added);
        endInsertRows();
    }
    trimToCap();
    Q_EMIT rowsCommitted();
}

void MessageLogModel::setRowCap(qint64 cap)
{
    m_rowCap = qMax<qint64>(0, cap);
    trimToCap();
}

void MessageLogModel::trimToCap()
{
    const qint64 excess = m_rowCap > 0 ? m_records.size() - m_rowCap : 0;
    if (excess <= 0)
        return;
    const qint64 firstKeptId = m_dropped + excess;
    if (m_filtered) {
        const auto firstKept = std::lower_bound(m_visible.cbegin(), m_visible.cend(), firstKeptId);
        const qsizetype removed = firstKept - m_visible.cbegin();
        if (removed > 0)
            beginRemoveRows({}, 0, int(removed - 1));
        m_visible.remove(0, removed);
        m_records.remove(0, excess); // O(1): QList drops from the front by moving its start
        m_dropped += excess;
        if (removed > 0)
            endRemoveRows();
    } else {
        beginRemoveRows({}, 0, int(excess - 1));
        m_records.remove(0, excess);
        m_dropped += excess;
        endRemoveRows();
    }
    // Release the payload chunks and details no kept row refers to. Ids grow with the rows, so
    // the first kept row of each sort holds the smallest id still in use.
    quint32 minChunk = m_chunkBase + quint32(m_chunks.size());
    quint32 minDetail = m_detailBase + quint32(m_details.size());
    bool chunkFound = false;
    bool detailFound = false;
    for (const Record &r : std::as_const(m_records)) {
        if (!chunkFound && r.chunk != InDetails) {
            minChunk = r.chunk;
            chunkFound = true;
        } else if (!detailFound && r.chunk == InDetails) {
            minDetail = r.offset;
            detailFound = true;
        }
        if (chunkFound && detailFound)
            break;
    }
    m_chunks.remove(0, minChunk - m_chunkBase);
    m_chunkBase = minChunk;
    m_details.remove(0, minDetail - m_detailBase);
    m_detailBase = minDetail;
}

void MessageLogModel::clear()
{
    beginResetModel();
    m_records.clear();
    m_chunkBase += quint32(m_chunks.size());
    m_chunks.clear();
    m_detailBase += quint32(m_details.size());
    m_details.clear();
    m_visible.clear();
    m_dropped = 0;
    endResetModel();
}

bool MessageLogModel::setFilter(const Filter &filter, QString *error)
{
    QRegularExpression regex;
    if (filter.regex && !filter.text.isEmpty()) {
        regex = QRegularExpression(filter.text,
            filter.caseSensitive ? QRegularExpression::NoPatternOption
                                 : QRegularExpression::CaseInsensitiveOption);
        if (!regex.isValid()) {
            if (error)
                *error = QStringLiteral("invalid regular expression at %1: %2")
                             .arg(regex.patternErrorOffset())
                             .arg(regex.errorString());
            return false;
        }
        regex.optimize();
    }
    beginResetModel();
    m_filter = filter;
    m_regex = regex;
    m_needle = filter.text.toUtf8();
    m_filtered = filter.isActive();
    m_visible.clear();
    if (m_filtered) {
        for (qsizetype i = 0; i < m_records.size(); ++i) {
            if (matches(m_records.at(i)))
                m_visible.append(m_dropped + i);
        }
    }
    endResetModel();
    return true;
}

bool MessageLogModel::matches(const Record &r) const
{
    if (m_filter.direction == Filter::Direction::Incoming
        && r.direction != quint8(Direction::Incoming))
        return false;
    if (m_filter.direction == Filter::Direction::Outgoing
        && r.direction != quint8(Direction::Outgoing))
        return false;
    if (!(m_filter.kinds & (1u << r.kind)))
        return false;
    if (m_filter.text.isEmpty())
        return true;

    if (r.chunk == InDetails) {
        const TrafficEvent &e = detail(r);
        const QString haystack
            = e.kind == Kind::Binary || e.kind == Kind::Ping || e.kind == Kind::Pong
            ? QString::fromUtf8(e.data)
            : (e.kind == Kind::Close ? QString::number(e.code) + QLatin1Char(' ') + e.text
                                     : e.text);
        if (m_filter.regex)
            return m_regex.match(haystack).hasMatch();
        return haystack.contains(
            m_filter.text, m_filter.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive);
    }
    const QByteArrayView bytes = payloadView(r);
    if (m_filter.regex)
        return m_regex.match(QString::fromUtf8(bytes)).hasMatch();
    if (m_filter.caseSensitive)
        return bytes.indexOf(m_needle) >= 0;
    if (isAscii(m_needle)) // compares bytes, folding ASCII letters only: no decoding needed
        return QLatin1StringView(bytes.data(), bytes.size())
            .contains(QLatin1StringView(m_needle), Qt::CaseInsensitive);
    return QString::fromUtf8(bytes).contains(m_filter.text, Qt::CaseInsensitive);
}

QByteArrayView MessageLogModel::payloadView(const Record &r) const
{
    if (r.chunk == InDetails) {
        const TrafficEvent &e = detail(r);
        return QByteArrayView(e.data);
    }
    return QByteArrayView(m_chunks.at(r.chunk - m_chunkBase).constData() + r.offset, r.size);
}

void MessageLogModel::setShowWallClock(bool show)
{
    if (m_showWallClock == show)
        return;
    m_showWallClock = show;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, TimeColumn), index(rowCount() - 1, TimeColumn));
    Q_EMIT headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
}

qint64 MessageLogModel::wallMsAt(int row) const
{
    return m_wallOriginMs + m_records.at(sourceRow(row)).timeUs / 1000;
}

TrafficEvent MessageLogModel::eventAt(int row) const
{
    const Record &r = m_records.at(sourceRow(row));
    if (r.chunk == InDetails)
        return detail(r);
    TrafficEvent e;
    e.kind = Kind(r.kind);
    e.direction = Direction(r.direction);
    e.timeUs = r.timeUs;
    e.wallMs = m_wallOriginMs + r.timeUs / 1000;
    e.size = r.size;
    const QByteArrayView bytes = payloadView(r);
    if (e.kind == Kind::Text)
        e.text = QString::fromUtf8(bytes);
    else
        e.data = bytes.toByteArray();
    return e;
}

QByteArray MessageLogModel::payloadAt(int row) const
{
    const Record &r = m_records.at(sourceRow(row));
    if (r.chunk == InDetails && Kind(r.kind) == Kind::Text)
        return detail(r).text.toUtf8();
    return payloadView(r).toByteArray();
}

int MessageLogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_filtered ? m_visible.size() : m_records.size());
}

int MessageLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString MessageLogModel::formatSize(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(bytes / 1024.0, 0, 'f', 1);
    if (bytes < qint64(1024) * 1024 * 1024)
        return QStringLiteral("%1 MiB").arg(bytes / (1024.0 * 1024), 0, 'f', 1);
    return QStringLiteral("%1 GiB").arg(bytes / (1024.0 * 1024 * 1024), 0, 'f', 2);
}

QString MessageLogModel::preview(const TrafficEvent &e, QByteArrayView payload)
{
    switch (e.kind) {
    case Kind::Text: {
        const QByteArrayView head = utf8Prefix(payload, PreviewBytes);
        QString text = payload.isEmpty() && !e.text.isEmpty() ? e.text.left(PreviewBytes)
                                                              : QString::fromUtf8(head);
        for (QChar &c : text) {
            if (c == QLatin1Char('\n') || c == QLatin1Char('\r') || c == QLatin1Char('\t'))
                c = QLatin1Char(' ');
        }
        if (e.size > text.size() && e.size > head.size())
            text += QChar(0x2026);
        return text;
    }
    case Kind::Binary: {
        constexpr int Shown = 24;
        QString hex = QString::fromLatin1(
            payload.first(qMin<qsizetype>(payload.size(), Shown)).toByteArray().toHex(' '));
        return payload.size() > Shown ? hex + QStringLiteral(" \u2026") : hex;
    }
    case Kind::Ping:
        if (e.direction == TrafficEvent::Direction::Incoming)
            return QStringLiteral("server ping (%1 bytes)").arg(e.size);
        return QStringLiteral("ping #%1").arg(e.sequence);
    case Kind::Pong:
        if (e.direction == TrafficEvent::Direction::Outgoing)
            return e.durationUs >= 0 ? QStringLiteral("pong to server ping after %1 ms")
                                           .arg(e.durationUs / 1000.0, 0, 'f', 3)
                                     : QStringLiteral("pong to server ping");
        return e.durationUs >= 0 ? QStringLiteral("pong #%1  %2 ms")
                                       .arg(e.sequence)
                                       .arg(e.durationUs / 1000.0, 0, 'f', 3)
                                 : QStringLiteral("pong (not ours)");
    case Kind::Handshake:
        return e.text.left(e.text.indexOf(QLatin1Char('\r')));
    case Kind::CloseFrame: {
        QString line = QStringLiteral("close frame ") + CloseCode::describe(e.code);
        if (!e.text.isEmpty())
            line += QStringLiteral(": ") + e.text;
        return line;
    }
    case Kind::Open:
        return e.text.isEmpty() ? QStringLiteral("connected")
                                : QStringLiteral("connected, subprotocol %1").arg(e.text);
    case Kind::Close: {
        const QString who = TrafficEvent::closerName(e.closedBy);
        QString line = CloseCode::describe(e.code);
        if (!who.isEmpty())
            line += QStringLiteral(" by ") + who;
        if (!e.text.isEmpty())
            line += QStringLiteral(": ") + e.text;
        return line;
    }
    case Kind::Connecting:
        return QStringLiteral("connecting to %1").arg(e.text);
    case Kind::Error:
    case Kind::PongTimeout:
    case Kind::HeartbeatChange:
    case Kind::Note:
    case Kind::Fault:
        return e.text;
    }
    return {};
}

QVariant MessageLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const int row = sourceRow(index.row());
    const Record &r = m_records.at(row);
    const Kind kind = Kind(r.kind);
    const Direction direction = Direction(r.direction);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NumberColumn:
            return m_dropped + row + 1;
        case TimeColumn:
            if (m_showWallClock)
                return QDateTime::fromMSecsSinceEpoch(m_wallOriginMs + r.timeUs / 1000)
                    .toString(QStringLiteral("HH:mm:ss.zzz"));
            return QString::number(r.timeUs / 1e6, 'f', 6);
        case DirectionColumn:
            return direction == Direction::Incoming ? QStringLiteral("\u2193 in")
                : direction == Direction::Outgoing  ? QStringLiteral("\u2191 out")
                                                    : QString();
        case TypeColumn:
            return TrafficEvent::kindName(kind);
        case SizeColumn:
            return (kind == Kind::Text || kind == Kind::Binary) ? formatSize(r.size) : QString();
        case PreviewColumn:
            if (r.chunk == InDetails)
                return preview(detail(r), QByteArrayView(detail(r).data));
            {
                TrafficEvent e;
                e.timeUs = r.timeUs;
                e.size = r.size;
                e.kind = kind;
                e.direction = direction;
                return preview(e, payloadView(r));
            }
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return QDateTime::fromMSecsSinceEpoch(m_wallOriginMs + r.timeUs / 1000)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t"));
        if (index.column() == SizeColumn && (kind == Kind::Text || kind == Kind::Binary))
            return QStringLiteral("%1 bytes").arg(r.size);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == NumberColumn || index.column() == SizeColumn
            || index.column() == TimeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case KindRole:
        return int(kind);
    case DirectionRole:
        return int(direction);
    case TimeUsRole:
        return r.timeUs;
    case SizeRole:
        return qint64(r.size);
    }
    return {};
}

QVariant MessageLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NumberColumn:
        return QStringLiteral("#");
    case TimeColumn:
        return m_showWallClock ? QStringLiteral("Time") : QStringLiteral("Time (s)");
    case DirectionColumn:
        return QStringLiteral("Dir");
    case TypeColumn:
        return QStringLiteral("Type");
    case SizeColumn:
        return QStringLiteral("Size");
    case PreviewColumn:
        return QStringLiteral("Content");
    }
    return {};
}
