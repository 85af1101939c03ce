// Figures for the proxy, each next to a baseline measured in the same run.
//
//   flood through the proxy  1,000,000 x 64-byte messages from the flood server to a bare
//                            QWebSocket client (the baseline's own client) through the proxy,
//                            every frame relayed and logged; baseline: the same flood sent to the
//                            same client directly; five runs of each, taking turns, medians
//                            compared. Target >= 0.7x.
//   echo round trip added    an echo at low rate (one message every 2 ms, 4,000 of them, each
//                            connection after a warm-up): the round trip through the proxy (p50,
//                            p99) next to the same echo without it, the two taking turns in rounds
//                            of 1,000; what the proxy adds is the difference.
//                            Target: p99 added <= 1 ms.
#include "BenchSupport.h"
#include "FloodServer.h"
#include "ProxyServer.h"
#include "TestServer.h"

#include <QCoreApplication>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <atomic>

using namespace Bench;

namespace {

constexpr int WarmUp = 50;

// Round trips of a text message echoed back, one every 2 ms, in µs.
QList<double> echoRoundTripsUs(quint16 port, int samples)
{
    QThread thread;
    thread.start();
    std::atomic<bool> done {false};
    QList<double> rtts;
    auto *socket = new QWebSocket;
    socket->moveToThread(&thread);
    QMetaObject::invokeMethod(socket, [&, socket] {
        auto *timer = new QTimer(socket);
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer);
        auto sentAt = std::make_shared<Clock::time_point>();
        auto count = std::make_shared<int>(0);
        const auto sendOne = [socket, sentAt] {
            *sentAt = Clock::now();
            socket->sendTextMessage(QStringLiteral("round trip"));
        };
        QObject::connect(timer, &QTimer::timeout, socket, sendOne);
        QObject::connect(socket, &QWebSocket::connected, socket, sendOne);
        QObject::connect(
            // rtts and done outlive the socket: it is deleted below before they go.
            socket, &QWebSocket::textMessageReceived, socket,
            [rtts = &rtts, done = &done, samples, sentAt, count, timer, socket] {
                if (++*count > WarmUp)
                    *rtts << seconds(Clock::now() - *sentAt) * 1e6;
                if (rtts->size() == samples) {
                    socket->abort();
                    *done = true;
                    return;
                }
                timer->start(2);
            });
        socket->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
    });
    spin([&] { return done.load(); });
    QMetaObject::invokeMethod(
        socket, [socket] { delete socket; }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    return rtts;
}

ProxyServer::Settings proxyTo(quint16 port)
{
    ProxyServer::Settings settings;
    settings.upstream = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    return settings;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 1'000'000;

    // Direct and proxied floods take turns, and each figure is the median of its runs: a single
    // flood's rate swings with what else the 2 cores are doing at that moment.
    constexpr int FloodRuns = 5;
    FloodServer flood(messages, 64);
    QList<double> direct;
    QList<double> proxied;
    {
        ProxyServer proxy;
        if (!proxy.listen(proxyTo(flood.port())))
            return 1;
        qint64 logged = 0; // the proxy's events reach this thread, as they would the window
        QObject::connect(&proxy, &ProxyServer::eventsReceived,
            [&](int, const TrafficBatch &batch) { logged += batch.events.size(); });
        for (int run = 0; run < FloodRuns; ++run) {
            direct << bareClientRate(flood.port(), messages);
            logged = 0;
            proxied << bareClientRate(proxy.port(), messages);
            spin([&] { return logged >= messages; }, 10000);
        }
    }
    row("Flood through the proxy to a bare client, 1M x 64 B (msgs/s, median of 5 interleaved)",
        QString::number(median(proxied) / 1e6, 'f', 2) + " M",
        QString::number(median(direct) / 1e6, 'f', 2) + " M (direct)",
        QString::number(median(proxied) / median(direct), 'f', 2) + "x", ">= 0.7x");

    // Direct and proxied echoes take turns, so that both see the same machine load (a tail
    // percentile is what a busy moment moves most).
    TestServer echo;
    constexpr int Rounds = 4;
    constexpr int SamplesPerRound = 1000;
    QList<double> plain;
    QList<double> through;
    {
        ProxyServer proxy;
        if (!proxy.listen(proxyTo(echo.port())))
            return 1;
        for (int round = 0; round < Rounds; ++round) {
            plain << echoRoundTripsUs(echo.port(), SamplesPerRound);
            through << echoRoundTripsUs(proxy.port(), SamplesPerRound);
        }
    }
    for (const double p : {0.5, 0.99}) {
        const double added = (percentile(through, p) - percentile(plain, p)) / 1000.0;
        row(qPrintable(QStringLiteral("Echo round trip through the proxy at low rate, p%1 (ms)")
                           .arg(int(p * 100))),
            QString::number(percentile(through, p) / 1000.0, 'f', 3) + " ms",
            QString::number(percentile(plain, p) / 1000.0, 'f', 3) + " ms (direct)",
            QString::number(added, 'f', 3) + " ms added", p > 0.9 ? "p99 added <= 1 ms" : "-");
    }
    return 0;
}
