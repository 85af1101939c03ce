#pragma once

#include "EventClock.h"
#include "ReplayPlan.h"

#include <QList>
#include <QObject>
#include <QTimer>

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
    void awaitReplies(int count);
    void stopWaiting();

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
    int m_repliesAwaited = 0;
};
