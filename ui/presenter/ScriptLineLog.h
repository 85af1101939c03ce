#pragma once

#include "TrafficEvent.h"

#include <QList>
#include <QString>

// What a script said on one connection or proxy pair: its errors, log() lines and test results,
// as the Script and Tests panels list them (past MaxLines the oldest go), with its tests counted.
class ScriptLineLog
{
public:
    struct Line
    {
        TrafficEvent::ScriptNote note = TrafficEvent::ScriptNote::Log;
        QString text; // the message, or the test's name
        int line = 0; // 0: not known
        QString detail; // a failed test's reason
    };
    static constexpr int MaxLines = 2000;

    void add(const TrafficEvent &scriptEvent);
    void clear() { *this = {}; }
    const QList<Line> &lines() const { return m_lines; }
    int testsPassed() const { return m_testsPassed; }
    int testsFailed() const { return m_testsFailed; }

private:
    QList<Line> m_lines;
    int m_testsPassed = 0;
    int m_testsFailed = 0;
};
