#include "ReplayPlan.h"

#include <algorithm>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

ReplayPlan ReplayPlan::fromBatches(
    const QList<TrafficBatch> &batches, const QList<qint64> &onlyEvents)
{
    ReplayPlan plan;
    qint64 originUs = -1;
    qint64 index = 0;
    for (const TrafficBatch &batch : batches) {
        for (const TrafficEvent &e : batch.events) {
            const bool wanted = onlyEvents.isEmpty()
                || std::binary_search(onlyEvents.cbegin(), onlyEvents.cend(), index);
            ++index;
            if (e.kind == Kind::Open && originUs < 0 && onlyEvents.isEmpty())
                originUs = e.timeUs;
            if (!wanted || !e.isMessage() || e.direction != Direction::Outgoing)
                continue;
            if (originUs < 0)
                originUs = e.timeUs;
            plan.items.append({e.timeUs - originUs, e.kind == Kind::Binary, batch.payload(e)});
        }
    }
    return plan;
}
