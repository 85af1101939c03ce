#pragma once

#include "ConnectionSettings.h"
#include "EventClock.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

// Pings the peer on a precise schedule from the connection's own thread, matches pongs to pings
// by a sequence number in the payload, measures the round trip with the monotonic clock (Qt's
// own figure is whole milliseconds), and notices a pong that is overdue. Settings may change at
// any time and take effect at once.
class Heartbeat : public QObject
{
    Q_OBJECT
public:
    Heartbeat(const EventClock &clock, QObject *parent = nullptr);

    void setSettings(const HeartbeatSettings &settings);
    const HeartbeatSettings &settings() const { return m_settings; }

    using PingSender = std::function<void(const QByteArray &payload)>;
    // Starts pinging an open connection (never before the upgrade: a ping would precede it).
    void start(const PingSender &sendPing);
    void stop();
    bool isRunning() const { return bool(m_sendPing); }
    void pingNow();
    void handlePong(const QByteArray &payload);

    static QByteArray payloadFor(quint32 sequence);
    static bool sequenceOf(const QByteArray &payload, quint32 *sequence);

Q_SIGNALS:
    void pingSent(quint32 sequence, const QByteArray &payload, qint64 atUs);
    // matched is false for a pong that answers no ping of ours (rttUs is then -1).
    void pongReceived(
        quint32 sequence, qint64 rttUs, const QByteArray &payload, qint64 atUs, bool matched);
    // Emitted once per stall: the oldest unanswered ping is older than the pong timeout. The next
    // pong ends the stall.
    void pongOverdue(quint32 sequence, qint64 waitedUs);

private:
    struct PendingPing
    {
        quint32 sequence;
        qint64 sentUs;
    };

    void sendPing();
    void armTimeout();
    void onTimeout();
    void schedule();

    const EventClock &m_clock;
    HeartbeatSettings m_settings;
    PingSender m_sendPing;
    QTimer m_pingTimer;
    QTimer m_timeoutTimer;
    QList<PendingPing> m_pending;
    quint32 m_nextSequence = 1;
    bool m_stalled = false;
};
