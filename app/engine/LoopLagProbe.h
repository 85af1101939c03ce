#pragma once

#include "LoopLag.h"

#include <QObject>
#include <QTimer>

#include <chrono>

// Measures how late the event loop of the thread it lives in runs a precise timer. A blocked or
// overloaded loop shows up as lag; a healthy one reads ~0. Used for the connection threads and
// for the GUI thread alike.
class LoopLagProbe : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultIntervalMs = 50;

    explicit LoopLagProbe(int intervalMs = DefaultIntervalMs, QObject *parent = nullptr);

    void start();
    void stop();
    int intervalMs() const { return m_intervalMs; }
    // The latest sample and the worst one since the previous take().
    LoopLag take();
    LoopLag peek() const { return m_lag; }

Q_SIGNALS:
    void sampled(qint64 lagUs);

private:
    void onTimeout();

    QTimer m_timer;
    int m_intervalMs;
    std::chrono::steady_clock::time_point m_last;
    LoopLag m_lag;
};
