#pragma once

#include "EventClock.h"
#include "RecordingReader.h"

#include <QList>
#include <QObject>
#include <QTimer>

// One client message of a replay and when it was sent, in µs after the start of the replay.
struct ReplayItem
{
    qint64 offsetUs = 0;
    bool binary = false;
    QByteArray payload; // UTF-8 for text
};

struct ReplayPlan
{
    QList<ReplayItem> items;
    double speed = 1.0; // 0.25 to 16; 0 means as fast as possible
    bool waitForReply = false; // hold each message until a reply to the previous one arrived
    int replyTimeoutMs = 10000; // then go on anyway

    // The client messages of recorded events (all of them, or those at the given positions, in
    // ascending order), timed from the recording's open event, or from the first of them.
    static ReplayPlan fromBatches(
        const QList<TrafficBatch> &batches, const QList<qint64> &onlyEvents = {});
    static ReplayPlan fromRecording(const RecordingReader &reader)
    {
        return fromBatches(reader.batches());
    }
    bool isEmpty() const { return items.isEmpty(); }
};

// Sends a replay plan with its original timing. Lives in the connection's thread, next to the
// socket, so the GUI cannot disturb the schedule: each message is due at start + offset / speed on
// a precise timer, measured from the start rather than from the previous send, so errors do not add
// up.
class Replayer : public QObject
{
    Q_OBJECT
public:
    static constexpr int ProgressIntervalMs = 100;
    static constexpr int MaxTimerStepMs = 24 * 3600 * 1000;

    Replayer(const EventClock &clock, QObject *parent = nullptr);

    void start(const ReplayPlan &plan);
    void cancel();
    void messageReceived(); // a reply, for waitForReply
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void sendRequested(const ReplayItem &item);
    void progress(int sent, int total); // at most every ProgressIntervalMs, and at the end
    void finished(bool completed, const QString &detail);

private:
    qint64 dueUs(int index) const;
    void scheduleNext();
    void fire();
    void reportProgress(bool force);

    const EventClock &m_clock;
    ReplayPlan m_plan;
    QTimer m_timer;
    QTimer m_replyTimeout;
    int m_next = 0;
    qint64 m_startUs = 0;
    qint64 m_shiftUs = 0; // time spent waiting for replies beyond the recorded gaps
    qint64 m_lastProgressUs = 0;
    bool m_running = false;
    bool m_waitingForReply = false;
};
