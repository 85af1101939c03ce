#pragma once

#include "RecordingReader.h"

#include <QByteArray>
#include <QList>

// One client message of a replay and when it was sent, in µs after the start of the replay.
struct ReplayItem
{
    qint64 offsetUs = 0;
    bool binary = false;
    QByteArray payload; // UTF-8 for text
    int replies = 1; // with waitForReply: how many messages to wait for after this one
};

struct ReplayPlan
{
    QList<ReplayItem> items;
    double speed = 1.0; // 0.25 to 16; 0 means as fast as possible
    bool waitForReply = false; // hold each message until a reply to the previous one arrived
    int replyTimeoutMs = 10000; // then go on anyway
    int initialReplies = 0; // with waitForReply: messages to wait for before the first one
    bool waitAfterLast = false; // with waitForReply: finish only after the last one's replies

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
