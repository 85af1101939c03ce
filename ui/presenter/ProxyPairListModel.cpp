#include "ProxyPairListModel.h"

#include "MessageLogModel.h"
#include "Units.h"

#include <QDateTime>

ProxyPairListModel::ProxyPairListModel(QObject *parent) : QAbstractTableModel(parent) { }

void ProxyPairListModel::updateStatus(const ProxyPairStatus &status)
{
    const int row = rowOfPair(status.pairId);
    if (row >= 0) {
        m_rows[row].status = status;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    // Pairs arrive in id order, so appending keeps the rows sorted.
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at);
    m_rows.append({status, {}});
    m_rowOfPair.insert(status.pairId, at);
    endInsertRows();
}

void ProxyPairListModel::setEnded(int pairId, const QString &summary)
{
    const int row = rowOfPair(pairId);
    if (row < 0)
        return;
    m_rows[row].status.state = ProxyPairState::Closed;
    m_rows[row].endSummary = summary;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ProxyPairListModel::removeEnded()
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (m_rows.at(row).status.state != ProxyPairState::Closed)
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    reindex();
}

QList<int> ProxyPairListModel::endedPairs() const
{
    QList<int> result;
    for (const Row &r : m_rows) {
        if (r.status.state == ProxyPairState::Closed)
            result << r.status.pairId;
    }
    return result;
}

void ProxyPairListModel::reindex()
{
    m_rowOfPair.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOfPair.insert(m_rows.at(row).status.pairId, row);
}

int ProxyPairListModel::rowOfPair(int pairId) const
{
    return m_rowOfPair.value(pairId, -1);
}

int ProxyPairListModel::pairAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).status.pairId : 0;
}

ProxyPairStatus ProxyPairListModel::status(int pairId) const
{
    const int row = rowOfPair(pairId);
    return row >= 0 ? m_rows.at(row).status : ProxyPairStatus();
}

QString ProxyPairListModel::endSummary(int pairId) const
{
    const int row = rowOfPair(pairId);
    return row >= 0 ? m_rows.at(row).endSummary : QString();
}

int ProxyPairListModel::openCount() const
{
    int n = 0;
    for (const Row &r : m_rows)
        n += r.status.state != ProxyPairState::Closed;
    return n;
}

int ProxyPairListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProxyPairListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ProxyPairListModel::countText(qint64 messages, qint64 bytes)
{
    return QStringLiteral("%L1 (%2)").arg(messages).arg(MessageLogModel::formatSize(bytes));
}

QString ProxyPairListModel::countTip(qint64 messages, qint64 payloadBytes, qint64 wireBytes)
{
    return tr("%L1 messages, %2 of payload\n%3 on the wire: every frame, pings, pongs, close "
              "frames and frame headers included")
        .arg(messages)
        .arg(MessageLogModel::formatSize(payloadBytes), MessageLogModel::formatSize(wireBytes));
}

QString ProxyPairListModel::rttText(qint64 rttUs)
{
    return rttUs < 0 ? QStringLiteral("\u2013") : Units::duration(rttUs);
}

QString ProxyPairListModel::startedText(qint64 startedWallMs)
{
    return startedWallMs <= 0
        ? QString()
        : QDateTime::fromMSecsSinceEpoch(startedWallMs).toString(QStringLiteral("HH:mm:ss"));
}

QVariant ProxyPairListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    const ProxyPairStatus &s = r.status;
    if (role == PairIdRole)
        return s.pairId;
    if (role == Qt::TextAlignmentRole && index.column() >= FromClientColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == FromClientColumn)
        return countTip(s.messagesFromClient, s.payloadBytesFromClient, s.wireBytesFromClient);
    if (role == Qt::ToolTipRole && index.column() == FromServerColumn)
        return countTip(s.messagesFromServer, s.payloadBytesFromServer, s.wireBytesFromServer);
    if (role == Qt::ToolTipRole) {
        QString tip
            = tr("Pair %1: %2 relayed to %3").arg(s.pairId).arg(s.clientAddress, s.upstream);
        if (s.startedWallMs > 0)
            tip += tr(", accepted %1")
                       .arg(QDateTime::fromMSecsSinceEpoch(s.startedWallMs)
                                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
        if (!r.endSummary.isEmpty())
            tip += QLatin1Char('\n') + r.endSummary;
        return tip;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case PairColumn:
        return s.pairId;
    case ClientColumn:
        return s.clientAddress;
    case StartedColumn:
        return startedText(s.startedWallMs);
    case StateColumn:
        return r.endSummary.isEmpty()
            ? proxyPairStateName(s.state)
            : QStringLiteral("%1: %2").arg(proxyPairStateName(s.state), r.endSummary);
    case FromClientColumn:
        return countText(s.messagesFromClient, s.payloadBytesFromClient);
    case FromServerColumn:
        return countText(s.messagesFromServer, s.payloadBytesFromServer);
    case ClientPingColumn:
        return rttText(s.clientPingRttUs);
    case ServerPingColumn:
        return rttText(s.serverPingRttUs);
    case HeldColumn:
        return s.heldFromClient + s.heldFromServer == 0
            ? QString()
            : QStringLiteral("%1 \u2191 %2 \u2193").arg(s.heldFromClient).arg(s.heldFromServer);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ProxyPairListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char *const titles[ColumnCount]
        = {QT_TR_NOOP("#"), QT_TR_NOOP("Client"), QT_TR_NOOP("Started"), QT_TR_NOOP("State"),
            QT_TR_NOOP("\u2191 Client \u2192 server"), QT_TR_NOOP("\u2193 Server \u2192 client"),
            QT_TR_NOOP("Client ping RTT"), QT_TR_NOOP("Server ping RTT"), QT_TR_NOOP("Held")};
    static const char *const tips[ColumnCount]
        = {QT_TR_NOOP("The pair's number, from 1"), QT_TR_NOOP("The client's address and port"),
            QT_TR_NOOP("When the client was accepted (time 0 of the pair's log)"),
            QT_TR_NOOP("Where the pair is, and how each side ended"),
            QT_TR_NOOP("Text and binary messages the client sent, and their payload; a cell's "
                       "tooltip adds the bytes on the wire"),
            QT_TR_NOOP("Text and binary messages the server sent, and their payload; a cell's "
                       "tooltip adds the bytes on the wire"),
            QT_TR_NOOP("How long the server took to answer the client's latest ping"),
            QT_TR_NOOP("How long the client took to answer the server's latest ping"),
            QT_TR_NOOP("Messages held by intercept, each way")};
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return tr(titles[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}
