#pragma once

#include "JUnitReport.h"
#include "MessageComparison.h"
#include "ReplayPlan.h"
#include "TrafficBatch.h"

#include <QList>
#include <QStringList>

// A recording turned into a check of a live server (`sockscope test`, the window's Test…). The
// recording is cut into steps: each client message with the server messages recorded after it,
// up to the next client message; step 0 holds what the server sent before the first one. The
// live traffic is cut the same way, at each message sent, and each step's server messages are
// compared with the recorded ones: in order, or with `unordered` by content within the step.
// Missing and extra messages fail a step like differing ones.
class RecordingTest
{
public:
    struct Options
    {
        QList<JsonPointerPattern> ignore;
        bool unordered = false;
    };
    struct Message
    {
        MessageComparison::Message content;
        qint64 timeUs = 0;
        qint64 eventIndex = -1; // recorded messages: position among all the recording's events
    };
    struct Step
    {
        bool hasSent = false; // false for step 0
        Message sent;
        QList<Message> replies;
        qint64 endUs = -1; // live: the time of the next message sent, or the end
        int repliesNotKept = 0; // live: extra replies counted but not kept (a flooding server)
    };
    enum class Outcome { Matched, Differs, Missing, Extra };
    struct MessageResult
    {
        Outcome outcome = Outcome::Matched;
        int recorded = -1; // index in the recorded step's replies
        int live = -1; // index in the live step's replies
        QList<MessageComparison::Difference> differences;
    };
    struct StepResult
    {
        int number = 0;
        bool reached = false; // false: the connection ended before this step was sent
        bool passed = false;
        QList<MessageResult> messages;
        int extraNotKept = 0;
        qint64 durationUs = 0;
        QString sent; // the message sent, shortened ("" for step 0)

        // The step as lines a person reads: the first with ✓ or ✗, then one per difference with
        // recorded and live values side by side.
        QStringList lines() const;
        // The failure in one line ("reply 1: /ts differs", "2 replies missing").
        QString summary() const;
    };

    // Live replies kept per step beyond the recorded ones; more are only counted.
    static constexpr int MaxExtraKept = 100;

    RecordingTest(const QList<TrafficBatch> &recorded, const Options &options);

    const QList<Step> &recordedSteps() const { return m_recorded; }
    int clientMessages() const { return int(m_recorded.size()) - 1; }
    // The client messages to send, each waiting for as many replies as were recorded after it (at
    // most timeoutMs), the first one waiting for the server's recorded greeting.
    ReplayPlan plan(double speed, int timeoutMs) const;

    // Live traffic as the connection reports it: steps end at each message sent.
    void addLive(const TrafficBatch &batch);
    // No more live traffic: the current step ends, steps never sent fail as not reached.
    void finish(qint64 endUs);
    bool isFinished() const { return m_finished; }
    // Whether every client message was sent.
    bool allSent() const { return m_liveStep >= clientMessages(); }

    // Results of the steps that ended since the last call, in order.
    QList<StepResult> takeNewResults();
    const QList<StepResult> &results() const { return m_results; }
    int passedSteps() const;
    int failedSteps() const;
    bool passed() const { return m_finished && failedSteps() == 0; }

    // One test case per step, its lines as the failure text.
    JUnitReport junit(const QString &suiteName, const QString &url) const;

private:
    StepResult compareStep(int number, const Step &live) const;
    void endLiveStep(qint64 endUs);

    // Kept (shared, not copied) so that the recorded steps' payloads can point into them.
    const QList<TrafficBatch> m_recordedBatches;
    QList<Step> m_recorded; // [0] is the greeting
    ReplayPlan m_plan;
    Options m_options;
    MessageComparison m_comparison;
    Step m_live; // the live step in progress
    int m_liveStep = 0;
    bool m_finished = false;
    QList<StepResult> m_results;
    qsizetype m_reported = 0;
};
