#pragma once

#include "ConnectionSettings.h"
#include "LoopLag.h"
#include "OwnedThread.h"
#include "ProxyFaults.h"
#include "ProxyPairStatus.h"
#include "ScriptSource.h"
#include "TrafficBatch.h"

#include <QHash>
#include <QHostAddress>
#include <QMap>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

class ProxyListener;

// A WebSocket proxy: listens (in a thread of its own), and relays each accepted client to the
// upstream URL through a pair worker on its own OwnedThread (one thread per client/upstream pair,
// as for connections). Frames are forwarded exactly as they arrived; a decoded copy of each
// becomes an event (client -> server as Outgoing, server -> client as Incoming), so a pair is
// logged, filtered and recorded like a connection. Faults (latency, bandwidth, stall, dropped
// pings or pongs, cut, close, intercept, inject) change live, per pair or for all pairs.
//
// Lives in the GUI (or command-line) thread and never touches a socket: clients are accepted, and
// their pairs' threads made and joined, in the listener's thread, so a busy or frozen GUI thread
// delays no client; every request below is a queued call into the pair's thread (through the
// listener's), every report comes back as a queued signal. Pair ids count
// from 1 in the order clients were accepted; AllPairs in a request means every current pair.
class ProxyServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int AllPairs = 0;

    struct Settings
    {
        QUrl upstream; // ws:// or wss://; each client's path and query are appended to its path
        QHostAddress address = QHostAddress::LocalHost; // where to listen
        quint16 port = 0; // 0: any free port
        QString tlsCertFile; // both set: listen with TLS (wss://), PEM files
        QString tlsKeyFile;
        bool insecure = false; // accept any certificate from a wss:// upstream
        QString caFile; // extra CA certificates (PEM) for a wss:// upstream
        ProxyFaults faults; // applied to every pair from its start
        // The stall of the command line (--stall SIDE:AFTER_S:FOR_S): the direction sent by
        // stallSide is held for stallForMs, stallAfterMs after each pair opened; 0: none.
        ProxySide stallSide = ProxySide::Client;
        int stallAfterMs = 0;
        int stallForMs = 0;
        qint64 maxMessageSize = 64LL * 1024 * 1024; // over it: 1009 to both sides, nothing stored
        int upstreamTimeoutMs = 10000; // TCP + TLS + upgrade to the upstream, then 502
        // A client's TLS handshake and whole upgrade request, then 408 (slowloris).
        int upgradeRequestTimeoutMs = ConnectionSettings::DefaultUpgradeRequestTimeoutMs;
        // Records every pair from its start: the first pair to recordPath, pair N > 1 to
        // recordPath with "-N" before the extension. Empty: no recording.
        QString recordPath;
        bool keepSecrets = false; // in recordings: Authorization, Cookie, ... kept as they are
        // Run on every pair (its own engine, in the pair's thread): onMessage sees each message
        // of both directions and passes, replaces or drops it. Empty: no script, no cost.
        ScriptSource script;

        // What is wrong with these settings, in words a person uses; empty when valid.
        QString validate() const;
    };

    explicit ProxyServer(QObject *parent = nullptr);
    // Ends every pair (each side closed with 1001, recordings finished) within one bound for
    // all, and joins every thread.
    ~ProxyServer() override;

    // Starts listening; false (and *error) when the settings are invalid or the address is taken.
    bool listen(const Settings &settings, QString *error = nullptr);
    // Stops listening and ends every pair within OwnedThread's bound for all of them together.
    void stop();
    bool isListening() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    // ws://ADDRESS:PORT/ (wss:// with TLS), as clients should connect to it.
    QUrl url() const;
    const Settings &settings() const { return m_settings; }
    // The latest status of each pair, open or ended, by id (kept until clearEnded()).
    QList<ProxyPairStatus> pairs() const { return m_status.values(); }
    ProxyPairStatus pairStatus(int pairId) const { return m_status.value(pairId); }
    // Forgets the status of pairs that have ended.
    void clearEnded();
    // The standing faults in force for a pair (those it was given, or those of all pairs), or
    // those every pair accepted from now on starts with (AllPairs).
    ProxyFaults faults(int pairId) const;
    // Where a pair is recorded now; empty when it is not.
    QString recordingPath(int pairId) const { return m_recordings.value(pairId); }
    // Whether the script compiles (nothing of it runs): empty when it does, otherwise what is
    // wrong as "FILE:LINE: message". listen() refuses a script that does not.
    static QString scriptProblem(const ScriptSource &script);

public Q_SLOTS:
    // Replaces the standing faults of one pair, or of every pair (AllPairs: pairs accepted later
    // start with them too). Each change is a Fault event in the pair's log.
    void setFaults(int pairId, const ProxyFaults &faults);
    // Holds the direction sent by `from` for forMs, then releases what was held, in order. A
    // held direction over its buffer limit stops reading from its socket.
    void stall(int pairId, ProxySide from, int forMs);
    // Resets both TCP connections at once (RST to the client and to the server).
    void cut(int pairId);
    // Arms a cut: both TCP connections are reset in the middle of the next message (either way)
    // larger than bytes, after part of it was forwarded.
    void cutInNextMessageOver(int pairId, qint64 bytes);
    // Sends a close frame with code and reason to `side` as if the other side had closed; the
    // other side is closed with 1001 once `side` answered (or its TCP ended).
    void closeSide(int pairId, ProxySide side, quint16 code, const QString &reason);
    // Sends a new message to the side that `from` talks to, as if `from` had sent it (masked
    // towards the server, never compressed), between two relayed messages.
    void inject(int pairId, ProxySide from, bool binary, const QByteArray &payload);
    // Intercept decisions on a message announced by messageHeld. Messages leave in the order
    // they arrived: a decided message waits for those held before it.
    void forwardHeld(int pairId, ProxySide from, quint64 heldId);
    // Forwards a new payload instead (text must be UTF-8), sent uncompressed.
    void replaceHeld(
        int pairId, ProxySide from, quint64 heldId, bool binary, const QByteArray &payload);
    void dropHeld(int pairId, ProxySide from, quint64 heldId);
    // Records the pair from now on to path (replacing a recording in progress), in its thread.
    void startRecording(int pairId, const QString &path, bool keepSecrets = false);
    void stopRecording(int pairId);

Q_SIGNALS:
    // A client was accepted (before its upgrade request was read).
    void pairOpened(int pairId, const QString &clientAddress);
    // Both TCP connections of the pair are gone; summary says how each side ended.
    void pairEnded(int pairId, const QString &summary);
    // What happened on the pair, batched as for connections (every 30 ms or when full), with the
    // loop lag of the pair's thread.
    void eventsReceived(int pairId, const TrafficBatch &batch, const LoopLag &lag);
    // The pair's figures, with each batch and each state change (never per message).
    void pairStatusChanged(const ProxyPairStatus &status);
    // Intercept: a message is held until forwardHeld, replaceHeld or dropHeld names heldId.
    // payload is decoded (inflated when it was compressed).
    void messageHeld(
        int pairId, ProxySide from, quint64 heldId, bool binary, const QByteArray &payload);
    // A pair's recording started (path), or stopped or failed (empty path).
    void recordingChanged(int pairId, const QString &path);
    // Something the proxy as a whole wants said (a client refused, the listener failed).
    void problem(const QString &message);

private:
    template<typename F> void forPairs(int pairId, F &&call);

    Settings m_settings; // faults: those of pairs accepted from now on
    QSslConfiguration m_listenTls; // null unless listening with TLS
    OwnedThread m_listenerThread;
    ProxyListener *m_listener = nullptr; // lives in m_listenerThread, owns the pairs' threads
    quint16 m_port = 0;
    QMap<int, ProxyPairStatus> m_status;
    QHash<int, ProxyFaults> m_pairFaults; // pairs given faults of their own since the last AllPairs
    QHash<int, QString> m_recordings;
};
