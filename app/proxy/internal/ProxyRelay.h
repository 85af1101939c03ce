#pragma once

#include "FrameParser.h"
#include "FrameSplitter.h"
#include "ProxyFaults.h"
#include "ScriptHost.h"
#include "TrafficEvent.h"

#include <QByteArray>
#include <QObject>

#include <deque>

class ProxyPair;
class QTimer;
class Transport;

// One direction of a proxied pair, in the pair's thread: the bytes its source sends, forwarded to
// its destination frame for frame as they arrived (masking, RSV bits, fragmentation, compression
// and control frames untouched), with this direction's faults applied on the way. A copy of the
// bytes is decoded by FrameParser for the log (inflated with the agreed parameters); a frame that
// breaks the protocol is not forwarded, and the pair closes both sides. Frames are cut out of the
// stream by FrameSplitter, so a ping or pong can be dropped, a message held or cut in the middle,
// and frames of the proxy's own (inject, close) go in between frames, never inside one.
// Memory is bounded: past HighWaterBytes waiting (delayed, stalled, held or unwritten), the
// source is no longer read until half of it is gone.
class ProxyRelay : public QObject, private FrameParser::Listener
{
    Q_OBJECT
public:
    static constexpr qint64 HighWaterBytes = 8 * 1024 * 1024;

    ProxyRelay(ProxySide from, Transport *source, Transport *destination, ProxyPair *pair,
        qint64 maxMessageSize);
    ~ProxyRelay() override;

    ProxySide from() const { return m_from; }
    TrafficEvent::Direction direction() const
    {
        return m_from == ProxySide::Client ? TrafficEvent::Direction::Outgoing
                                           : TrafficEvent::Direction::Incoming;
    }
    // permessage-deflate was agreed: messages from the source are inflated for the log.
    void enableInflate(bool resetAfterEachMessage)
    {
        m_parser.enableInflate(resetAfterEachMessage);
    }
    void setFaults(const DirectionFaults &faults);
    // Every data message is held until decoded and given to script's onMessage, which passes,
    // replaces or drops it (null: no script).
    void setScript(ScriptHost *script) { m_script = script; }
    const DirectionFaults &faults() const { return m_faults; }

    // Bytes from the source, received at nowUs: decoded for the log, and relayed unless
    // stopped. False once the source broke the protocol (the pair was told).
    bool receive(const char *data, qint64 size, qint64 nowUs);
    bool isSourcePaused() const { return m_sourcePaused; }

    // Holds everything from the source for forMs, then releases it in order.
    void stall(int forMs);
    // Cuts both TCP connections in the middle of the next message from the source larger than
    // bytes (on-wire payload, counted over its frames as they pass; -1: disarmed): the frame
    // that takes it over goes on up to the limit, never whole, and the reset follows once the
    // destination has acknowledged that part (after its latency, a stall or a bandwidth limit,
    // then at most CutFlushBoundMs more); the source is not read meanwhile. A held message is
    // not cut.
    void armCut(qint64 bytes) { m_cutOver = bytes; }
    // The proxy sent its own close frame to the source: the source's close frame answers it and
    // is not forwarded, nor anything after it; what the source sends before it still is (RFC
    // 6455 lets a side send data until it answers a close).
    void expectCloseAnswer() { m_closeAnswersProxy = true; }
    // A whole frame of the proxy's own, sent between frames (a data frame between messages).
    void sendOwnFrame(const QByteArray &frame, bool isData);
    // Intercept decisions (Replace: payload goes out instead, uncompressed).
    enum class Decision { None, Forward, Replace, Drop };
    void decideHeld(quint64 heldId, Decision decision, bool binary, const QByteArray &payload);
    int heldCount() const { return int(m_held.size()); }

    // Ending: nothing more is relayed; what waits is dropped, and the source is read again (for
    // a close answer). Returns whether the destination's stream ended at a frame boundary (a
    // close frame of the proxy's own may follow).
    bool stopRelaying();
    bool isStopped() const { return m_stopped; }
    bool hasQueued() const { return !m_queue.empty(); }
    // The latest ping from the source that payload answers (a pong from the other side): the
    // time since it was forwarded, in µs, or -1. Pings answered by a later pong are forgotten.
    qint64 answerPing(QByteArrayView payload, qint64 nowUs);

    // Messages from the source and their payload (as logged); every byte of every frame.
    qint64 messages() const { return m_messages; }
    qint64 payloadBytes() const { return m_payloadBytes; }
    qint64 wireBytes() const { return m_wireBytes; }

Q_SIGNALS:
    // Everything queued was written to the destination.
    void drained();

private:
    enum class Route { Forward, Drop, Hold, Cut };
    struct Segment
    {
        QByteArray bytes;
        qint64 dueUs;
        bool endsFrame;
        qsizetype offset = 0;
    };
    struct Held
    {
        quint64 id;
        QByteArray raw;
        bool binary;
        bool compressed;
        Decision decision = Decision::None;
        QByteArray replacement;
        bool replacementBinary = false;
    };
    struct Decoded
    {
        bool binary = false;
        bool compressed = false;
        QByteArray payload;
        bool scripted = false; // the script decided: verdict applies
        ScriptHost::Verdict verdict;
    };
    struct PendingPing
    {
        QByteArray payload;
        qint64 forwardedUs;
        bool routed; // forwardedUs is when it leaves, not when it arrived
    };

    // FrameParser::Listener: the decoded copy, for the log.
    void messageReceived(
        quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info) override;
    void controlReceived(
        quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info) override;

    bool holdsMessages() const { return m_faults.intercept || m_script; }
    void warnIfCompressed(const Held &held);
    void route(const char *data, qint64 size);
    Route decide(const FrameHeader &frame);
    void frameEnded(const FrameHeader &frame);
    void cutHere();
    // The armed cut, once everything up to its point has been acknowledged by the destination
    // or the bound has passed.
    void cutIfDelivered();
    // Sends now, or queues until delayUs from now and never before what is already queued.
    void forward(const char *data, qint64 size, bool endsFrame, qint64 delayUs);
    qint64 delayUs() const;
    void release();
    // The ping whose frame was just routed to be forwarded after delayUs: when it leaves.
    void pingRouted(qint64 delayUs);
    void arm(qint64 dueUs);
    void checkBackpressure();
    void onDestinationWritten();
    void completeHeld();
    void releaseDecided();
    bool destinationMidFrame() const;
    void sendPendingOwn();
    void fault(const QString &text);
    qint64 nowUs() const;

    ProxySide m_from;
    Transport *m_source;
    Transport *m_destination;
    ProxyPair *m_pair;
    FrameParser m_parser;
    FrameSplitter m_splitter;
    DirectionFaults m_faults;
    ScriptHost *m_script = nullptr;
    QTimer *m_timer;
    QByteArray m_copy; // what the parser unmasks (frames from the client)
    qint64 m_nowUs = 0;

    Route m_route = Route::Forward;
    bool m_inMessage = false; // a fragmented message from the source is under way
    bool m_holdingMessage = false; // ... and is being held
    bool m_forwardedInMessage = false; // the destination is in the middle of a fragmented message
    bool m_destinationAtBoundary = true; // the last byte written ended a frame
    bool m_holdContinuing = false; // the first message parsed from the current read is held
    bool m_firstParsed = true;
    qint64 m_cutOver = -1;
    qint64 m_messageBytes = 0; // payload of the forwarded message so far (frames passed)
    qint64 m_cutLeft = 0; // payload bytes of the cut frame still to go before the reset
    qint64 m_cutInFrame = 0; // ... and all of them
    qint64 m_frameDelayUs = 0; // the latency (with its jitter) drawn for the current frame
    QString m_cutPending; // what the cut waiting for its bytes to be delivered says (empty: none)
    qint64 m_cutDeadlineUs = -1; // when it resets whatever is still unacknowledged
    QTimer *m_cutPoll; // while it waits: the kernel does not say when the peer acknowledged

    std::deque<Segment> m_queue;
    qint64 m_queuedBytes = 0;
    qint64 m_stalledUntilUs = 0;
    bool m_stallActive = false;
    qint64 m_stallHeldBytes = 0;
    qint64 m_nextSendUs = 0; // bandwidth: when the next slice may go
    bool m_sourcePaused = false;
    bool m_stopped = false;
    bool m_closeAnswersProxy = false;
    bool m_sourceClosed = false; // the source's close frame (answering the proxy's) went by

    QByteArray m_heldRaw; // the held message being read
    std::deque<Decoded> m_heldDecoded;
    std::deque<Held> m_held;
    qint64 m_heldBytes = 0;
    quint64 m_nextHeldId = 1;
    QList<std::pair<QByteArray, bool>> m_pendingOwn; // frame, is data

    QList<PendingPing> m_pings;
    qint64 m_messages = 0;
    qint64 m_payloadBytes = 0;
    qint64 m_wireBytes = 0;
};
