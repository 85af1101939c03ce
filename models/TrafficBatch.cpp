#include "TrafficBatch.h"

QByteArrayView TrafficBatch::payloadView(const TrafficEvent &event) const
{
    if (event.payloadOffset >= 0)
        return QByteArrayView(payloads.constData() + event.payloadOffset, event.size);
    return QByteArrayView(event.data);
}

QByteArray TrafficBatch::payload(const TrafficEvent &event) const
{
    if (event.payloadOffset >= 0)
        return payloadView(event).toByteArray();
    if (event.kind == TrafficEvent::Kind::Text)
        return event.text.toUtf8();
    return event.data;
}

QString TrafficBatch::text(const TrafficEvent &event) const
{
    if (event.kind == TrafficEvent::Kind::Text && event.payloadOffset >= 0)
        return QString::fromUtf8(payloadView(event));
    return event.text;
}

TrafficEventList TrafficBatch::materialized() const
{
    TrafficEventList result = events;
    for (TrafficEvent &e : result) {
        if (e.payloadOffset < 0)
            continue;
        if (e.kind == TrafficEvent::Kind::Text)
            e.text = text(e);
        else
            e.data = payload(e);
        e.payloadOffset = -1;
    }
    return result;
}
