#pragma once

#include <QMetaType>
#include <QString>

// Which side of a proxied pair: the client that connected to the proxy, or the upstream server.
// A direction is named by the side that sends it: Client is client -> server (logged as Outgoing),
// Server is server -> client (logged as Incoming).
enum class ProxySide : quint8 { Client, Server };

QString proxySideName(ProxySide side); // "client", "server"

// The faults applied to one direction of a proxied pair, named by the side that sends it.
struct DirectionFaults
{
    int latencyMs = 0; // each frame held this long before it is forwarded (order kept)
    int jitterMs = 0; // plus or minus this much, at random, never reordering frames
    int bandwidthKiBps = 0; // at most this many KiB/s forwarded; 0: unlimited
    bool dropPings = false; // pings this side sends are not forwarded
    bool dropPongs = false; // pongs this side sends are not forwarded
    bool intercept = false; // each message is held until forwarded, edited or dropped

    bool operator==(const DirectionFaults &other) const;
    bool operator!=(const DirectionFaults &other) const { return !(*this == other); }
    bool isNone() const { return *this == DirectionFaults(); }
};

// The standing faults of a proxied pair (or of every pair): one set per direction. One-off
// interventions (stall for a while, cut, close a side, inject) are requests to ProxyServer, not
// part of this value. Changing it takes effect at once on frames not yet forwarded.
struct ProxyFaults
{
    static constexpr int MaxLatencyMs = 60 * 60 * 1000;
    static constexpr int MaxBandwidthKiBps = 1024 * 1024;

    DirectionFaults fromClient; // client -> server
    DirectionFaults fromServer; // server -> client

    DirectionFaults &of(ProxySide side)
    {
        return side == ProxySide::Client ? fromClient : fromServer;
    }
    const DirectionFaults &of(ProxySide side) const
    {
        return side == ProxySide::Client ? fromClient : fromServer;
    }
    bool operator==(const ProxyFaults &other) const
    {
        return fromClient == other.fromClient && fromServer == other.fromServer;
    }
    bool operator!=(const ProxyFaults &other) const { return !(*this == other); }

    // What is out of range, in words a person uses; empty when valid.
    QString validate() const;
    // "client->server: latency 50±5 ms, drop pongs; server->client: none" for the log.
    QString describe() const;
};

Q_DECLARE_METATYPE(ProxySide)
Q_DECLARE_METATYPE(ProxyFaults)
