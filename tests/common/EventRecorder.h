#pragma once

#include "ConnectionState.h"
#include "LoopLag.h"
#include "TrafficBatch.h"

#include <QList>
#include <QObject>

class ConnectionHandle;

// Keeps everything a ConnectionHandle reports, in order, so a test can wait for and inspect it.
class EventRecorder : public QObject
{
    Q_OBJECT
public:
    explicit EventRecorder(ConnectionHandle *connection);

    TrafficEventList events;
    QList<ConnectionState> states;
    int batches = 0; // eventsReceived signals that carried at least one event
    LoopLag lastLag;

    QList<TrafficEvent> ofKind(TrafficEvent::Kind kind) const;
    int count(TrafficEvent::Kind kind, TrafficEvent::Direction direction) const;
    int count(TrafficEvent::Kind kind) const;
    // Waits, processing events, until there are at least n events of that kind.
    bool waitFor(TrafficEvent::Kind kind, int n = 1, int timeoutMs = 10000) const;
    bool waitForState(ConnectionState state, int timeoutMs = 10000) const;
};
