#include "ProxyFaults.h"

#include <QStringList>

QString proxySideName(ProxySide side)
{
    return side == ProxySide::Client ? QStringLiteral("client") : QStringLiteral("server");
}

bool DirectionFaults::operator==(const DirectionFaults &other) const
{
    return latencyMs == other.latencyMs && jitterMs == other.jitterMs
        && bandwidthKiBps == other.bandwidthKiBps && dropPings == other.dropPings
        && dropPongs == other.dropPongs && intercept == other.intercept;
}

namespace {

QString describeDirection(const DirectionFaults &f)
{
    QStringList parts;
    if (f.latencyMs > 0 || f.jitterMs > 0)
        parts << (f.jitterMs > 0
                ? QStringLiteral("latency %1±%2 ms").arg(f.latencyMs).arg(f.jitterMs)
                : QStringLiteral("latency %1 ms").arg(f.latencyMs));
    if (f.bandwidthKiBps > 0)
        parts << QStringLiteral("bandwidth %1 KiB/s").arg(f.bandwidthKiBps);
    if (f.dropPings)
        parts << QStringLiteral("drop pings");
    if (f.dropPongs)
        parts << QStringLiteral("drop pongs");
    if (f.intercept)
        parts << QStringLiteral("intercept");
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

QString validateDirection(const DirectionFaults &f, const QString &name)
{
    if (f.latencyMs < 0 || f.latencyMs > ProxyFaults::MaxLatencyMs)
        return QStringLiteral("%1 latency must be 0 to %2 ms")
            .arg(name)
            .arg(ProxyFaults::MaxLatencyMs);
    if (f.jitterMs < 0 || f.jitterMs > f.latencyMs)
        return QStringLiteral("%1 jitter must be 0 to the latency (%2 ms)")
            .arg(name)
            .arg(f.latencyMs);
    if (f.bandwidthKiBps < 0 || f.bandwidthKiBps > ProxyFaults::MaxBandwidthKiBps)
        return QStringLiteral("%1 bandwidth must be 0 (unlimited) to %2 KiB/s")
            .arg(name)
            .arg(ProxyFaults::MaxBandwidthKiBps);
    return {};
}

} // namespace

QString ProxyFaults::validate() const
{
    const QString client = validateDirection(fromClient, QStringLiteral("client->server"));
    return client.isEmpty() ? validateDirection(fromServer, QStringLiteral("server->client"))
                            : client;
}

QString ProxyFaults::describe() const
{
    return QStringLiteral("client->server: %1; server->client: %2")
        .arg(describeDirection(fromClient), describeDirection(fromServer));
}
