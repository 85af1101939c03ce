#include "EventRecorder.h"

#include "ConnectionHandle.h"

#include <QTest>

EventRecorder::EventRecorder(ConnectionHandle *connection) : QObject(connection)
{
    connect(connection, &ConnectionHandle::eventsReceived, this,
        [this](const TrafficBatch &batch, const LoopLag &lag) {
            if (!batch.isEmpty())
                ++batches;
            events += batch.materialized();
            lastLag = lag;
        });
    connect(connection, &ConnectionHandle::stateChanged, this,
        [this](ConnectionState s) { states << s; });
}

QList<TrafficEvent> EventRecorder::ofKind(TrafficEvent::Kind kind) const
{
    QList<TrafficEvent> result;
    for (const TrafficEvent &e : events) {
        if (e.kind == kind)
            result << e;
    }
    return result;
}

int EventRecorder::count(TrafficEvent::Kind kind, TrafficEvent::Direction direction) const
{
    return int(std::count_if(events.cbegin(), events.cend(),
        [&](const TrafficEvent &e) { return e.kind == kind && e.direction == direction; }));
}

int EventRecorder::count(TrafficEvent::Kind kind) const
{
    return int(std::count_if(
        events.cbegin(), events.cend(), [&](const TrafficEvent &e) { return e.kind == kind; }));
}

bool EventRecorder::waitFor(TrafficEvent::Kind kind, int n, int timeoutMs) const
{
    return QTest::qWaitFor([&] { return count(kind) >= n; }, timeoutMs);
}

bool EventRecorder::waitForState(ConnectionState state, int timeoutMs) const
{
    return QTest::qWaitFor([&] { return states.contains(state); }, timeoutMs);
}
