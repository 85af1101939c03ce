#pragma once

#include "LoopLag.h"
#include "ProxyFaults.h"
#include "ProxyServer.h"
#include "ScriptLineLog.h"
#include "TrafficBatch.h"

#include <QHash>
#include <QList>
#include <QObject>

class MessageLogModel;
class ProxyPairListModel;

// A proxy as the window presents it, without any widget: it owns the ProxyServer, the list of
// pairs, a traffic log per pair (fed from the proxy's batches, both directions), what each pair's
// script said, and the messages held by intercept waiting for a decision. The faults in force and
// where each pair is recorded are the server's to say. Requests name a pair, or
// ProxyServer::AllPairs.
class ProxyPresenter : public QObject
{
    Q_OBJECT
public:
    struct HeldMessage
    {
        int pairId = 0;
        ProxySide from = ProxySide::Client;
        quint64 heldId = 0;
        bool binary = false;
        QByteArray payload;
    };

    explicit ProxyPresenter(QObject *parent = nullptr);
    ~ProxyPresenter() override; // the server ends every pair within its bound

    bool listen(const ProxyServer::Settings &settings, QString *error = nullptr);
    void stop();
    ProxyServer *server() const { return m_server; }
    ProxyPairListModel *pairs() const { return m_pairs; }
    // The traffic log of one pair; nullptr for an unknown pair.
    MessageLogModel *log(int pairId) const { return m_logs.value(pairId); }

    // The standing faults of one pair, or those of all pairs (AllPairs).
    ProxyFaults faults(int pairId) const { return m_server->faults(pairId); }
    void setFaults(int pairId, const ProxyFaults &faults);
    // Turns intercept of one direction on or off, keeping the other faults.
    void setIntercept(int pairId, ProxySide from, bool on);

    // Held messages of one pair (AllPairs: of every pair), in the order they were held.
    QList<HeldMessage> held(int pairId) const;
    int heldCount() const { return int(m_held.size()); }
    void forwardHeld(const HeldMessage &message);
    void replaceHeld(const HeldMessage &message, bool binary, const QByteArray &payload);
    void dropHeld(const HeldMessage &message);

    void startRecording(int pairId, const QString &path, bool keepSecrets = false);
    void stopRecording(int pairId);
    QString recordingPath(int pairId) const { return m_server->recordingPath(pairId); }
    // What the script of one pair said (errors, log() lines, tests).
    QList<ScriptLineLog::Line> scriptLines(int pairId) const
    {
        return m_scriptLogs.value(pairId).lines();
    }

    // Forgets the pairs that have ended, their logs with them.
    void clearEnded();

    LoopLag lag(int pairId) const { return m_lags.value(pairId); }
    // "listening on ws://127.0.0.1:8080/ · relaying to ws://… · 3 pairs (2 open) · 1 held"
    QString statusText() const;
    // "proxy :8080 → host:port"
    QString title() const;

public Q_SLOTS:
    // What the server reports; public so that tests can drive the presenter with hand-made
    // reports.
    void addPair(int pairId, const QString &clientAddress);
    void ingest(int pairId, const TrafficBatch &batch, const LoopLag &lag = {});
    void updateStatus(const ProxyPairStatus &status);
    void endPair(int pairId, const QString &summary);
    void hold(int pairId, ProxySide from, quint64 heldId, bool binary, const QByteArray &payload);

Q_SIGNALS:
    void pairAdded(int pairId);
    void pairEnded(int pairId);
    void heldChanged();
    void recordingChanged(int pairId);
    void scriptLinesChanged(int pairId); // at most once per batch
    void statusChanged(); // the status line or the title may read differently
    void problem(const QString &message);

private:
    bool takeHeld(const HeldMessage &message);

    ProxyServer *m_server;
    ProxyPairListModel *m_pairs;
    QHash<int, MessageLogModel *> m_logs;
    QList<HeldMessage> m_held;
    QHash<int, ScriptLineLog> m_scriptLogs;
    QHash<int, LoopLag> m_lags;
};
