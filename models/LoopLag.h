#pragma once

#include <QMetaType>

// How late an event loop ran its timers, sampled by LoopLagProbe: the latest sample and the
// worst since the previous report. A loop that is on time reports ~0.
struct LoopLag
{
    qint64 lastUs = 0;
    qint64 maxUs = 0;
};

Q_DECLARE_METATYPE(LoopLag)
