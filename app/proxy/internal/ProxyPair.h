#pragma once

#include "EventClock.h"
#include "HttpHead.h"
#include "LoopLag.h"
#include "ProxyFaults.h"
#include "ProxyPairStatus.h"
#include "ProxyRelay.h"
#include "ProxyServer.h"
#include "ScriptHost.h"
#include "ServerHandshake.h"
#include "TrafficBatch.h"

#include <QObject>
#include <QSslConfiguration>

#include <memory>

class EventBatcher;
class LiveRecording;
class LoopLagProbe;
class QTimer;
class Transport;

// One client of the proxy and its upstream connection, living in a thread of its own (the
// project's rule: one thread per connection, here per pair). Reads the client's upgrade request,
// sends it upstream with Host rewritten, relays the answer as it came, then relays frames both ways
// through a ProxyRelay per direction. Everything it sees leaves as batches of events, recorded when
// asked. Requests from ProxyServer arrive as queued calls.
class ProxyPair : public QObject, private ScriptHost::Connection
{
    Q_OBJECT
public:
    ProxyPair(int pairId, qintptr descriptor, const ProxyServer::Settings &settings,
        const ProxyFaults &faults, const QSslConfiguration &listenTls, const QString &recordPath);
    ~ProxyPair() override;

    // For the relays, in this thread.
    EventBatcher *batcher() const { return m_batcher; }
    const EventClock &clock() const { return m_clock; }
    void postFault(ProxySide from, const QString &text);
    qint64 pingAnswered(ProxySide pongFrom, QByteArrayView payload, qint64 nowUs);
    void closeFrameSeen(ProxySide from, quint16 code, const QString &reason);
    void protocolFailed(ProxySide from, quint16 code, const QString &reason, qint64 offset);
    void cutNow(const QString &why);
    void announceHeld(ProxySide from, quint64 heldId, bool binary, const QByteArray &payload);
    // A message of the proxy's own sent in the direction `from` sends (injected, or edited in
    // place of one that arrived): a message row like the others, marked with its origin.
    void logOwnMessage(
        ProxySide from, bool binary, const QByteArray &payload, TrafficEvent::Origin origin);

public Q_SLOTS:
    void start(); // first thing in the pair's thread
    void setFaults(const ProxyFaults &faults);
    void stall(ProxySide from, int forMs);
    void cut();
    void cutInNextMessageOver(qint64 bytes);
    void closeSide(ProxySide side, quint16 code, const QString &reason);
    void inject(ProxySide from, bool binary, const QByteArray &payload);
    void decideHeld(
        ProxySide from, quint64 heldId, int decision, bool binary, const QByteArray &payload);
    void startRecording(const QString &path, bool keepSecrets);
    void stopRecording();
    void shutdown(); // closes both sides with 1001 at once, finishes the recording

Q_SIGNALS:
    void accepted(int pairId, const QString &clientAddress);
    void eventsReady(int pairId, const TrafficBatch &batch, const LoopLag &lag);
    void statusChanged(const ProxyPairStatus &status);
    void messageHeld(
        int pairId, ProxySide from, quint64 heldId, bool binary, const QByteArray &payload);
    void ended(int pairId, const QString &summary);
    // Where the pair is recorded now; empty when it is not (stopped, or the file failed).
    void recordingChanged(int pairId, const QString &path);

private:
    enum class Stage { Request, Upstream, Response, Open, Passthrough, Ending, Done };
    struct SideEnd
    {
        bool ended = false;
        TrafficEvent::TransportEnd how = TrafficEvent::TransportEnd::Unknown;
        bool byProxy = false; // the proxy ended it (mirroring the other side, closing, cut)
    };

    void note(TrafficEvent::Kind kind, const QString &text,
        TrafficEvent::Direction direction = TrafficEvent::Direction::Local);
    void setState(ProxyPairState state);
    ProxyPairStatus status() const;
    Transport *transportOf(ProxySide side) const;
    ProxyRelay *relayFrom(ProxySide side) const;

    void onClientReadable();
    void onUpstreamReadable();
    void readFrom(ProxySide side);
    void handleRequest(char *data, qint64 size);
    // Answers the client's upgrade request with an HTTP error and ends the pair.
    void refuseRequest(int status, const QByteArray &reason, const QString &why);
    void connectUpstream();
    void handleResponse(char *data, qint64 size);
    void openRelays(char *rest, qint64 restSize);
    void failUpstream(const QString &why);
    void onSideEnded(ProxySide side);
    void endSide(ProxySide side, bool reset);
    void onRelayDrained(ProxySide from);
    void closeBoth(quint16 toClient, const QString &clientReason, quint16 toServer,
        const QString &serverReason, TrafficEvent::CloseCause cause);
    // The proxy's close frame to side, where its stream is between frames (then relaying
    // towards it stops); false when it could not be sent.
    bool sendCloseFrame(ProxySide side, quint16 code, const QString &reason);
    // closeSide's handshake with one side: the close frame, then its answer awaited (bounded).
    void startCloseHandshake(ProxySide side, quint16 code, const QString &reason);
    void closeAnswerEnded(const QString &how, bool timedOut);
    // After the named side's close handshake: the other side's, with 1001, once what the named
    // side sent before its answer has been written to it.
    void closeTheOtherSide();
    void finishIfDone();
    void startScript();
    // ScriptHost::Connection: ctx.send goes to the server as if the client had sent it;
    // ctx.close closes the server with the code, then the client with 1001.
    void scriptSend(bool binary, const QByteArray &payload) override;
    void scriptClose(quint16 code, const QString &reason) override;
    void scriptOutput(TrafficEvent::ScriptNote note, const QString &text, int line,
        const QString &detail) override;
    void finish();
    QString sideSummary(ProxySide side) const;

    const int m_pairId;
    const qintptr m_descriptor;
    const ProxyServer::Settings m_settings;
    ProxyFaults m_faults;
    const QSslConfiguration m_listenTls;
    const QString m_recordPath;
    EventClock m_clock;

    Stage m_stage = Stage::Request;
    ProxyPairState m_state = ProxyPairState::Handshaking;
    Transport *m_client = nullptr;
    Transport *m_upstream = nullptr;
    ProxyRelay *m_fromClient = nullptr;
    ProxyRelay *m_fromServer = nullptr;
    EventBatcher *m_batcher = nullptr;
    LoopLagProbe *m_lagProbe = nullptr;
    LiveRecording *m_recording = nullptr;
    ScriptHost *m_script = nullptr; // none without a script: no cost per message
    QTimer *m_upstreamTimer = nullptr;
    QTimer *m_closeTimer = nullptr; // the bound on a close answer (made on the first closeSide)
    std::unique_ptr<char[]> m_buffer;
    QString m_clientAddress;
    QUrl m_upstreamUrl;

    ServerHandshake m_handshake;
    QByteArray m_upstreamRequest;
    QByteArray m_clientEarly; // frames the client sent before the upstream answered
    HttpHead m_response;

    SideEnd m_clientEnd;
    SideEnd m_serverEnd;
    bool m_hasCloser = false;
    ProxySide m_closer = ProxySide::Client;
    quint16 m_closeCode = 0;
    QString m_closeReason;
    bool m_proxyClosed = false; // the proxy itself closed both sides
    ProxySide m_proxyClosedSide = ProxySide::Client; // closeSide's side
    bool m_awaitingCloseAnswer = false; // the proxy's close frame went to m_closingSide
    ProxySide m_closingSide = ProxySide::Client;
    QString m_closeAnswer; // its answer, seen while parsing: handled once the read is routed
    bool m_closeOtherWhenDrained = false;
    TrafficEvent::CloseCause m_proxyCause = TrafficEvent::CloseCause::None;
    QString m_proxyReason;
    quint16 m_proxyCode = 0;
    qint64 m_clientPingRttUs = -1;
    qint64 m_serverPingRttUs = -1;
};
