#pragma once

#include "TrafficBatch.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>

// The traffic log of one connection, for a QTableView. Built for floods, like Wireshark's packet
// list: each row is a 12-byte record; the payloads stay in the batches' buffers (kept as chunks),
// so a 64-byte message costs about 76 bytes; how a message arrived on the wire is kept for every
// row (derived for the common single-frame case, stored aside for unusual ones); columns are
// computed only for rows on screen; rows arrive in one insert per commit interval whatever the
// message rate; filtering happens here, on runs of visible rows, not in a proxy that re-filters
// on every append.
class MessageLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NumberColumn,
        TimeColumn,
        DirectionColumn,
        TypeColumn,
        SizeColumn,
        CheckColumn, // a test's verdict on the row (hidden by views until a test ran)
        PreviewColumn,
        ColumnCount
    };
    enum Role {
        KindRole = Qt::UserRole + 1,
        DirectionRole,
        TimeUsRole,
        SizeRole,
        IdRole, // position among all rows ever added (stable while rows arrive or are dropped)
        ProblemRole, // true for rows that report a problem (errors, timeouts, late pongs)
        AttemptRole, // Connecting rows: the connection attempt's number, from 1
    };

    enum class Verdict : quint8 { None, Passed, Failed };

    static constexpr int CommitIntervalMs = 50;
    // A timed commit takes at most this many rows (whole batches, at least one); the rest follows
    // on the next turn of the event loop, so a flood never holds the GUI thread for long (a commit
    // of 250,000-350,000 rows took 40-60 ms with the view's update).
    static constexpr qint64 MaxRowsPerCommit = 65536;
    static constexpr int PreviewBytes = 200;

    struct Filter
    {
        enum class Direction : quint8 { Any, Incoming, Outgoing };
        Direction direction = Direction::Any;
        quint32 kinds = AllKinds; // bit (1 << int(TrafficEvent::Kind))
        QString text; // substring, or a regular expression when regex is set
        bool regex = false;
        bool caseSensitive = false;
        // False hides routine heartbeat traffic: pings and pongs either way and close frames,
        // but not heartbeat problems (pong timeouts, pongs that came after their timeout).
        bool routineHeartbeat = true;

        static constexpr quint32 AllKinds = (1u << (int(TrafficEvent::Kind::Script) + 1)) - 1;
        bool isActive() const
        {
            return direction != Direction::Any || kinds != AllKinds || !text.isEmpty()
                || !routineHeartbeat;
        }
        // What the filter keeps, in words, for "no message matches ..." ("text containing 'x'").
        QString describe() const;
    };

    struct Statistics
    {
        qint64 messagesIn = 0;
        qint64 messagesOut = 0;
        qint64 bytesIn = 0;
        qint64 bytesOut = 0;
    };

    explicit MessageLogModel(QObject *parent = nullptr);

    // Takes a batch; its rows appear at the next commit, in one insert (MaxRowsPerCommit apart).
    void enqueue(const TrafficBatch &batch);
    // Commits every pending row now, in one insert.
    void commitPending();
    void setPaused(bool paused); // capture continues; rows wait until resumed
    bool isPaused() const { return m_paused; }
    qint64 pendingCount() const { return m_pendingEvents; }
    void clear();

    void setRowCap(qint64 cap); // 0 keeps everything; otherwise the oldest rows go
    qint64 rowCap() const { return m_rowCap; }
    qint64 droppedRows() const { return m_dropped; }
    qint64 totalRows() const { return m_records.size(); }

    // Returns false (and keeps the old filter) when the regular expression is invalid.
    bool setFilter(const Filter &filter, QString *error = nullptr);
    const Filter &filter() const { return m_filter; }
    // Where the filter's text matches in a piece of text (start, length), for highlighting.
    QList<std::pair<int, int>> matchesIn(const QString &text) const;

    // A test's verdicts by row id (`sockscope test` in the window); replaces earlier ones. Failed
    // rows count as problems.
    void setVerdicts(const QHash<qint64, Verdict> &verdicts);
    // Adds verdicts as a test's steps end, without touching the earlier ones.
    void addVerdicts(const QHash<qint64, Verdict> &verdicts);
    Verdict verdictAt(int row) const { return m_verdicts.value(idAt(row), Verdict::None); }
    bool hasVerdicts() const { return !m_verdicts.isEmpty(); }

    void setWallOrigin(qint64 wallOriginMs) { m_wallOriginMs = wallOriginMs; }
    void setShowWallClock(bool show);
    bool showsWallClock() const { return m_showWallClock; }

    TrafficEvent eventAt(int row) const; // with its payload resolved
    qint64 idAt(int row) const { return m_dropped + sourceRow(row); }
    int rowOfId(qint64 id) const; // -1 when that row is gone or filtered out
    QByteArray payloadAt(int row) const;
    // The payload's first bytes (UTF-8 for text) without converting the rest.
    QByteArray payloadHeadAt(int row, qsizetype bytes) const;
    const Statistics &statistics() const { return m_statistics; }
    qint64 wallMsAt(int row) const;
    int attempts() const { return m_attempts; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatSize(qint64 bytes);
    static QString preview(const TrafficEvent &event, QByteArrayView payload);
    // Bytes of a single unfragmented frame header for a payload of this size.
    static qint64 frameHeaderSize(qint64 payloadSize, bool masked);

Q_SIGNALS:
    void rowsCommitted(); // after every commit that added rows
    void pendingCountChanged(qint64 pending);
    void statisticsChanged();

private:
    // The timed commit: up to MaxRowsPerCommit rows, the rest on the next turn.
    void commitSome();
    // Commits the first count pending batches, which hold rows rows.
    void commitBatches(qsizetype count, qint64 rows);
    // 12 bytes: time (48 bits), kind, direction, flags, and where the payload or details are.
    struct Record
    {
        quint32 timeLow;
        quint32 mixed; // time bits 32-47 | kind << 16 | direction << 20 | flags << 22 | where bits
        quint32 where; // low 32 bits of the payload location, or of the detail id
    };
    enum RecordFlag : quint32 {
        InDetails = 1u << 22, // the whole event is in m_details
        PlainWire = 1u << 23, // arrived as one frame, uncompressed: its wire size is derived
        WireExtra = 1u << 24, // how it arrived is in m_wire
        Problem = 1u << 25, // a heartbeat problem (a pong that came after its timeout)
    };
    static constexpr int WhereHighShift = 26; // 6 more bits of the location above `where`
    static constexpr int OffsetBits = 21; // payload offset within its chunk (2 MiB)
    static constexpr int SizeBits = 17; // payload size (128 KiB)

    struct WireRecord
    {
        qint64 id;
        qint64 wireSize;
        quint32 frames;
        quint8 flags;
        quint8 opcode;
    };
    // The runs of consecutive ids that pass the filter (ordinal: position among visible rows
    // ever counted, so dropping old rows does not renumber the runs).
    struct Run
    {
        qint64 ordinal;
        qint64 id;
    };

    static qint64 timeOf(const Record &r)
    {
        return qint64(r.timeLow) | (qint64(r.mixed & 0xffff) << 32);
    }
    static TrafficEvent::Kind kindOf(const Record &r)
    {
        return TrafficEvent::Kind((r.mixed >> 16) & 0xf);
    }
    static TrafficEvent::Direction directionOf(const Record &r)
    {
        return TrafficEvent::Direction((r.mixed >> 20) & 0x3);
    }
    static quint64 whereOf(const Record &r)
    {
        return quint64(r.where) | (quint64(r.mixed >> WhereHighShift) << 32);
    }
    static Record makeRecord(const TrafficEvent &e, quint32 flags, quint64 where);

    int sourceRow(int row) const;
    QByteArrayView payloadView(qint64 id, const Record &r) const;
    const TrafficEvent &detail(const Record &r) const
    {
        return m_details.at(qsizetype(whereOf(r) - m_detailBase));
    }
    const WireRecord *wireRecord(qint64 id) const;
    void fillWireInfo(qint64 id, const Record &r, TrafficEvent *e) const;
    bool matches(qint64 id, const Record &r) const;
    void appendVisible(qint64 id);
    qint64 visibleCount() const { return m_visibleEnd - m_visibleBase; }
    void trimToCap();

    QHash<qint64, Verdict> m_verdicts;
    QList<Record> m_records;
    QList<QByteArray> m_chunks; // payload buffers of the batches
    QList<qint64> m_chunkFirstId; // id of the first row of each chunk's batch
    QList<TrafficEvent> m_details; // events that are not small messages, ids from m_detailBase on
    QList<qint64> m_detailRowIds; // the row id of each detail
    quint64 m_detailBase = 0;
    QList<WireRecord> m_wire; // unusual wire info, by id
    QList<Run> m_runs;
    qint64 m_visibleBase = 0; // ordinal of the first visible row still kept
    qint64 m_visibleEnd = 0; // ordinal after the last visible row
    bool m_filtered = false;
    Filter m_filter;
    QRegularExpression m_regex;
    QByteArray m_needle; // UTF-8 of the substring filter

    QList<TrafficBatch> m_pending;
    qint64 m_pendingEvents = 0;
    bool m_paused = false;
    QTimer m_commitTimer;

    qint64 m_rowCap = 0;
    qint64 m_dropped = 0;
    qint64 m_wallOriginMs = 0;
    bool m_showWallClock = false;
    Statistics m_statistics;
    int m_attempts = 0;
    QSet<quint32> m_timedOutPings; // sequences whose pong is overdue, this attempt
};
