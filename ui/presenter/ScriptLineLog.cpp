#include "ScriptLineLog.h"

void ScriptLineLog::add(const TrafficEvent &e)
{
    const auto note = TrafficEvent::ScriptNote(e.code);
    m_testsPassed += note == TrafficEvent::ScriptNote::TestPassed;
    m_testsFailed += note == TrafficEvent::ScriptNote::TestFailed;
    if (m_lines.size() >= MaxLines)
        m_lines.removeFirst();
    m_lines.append({note, e.text, int(e.sequence), QString::fromUtf8(e.data)});
}
