#include "MessageLogModel.h"

#include "CloseCode.h"

#include <QDateTime>
#include <QLatin1StringView>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

static_assert(int(Kind::Script) < 16, "a record keeps the kind in 4 bits");

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

bool isRoutineHeartbeat(Kind kind)
{
    return kind == Kind::Ping || kind == Kind::Pong || kind == Kind::CloseFrame;
}

constexpr qint64 MaxTimeUs = (qint64(1) << 48) - 1;

} // namespace

QString MessageLogModel::Filter::describe() const
{
    QStringList parts;
    if (direction == Direction::Incoming)
        parts << QStringLiteral("incoming");
    else if (direction == Direction::Outgoing)
        parts << QStringLiteral("outgoing");
    if (kinds != AllKinds)
        parts << QStringLiteral("of the chosen types");
    if (!text.isEmpty())
        parts << (regex ? QStringLiteral("matching /%1/").arg(text)
                        : QStringLiteral("containing \u201c%1\u201d").arg(text));
    if (!routineHeartbeat && parts.isEmpty())
        parts << QStringLiteral("besides pings and pongs");
    return parts.join(QStringLiteral(", "));
}

MessageLogModel::MessageLogModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setInterval(CommitIntervalMs);
    connect(&m_commitTimer, &QTimer::timeout, this, &MessageLogModel::commitSome);
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
        commitSome(); // a long pause's rows come a slice at a time, as a flood's do
}

qint64 MessageLogModel::frameHeaderSize(qint64 payloadSize, bool masked)
{
    const qint64 length = payloadSize < 126 ? 0 : (payloadSize <= 0xffff ? 2 : 8);
    return 2 + length + (masked ? 4 : 0);
}

MessageLogModel::Record MessageLogModel::makeRecord(
    const TrafficEvent &e, quint32 flags, quint64 where)
{
    const quint64 time = quint64(qBound<qint64>(0, e.timeUs, MaxTimeUs));
    Record r;
    r.timeLow = quint32(time);
    r.mixed = quint32(time >> 32) | (quint32(e.kind) << 16) | (quint32(e.direction) << 20) | flags
        | quint32(where >> 32) << WhereHighShift;
    r.where = quint32(where);
    return r;
}

void MessageLogModel::commitPending()
{
    commitBatches(m_pending.size(), m_pendingEvents);
}

void MessageLogModel::commitSome()
{
    m_commitTimer.setInterval(CommitIntervalMs);
    qsizetype count = 0;
    qint64 rows = 0;
    while (count < m_pending.size()
        && (count == 0 || rows + m_pending.at(count).events.size() <= MaxRowsPerCommit)) {
        rows += m_pending.at(count).events.size();
        ++count;
    }
    commitBatches(count, rows);
    if (!m_pending.isEmpty() && !m_paused)
        m_commitTimer.start(0); // the rest on the next turn of the event loop
}

void MessageLogModel::commitBatches(qsizetype count, qint64 rows)
{
    if (count == 0)
        return;
    // Records go straight into the log (no temporary list): without a filter the insert is
    // announced first; with one, the rows count only once they are made visible below.
    const qsizetype firstIndex = m_records.size();
    const qint64 firstId = m_dropped + firstIndex;
    if (!m_filtered)
        beginInsertRows({}, int(firstIndex), int(firstIndex + rows - 1));
    auto added = [this, firstIndex] { return m_records.size() - firstIndex; };
    for (qsizetype b = 0; b < count; ++b) {
        const TrafficBatch &batch = m_pending.at(b);
        const qint64 batchFirstId = firstId + added();
        bool chunkAdded = false;
        for (const TrafficEvent &e : batch.events) {
            const qint64 id = firstId + added();
            quint32 flags = 0;
            // A message the proxy injected or edited (rare) keeps its origin among the details.
            const bool packed = e.isMessage() && e.payloadOffset >= 0
                && e.payloadOffset < (1 << OffsetBits) && e.size < (1 << SizeBits)
                && e.origin == TrafficEvent::Origin::Peer;
            if (packed) {
                if (!chunkAdded) {
                    m_chunks.append(batch.payloads);
                    m_chunkFirstId.append(batchFirstId);
                    chunkAdded = true;
                }
                if (e.hasWireInfo()) {
                    const bool masked = e.frameFlags & TrafficEvent::Masked;
                    const bool plain = e.frames == 1 && e.opcode == (e.kind == Kind::Text ? 1 : 2)
                        && !(e.frameFlags
                            & (TrafficEvent::Rsv1 | TrafficEvent::Rsv2 | TrafficEvent::Rsv3
                                | TrafficEvent::Compressed))
                        && masked == (e.direction == Direction::Outgoing)
                        && e.wireSize == e.size + frameHeaderSize(e.size, masked);
                    if (plain) {
                        flags |= PlainWire;
                    } else {
                        flags |= WireExtra;
                        m_wire.append({id, e.wireSize, e.frames, e.frameFlags, e.opcode});
                    }
                }
                m_records.append(makeRecord(
                    e, flags, quint64(e.payloadOffset) | (quint64(e.size) << OffsetBits)));
                continue;
            }
            TrafficEvent d = e;
            if (e.payloadOffset >= 0) { // kept with the event, resolved
                if (e.kind == Kind::Text)
                    d.text = batch.text(e);
                else
                    d.data = batch.payload(e);
                d.payloadOffset = -1;
            }
            switch (e.kind) {
            case Kind::Connecting:
                d.sequence = quint32(++m_attempts);
                m_timedOutPings.clear();
                break;
            case Kind::PongTimeout:
                m_timedOutPings.insert(e.sequence);
                break;
            case Kind::Pong:
                if (e.direction == Direction::Incoming && m_timedOutPings.remove(e.sequence))
                    flags |= Problem;
                break;
            case Kind::Script: // errors and failed tests stand out like errors
                if (e.code != quint16(TrafficEvent::ScriptNote::Log)
                    && e.code != quint16(TrafficEvent::ScriptNote::TestPassed))
                    flags |= Problem;
                break;
            default:
                break;
            }
            flags |= InDetails;
            const quint64 detailId = m_detailBase + quint64(m_details.size());
            m_details.append(std::move(d));
            m_detailRowIds.append(id);
            m_records.append(makeRecord(e, flags, detailId));
        }
    }
    m_pending.remove(0, count);
    m_pendingEvents -= rows;

    if (m_filtered) {
        QList<qint64> visible;
        for (qsizetype i = firstIndex; i < m_records.size(); ++i) {
            if (matches(m_dropped + i, m_records.at(i)))
                visible.append(m_dropped + i);
        }
        if (!visible.isEmpty()) {
            const int first = int(visibleCount());
            beginInsertRows({}, first, first + int(visible.size()) - 1);
            for (qint64 id : std::as_const(visible))
                appendVisible(id);
            endInsertRows();
        }
    } else {
        endInsertRows();
    }
    Q_EMIT pendingCountChanged(m_pendingEvents);
    trimToCap();
    Q_EMIT rowsCommitted();
}

void MessageLogModel::appendVisible(qint64 id)
{
    if (!m_runs.isEmpty()
        && m_runs.constLast().id + (m_visibleEnd - m_runs.constLast().ordinal) == id) {
        ++m_visibleEnd;
        return;
    }
    m_runs.append({m_visibleEnd, id});
    ++m_visibleEnd;
}

int MessageLogModel::sourceRow(int row) const
{
    if (!m_filtered)
        return row;
    const qint64 ordinal = m_visibleBase + row;
    auto it = std::upper_bound(m_runs.cbegin(), m_runs.cend(), ordinal,
        [](qint64 o, const Run &run) { return o < run.ordinal; });
    Q_ASSERT(it != m_runs.cbegin());
    --it;
    return int(it->id + (ordinal - it->ordinal) - m_dropped);
}

int MessageLogModel::rowOfId(qint64 id) const
{
    if (id < m_dropped || id >= m_dropped + m_records.size())
        return -1;
    if (!m_filtered)
        return int(id - m_dropped);
    auto it = std::upper_bound(
        m_runs.cbegin(), m_runs.cend(), id, [](qint64 i, const Run &run) { return i < run.id; });
    if (it == m_runs.cbegin())
        return -1;
    const qint64 nextOrdinal = it == m_runs.cend() ? m_visibleEnd : it->ordinal;
    --it;
    const qint64 offset = id - it->id;
    if (offset >= nextOrdinal - it->ordinal)
        return -1;
    return int(it->ordinal + offset - m_visibleBase);
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
        qint64 newBase = m_visibleEnd;
        qsizetype gone = 0;
        for (; gone < m_runs.size(); ++gone) {
            Run &run = m_runs[gone];
            const qint64 next
                = gone + 1 < m_runs.size() ? m_runs.at(gone + 1).ordinal : m_visibleEnd;
            if (run.id + (next - run.ordinal) <= firstKeptId)
                continue; // the whole run goes
            if (run.id < firstKeptId) {
                const qint64 skip = firstKeptId - run.id;
                run.ordinal += skip;
                run.id += skip;
            }
            newBase = run.ordinal;
            break;
        }
        const qint64 removed = newBase - m_visibleBase;
        if (removed > 0)
            beginRemoveRows({}, 0, int(removed - 1));
        m_runs.remove(0, gone);
        m_visibleBase = newBase;
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
    // Release what no kept row refers to: a chunk holds the payloads of the rows from its first
    // id up to the next chunk's.
    qsizetype chunks = 0;
    while (chunks + 1 < m_chunkFirstId.size() && m_chunkFirstId.at(chunks + 1) <= firstKeptId)
        ++chunks;
    m_chunks.remove(0, chunks);
    m_chunkFirstId.remove(0, chunks);
    const qsizetype details
        = std::lower_bound(m_detailRowIds.cbegin(), m_detailRowIds.cend(), firstKeptId)
        - m_detailRowIds.cbegin();
    m_details.remove(0, details);
    m_detailRowIds.remove(0, details);
    m_detailBase += quint64(details);
    const qsizetype wire = std::lower_bound(m_wire.cbegin(), m_wire.cend(), firstKeptId,
                               [](const WireRecord &w, qint64 id) { return w.id < id; })
        - m_wire.cbegin();
    m_wire.remove(0, wire);
}

void MessageLogModel::setVerdicts(const QHash<qint64, Verdict> &verdicts)
{
    m_verdicts = verdicts;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void MessageLogModel::addVerdicts(const QHash<qint64, Verdict> &verdicts)
{
    if (verdicts.isEmpty())
        return;
    m_verdicts.insert(verdicts);
    // One notification for the lot: views repaint what they show, whatever the range.
    Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void MessageLogModel::clear()
{
    beginResetModel();
    m_records.clear();
    m_chunks.clear();
    m_chunkFirstId.clear();
    m_details.clear();
    m_verdicts.clear();
    m_detailRowIds.clear();
    m_detailBase = 0;
    m_wire.clear();
    m_runs.clear();
    m_visibleBase = m_visibleEnd = 0;
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
    m_runs.clear();
    m_visibleBase = m_visibleEnd = 0;
    if (m_filtered) {
        for (qsizetype i = 0; i < m_records.size(); ++i) {
            if (matches(m_dropped + i, m_records.at(i)))
                appendVisible(m_dropped + i);
        }
    }
    endResetModel();
    return true;
}

QList<std::pair<int, int>> MessageLogModel::matchesIn(const QString &text) const
{
    QList<std::pair<int, int>> result;
    if (m_filter.text.isEmpty() || text.isEmpty())
        return result;
    if (m_filter.regex) {
        for (auto it = m_regex.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            if (m.capturedLength() > 0)
                result.append({int(m.capturedStart()), int(m.capturedLength())});
        }
        return result;
    }
    const Qt::CaseSensitivity cs = m_filter.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    for (qsizetype at = text.indexOf(m_filter.text, 0, cs); at >= 0;
         at = text.indexOf(m_filter.text, at + m_filter.text.size(), cs))
        result.append({int(at), int(m_filter.text.size())});
    return result;
}

bool MessageLogModel::matches(qint64 id, const Record &r) const
{
    const Direction direction = directionOf(r);
    const Kind kind = kindOf(r);
    if (m_filter.direction == Filter::Direction::Incoming && direction != Direction::Incoming)
        return false;
    if (m_filter.direction == Filter::Direction::Outgoing && direction != Direction::Outgoing)
        return false;
    if (!(m_filter.kinds & (1u << int(kind))))
        return false;
    if (!m_filter.routineHeartbeat && isRoutineHeartbeat(kind) && !(r.mixed & Problem))
        return false;
    if (m_filter.text.isEmpty())
        return true;

    if (r.mixed & InDetails) {
        const TrafficEvent &e = detail(r);
        const QString haystack
            = e.kind == Kind::Binary || e.kind == Kind::Ping || e.kind == Kind::Pong
            ? QString::fromUtf8(e.data)
            : (e.kind == Kind::Close || e.kind == Kind::CloseFrame
                    ? QString::number(e.code) + QLatin1Char(' ') + e.text
                    : e.text);
        if (m_filter.regex)
            return m_regex.match(haystack).hasMatch();
        return haystack.contains(
            m_filter.text, m_filter.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive);
    }
    const QByteArrayView bytes = payloadView(id, r);
    if (m_filter.regex)
        return m_regex.match(QString::fromUtf8(bytes)).hasMatch();
    if (m_filter.caseSensitive)
        return bytes.indexOf(m_needle) >= 0;
    if (isAscii(m_needle)) // compares bytes, folding ASCII letters only: no decoding needed
        return QLatin1StringView(bytes.data(), bytes.size())
            .contains(QLatin1StringView(m_needle), Qt::CaseInsensitive);
    return QString::fromUtf8(bytes).contains(m_filter.text, Qt::CaseInsensitive);
}

QByteArrayView MessageLogModel::payloadView(qint64 id, const Record &r) const
{
    if (r.mixed & InDetails)
        return QByteArrayView(detail(r).data);
    const auto it = std::upper_bound(m_chunkFirstId.cbegin(), m_chunkFirstId.cend(), id);
    const QByteArray &chunk = m_chunks.at(it - m_chunkFirstId.cbegin() - 1);
    const quint64 where = whereOf(r);
    const qsizetype offset = qsizetype(where & ((1u << OffsetBits) - 1));
    const qsizetype size = qsizetype(where >> OffsetBits);
    return QByteArrayView(chunk.constData() + offset, size);
}

const MessageLogModel::WireRecord *MessageLogModel::wireRecord(qint64 id) const
{
    const auto it = std::lower_bound(
        m_wire.cbegin(), m_wire.cend(), id, [](const WireRecord &w, qint64 i) { return w.id < i; });
    return it != m_wire.cend() && it->id == id ? &*it : nullptr;
}

void MessageLogModel::fillWireInfo(qint64 id, const Record &r, TrafficEvent *e) const
{
    if (r.mixed & PlainWire) {
        const bool masked = e->direction == Direction::Outgoing;
        e->frameFlags = TrafficEvent::WireInfo | (masked ? TrafficEvent::Masked : 0);
        e->frames = 1;
        e->opcode = e->kind == Kind::Text ? 1 : 2;
        e->wireSize = e->size + frameHeaderSize(e->size, masked);
    } else if (r.mixed & WireExtra) {
        if (const WireRecord *w = wireRecord(id)) {
            e->frameFlags = w->flags;
            e->frames = w->frames;
            e->opcode = w->opcode;
            e->wireSize = w->wireSize;
        }
    }
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
    return m_wallOriginMs + timeOf(m_records.at(sourceRow(row))) / 1000;
}

TrafficEvent MessageLogModel::eventAt(int row) const
{
    const int source = sourceRow(row);
    const Record &r = m_records.at(source);
    if (r.mixed & InDetails)
        return detail(r);
    TrafficEvent e;
    e.kind = kindOf(r);
    e.direction = directionOf(r);
    e.timeUs = timeOf(r);
    e.wallMs = m_wallOriginMs + e.timeUs / 1000;
    const qint64 id = m_dropped + source;
    const QByteArrayView bytes = payloadView(id, r);
    e.size = bytes.size();
    if (e.kind == Kind::Text)
        e.text = QString::fromUtf8(bytes);
    else
        e.data = bytes.toByteArray();
    fillWireInfo(id, r, &e);
    return e;
}

QByteArray MessageLogModel::payloadAt(int row) const
{
    const int source = sourceRow(row);
    const Record &r = m_records.at(source);
    if ((r.mixed & InDetails) && kindOf(r) == Kind::Text)
        return detail(r).text.toUtf8();
    return payloadView(m_dropped + source, r).toByteArray();
}

QByteArray MessageLogModel::payloadHeadAt(int row, qsizetype bytes) const
{
    const int source = sourceRow(row);
    const Record &r = m_records.at(source);
    if ((r.mixed & InDetails) && kindOf(r) == Kind::Text) // UTF-8 takes at most 3 bytes a QChar
        return QStringView(detail(r).text).left(bytes).toUtf8().left(bytes);
    const QByteArrayView view = payloadView(m_dropped + source, r);
    return view.first(qMin(bytes, view.size())).toByteArray();
}

int MessageLogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_filtered ? visibleCount() : m_records.size());
}

int MessageLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString MessageLogModel::formatSize(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024LL * 1024)
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
            return e.durationUs >= 0 ? QStringLiteral("our pong to the server's ping, after %1 ms")
                                           .arg(e.durationUs / 1000.0, 0, 'f', 3)
                                     : QStringLiteral("our pong to the server's ping");
        return e.durationUs >= 0 ? QStringLiteral("pong #%1  %2 ms")
                                       .arg(e.sequence)
                                       .arg(e.durationUs / 1000.0, 0, 'f', 3)
                                 : QStringLiteral("pong (not ours)");
    case Kind::Handshake: {
        const qsizetype end = e.text.indexOf(QLatin1Char('\r'));
        return QStringLiteral("handshake: ") + (end < 0 ? e.text : e.text.left(end));
    }
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
        if (e.sequence > 0) // numbered by the log: a separator between attempts
            return QStringLiteral("\u2500\u2500 attempt %1: connecting to %2 \u2500\u2500")
                .arg(e.sequence)
                .arg(e.text);
        return QStringLiteral("connecting to %1").arg(e.text);
    case Kind::Error:
    case Kind::PongTimeout:
    case Kind::HeartbeatChange:
    case Kind::Note:
    case Kind::Fault:
        return e.text;
    case Kind::Script:
        if (e.code == quint16(TrafficEvent::ScriptNote::TestPassed))
            return QStringLiteral("test passed: %1").arg(e.text);
        if (e.code == quint16(TrafficEvent::ScriptNote::TestFailed))
            return QStringLiteral("test failed: %1: %2").arg(e.text, QString::fromUtf8(e.data));
        return e.sequence > 0 ? QStringLiteral("line %1: %2").arg(e.sequence).arg(e.text) : e.text;
    }
    return {};
}

QVariant MessageLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const int row = sourceRow(index.row());
    const Record &r = m_records.at(row);
    const qint64 id = m_dropped + row;
    const Kind kind = kindOf(r);
    const Direction direction = directionOf(r);
    const qint64 timeUs = timeOf(r);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NumberColumn:
            return id + 1;
        case TimeColumn:
            if (m_showWallClock)
                return QDateTime::fromMSecsSinceEpoch(m_wallOriginMs + timeUs / 1000)
                    .toString(QStringLiteral("HH:mm:ss.zzz"));
            return QString::number(timeUs / 1e6, 'f', 6);
        case DirectionColumn:
            return direction == Direction::Incoming ? QStringLiteral("\u2193 in")
                : direction == Direction::Outgoing  ? QStringLiteral("\u2191 out")
                                                    : QString();
        case TypeColumn:
            if ((r.mixed & InDetails) && detail(r).origin != TrafficEvent::Origin::Peer)
                return QStringLiteral("%1 (%2)").arg(
                    TrafficEvent::kindName(kind), TrafficEvent::originName(detail(r).origin));
            return TrafficEvent::kindName(kind);
        case SizeColumn:
            if (kind != Kind::Text && kind != Kind::Binary)
                return QString();
            return formatSize((r.mixed & InDetails) ? detail(r).size : payloadView(id, r).size());
        case CheckColumn:
            switch (m_verdicts.value(id, Verdict::None)) {
            case Verdict::Passed:
                return QStringLiteral("\u2713 pass");
            case Verdict::Failed:
                return QStringLiteral("\u2717 fail");
            case Verdict::None:
                break;
            }
            return QString();
        case PreviewColumn:
            if (r.mixed & InDetails)
                return preview(detail(r), QByteArrayView(detail(r).data));
            {
                TrafficEvent e;
                e.timeUs = timeUs;
                e.kind = kind;
                e.direction = direction;
                const QByteArrayView bytes = payloadView(id, r);
                e.size = bytes.size();
                return preview(e, bytes);
            }
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == TypeColumn && (r.mixed & InDetails)
            && detail(r).origin != TrafficEvent::Origin::Peer)
            return detail(r).origin == TrafficEvent::Origin::Injected
                ? QStringLiteral("Sent by the proxy: no peer sent this message")
                : QStringLiteral("Sent by the proxy instead of the message received before it");
        if (index.column() == TimeColumn)
            return QDateTime::fromMSecsSinceEpoch(m_wallOriginMs + timeUs / 1000)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t"));
        if (index.column() == SizeColumn && (kind == Kind::Text || kind == Kind::Binary)) {
            const TrafficEvent e = (r.mixed & InDetails) ? detail(r) : [&] {
                TrafficEvent m;
                m.kind = kind;
                m.direction = direction;
                m.size = payloadView(id, r).size();
                fillWireInfo(id, r, &m);
                return m;
            }();
            QString tip = QStringLiteral("%L1 bytes of payload").arg(e.size);
            if (e.hasWireInfo() && e.wireSize >= 0) {
                tip += QStringLiteral("\n%L1 bytes on the wire").arg(e.wireSize);
                if (e.frames > 1)
                    tip += QStringLiteral(" in %1 frames").arg(e.frames);
                if (e.frameFlags & TrafficEvent::Compressed)
                    tip += QStringLiteral(" (compressed, permessage-deflate)");
            }
            return tip;
        }
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
        return timeUs;
    case SizeRole:
        return qint64((r.mixed & InDetails) ? detail(r).size : payloadView(id, r).size());
    case IdRole:
        return id;
    case ProblemRole:
        return kind == Kind::Error || kind == Kind::PongTimeout || (r.mixed & Problem) != 0
            || (!m_verdicts.isEmpty() && m_verdicts.value(id) == Verdict::Failed);
    case AttemptRole:
        return kind == Kind::Connecting ? int(detail(r).sequence) : 0;
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
    case CheckColumn:
        return QStringLiteral("Test");
    case PreviewColumn:
        return QStringLiteral("Content");
    }
    return {};
}
