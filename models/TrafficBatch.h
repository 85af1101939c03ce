#pragma once

#include "TrafficEvent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QMetaType>

// Events as they travel from a connection's thread to the rest of the app: light records plus one
// buffer holding the payloads of all small messages in the batch (text as UTF-8). Packing payloads
// this way means one allocation per batch instead of one per message, and the receiver can keep
// the buffer as its storage.
struct TrafficBatch
{
    TrafficEventList events;
    QByteArray payloads;

    bool isEmpty() const { return events.isEmpty(); }
    // The payload bytes (UTF-8 for text) without copying, when they are in the buffer or in
    // data; empty for a large text message held as a QString.
    QByteArrayView payloadView(const TrafficEvent &event) const;
    // The payload bytes, copied or converted as needed.
    QByteArray payload(const TrafficEvent &event) const;
    // A text message's content, or the detail text of any other event.
    QString text(const TrafficEvent &event) const;
    // The events with every payload resolved into their own text/data members.
    TrafficEventList materialized() const;
};

Q_DECLARE_METATYPE(TrafficBatch)
