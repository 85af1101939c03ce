#pragma once

#include "ProxyPairStatus.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

// The pairs of a proxy as the proxy tab lists them: client address, when it was accepted, state
// (with how the pair ended), messages and their payload and ping round trips both ways, and
// messages held by intercept. Rows are in the order clients were accepted; a row changes when its
// status does (with each batch, never per message).
class ProxyPairListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        PairColumn,
        ClientColumn,
        StartedColumn,
        StateColumn,
        FromClientColumn,
        FromServerColumn,
        ClientPingColumn,
        ServerPingColumn,
        HeldColumn,
        ColumnCount
    };
    static constexpr int PairIdRole = Qt::UserRole + 1;

    explicit ProxyPairListModel(QObject *parent = nullptr);

    // Adds a row for a new pair, or updates the row of a known one.
    void updateStatus(const ProxyPairStatus &status);
    void setEnded(int pairId, const QString &summary);
    void removeEnded(); // forgets every pair that has ended
    QList<int> endedPairs() const;

    int rowOfPair(int pairId) const; // -1 when unknown
    int pairAt(int row) const; // 0 when out of range
    ProxyPairStatus status(int pairId) const;
    QString endSummary(int pairId) const;
    int openCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "12 (1.4 KiB)": messages and their payload; "850 µs" or "–" before the first answered
    // ping.
    static QString countText(qint64 messages, qint64 payloadBytes);
    // The same with the bytes on the wire (control frames and frame headers included).
    static QString countTip(qint64 messages, qint64 payloadBytes, qint64 wireBytes);
    static QString rttText(qint64 rttUs);
    // "14:03:07" (local time), or empty before it is known.
    static QString startedText(qint64 startedWallMs);

private:
    struct Row
    {
        ProxyPairStatus status;
        QString endSummary;
    };
    void reindex();

    QList<Row> m_rows;
    QHash<int, int> m_rowOfPair;
};
