#include "MessagePrinter.h"

namespace MessagePrinter {

namespace {
constexpr int HexPreviewBytes = 32;
}

QByteArray line(const TrafficBatch &batch, const TrafficEvent &e, bool showPings, bool showSent)
{
    using Kind = TrafficEvent::Kind;
    const bool incoming = e.direction == TrafficEvent::Direction::Incoming;
    if (e.isMessage() && !incoming && !showSent)
        return {};
    const QByteArray arrow = incoming ? "< " : "> ";
    switch (e.kind) {
    case Kind::Text:
        return arrow + batch.payload(e) + '\n';
    case Kind::Binary: {
        const QByteArrayView bytes = batch.payloadView(e);
        QByteArray out = arrow + "(binary, " + QByteArray::number(e.size) + " bytes) "
            + bytes.first(qMin<qsizetype>(bytes.size(), HexPreviewBytes)).toByteArray().toHex(' ');
        if (e.size > HexPreviewBytes)
            out += " ...";
        return out + '\n';
    }
    case Kind::Pong:
        if (!showPings)
            return {};
        return "< pong #" + QByteArray::number(e.sequence)
            + (e.durationUs >= 0 ? " " + QByteArray::number(e.durationUs / 1000.0, 'f', 3) + " ms\n"
                                 : " (unsolicited)\n");
    default:
        return {};
    }
}

} // namespace MessagePrinter
