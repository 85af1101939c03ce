#pragma once

#include "TrafficBatch.h"

#include <QAbstractTableModel>
#include <QList>
#include <QRegularExpression>
#include <QTimer>

// The traffic log of one connection, for a QTableView. Built for floods, like Wireshark's packet
// list: each row is a 24-byte record; the payloads stay in the batches' buffers (kept as chunks),
// so a 64-byte message costs about 90 bytes; columns are computed only for rows on screen; rows
// arrive in one insert per commit interval whatever the message rate; filtering happens here, on
// a vector of visible rows, not in a proxy that re-filters on every append.
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
        PreviewColumn,
        ColumnCount
    };
    enum Role { KindRole = Qt::UserRole + 1, DirectionRole, TimeUsRole, SizeRole };

    static constexpr int CommitIntervalMs = 50;
    static constexpr int PreviewBytes = 200;

    struct Filter
    {
        enum class Direction : quint8 { Any, Incoming, Outgoing };
        Direction direction = Direction::Any;
        quint32 kinds = AllKinds; // bit (1 << int(TrafficEvent::Kind))
        QString text; // substring, or a regular expression when regex is set
        bool regex = false;
        bool caseSensitive = false;

        static constexpr quint32 AllKinds = (1u << (int(TrafficEvent::Kind::Fault) + 1)) - 1;
        bool isActive() const
        {
            return direction != Direction::Any || kinds != AllKinds || !text.isEmpty();
        }
    };

    struct Statistics
    {
        qint64 messagesIn = 0;
        qint64 messagesOut = 0;
        qint64 bytesIn = 0;
        qint64 bytesOut = 0;
    };

    explicit MessageLogModel(QObject *parent = nullptr);

    // Takes a batch; its rows appear at the next commit, in one insert.
    void enqueue(const TrafficBatch &batch);
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

    void setWallOrigin(qint64 wallOriginMs) { m_wallOriginMs = wallOriginMs; }
    void setShowWallClock(bool show);
    bool showsWallClock() const { return m_showWallClock; }

    TrafficEvent eventAt(int row) const; // with its payload resolved
    qint64 idAt(int row) const
    {
        return m_dropped + sourceRow(row);
    } // position among all rows ever added
    QByteArray payloadAt(int row) const;
    const Statistics &statistics() const { return m_statistics; }
    qint64 wallMsAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatSize(qint64 bytes);
    static QString preview(const TrafficEvent &event, QByteArrayView payload);

Q_SIGNALS:
    void rowsCommitted(); // after every commit that added rows
    void pendingCountChanged(qint64 pending);
    void statisticsChanged();

private:
    struct Record
    {
        qint64 timeUs;
        quint32 chunk; // chunk id, or InDetails
        quint32 offset; // into the chunk, or the detail id
        quint32 size;
        quint8 kind;
        quint8 direction;
        quint16 reserved;
    };
    static constexpr quint32 InDetails = 0xffffffff;

    int sourceRow(int row) const { return m_filtered ? int(m_visible.at(row) - m_dropped) : row; }
    QByteArrayView payloadView(const Record &r) const;
    const TrafficEvent &detail(const Record &r) const
    {
        return m_details.at(r.offset - m_detailBase);
    }
    bool matches(const Record &r) const;
    void trimToCap();

    QList<Record> m_records;
    QList<QByteArray> m_chunks; // payload buffers of the batches, ids from m_chunkBase on
    quint32 m_chunkBase = 0;
    QList<TrafficEvent> m_details; // events that are not small messages, ids from m_detailBase on
    quint32 m_detailBase = 0;
    QList<qint64>
        m_visible; // ids (m_dropped + row) of the rows that pass the filter, when m_filtered
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
};
