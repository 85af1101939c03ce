#pragma once

#include "JUnitReport.h"
#include "TrafficBatch.h"

#include <QDateTime>

// The test() results and script failures of a command-line session, gathered from the Script
// events of its batches: counted for the exit status, summed up on stderr, written as JUnit XML
// (one test case per test() call, in the order they ran; a script that could not be loaded is a
// test case in error).
class ScriptTestReport
{
public:
    explicit ScriptTestReport(const QString &scriptName = {});

    void add(const TrafficBatch &batch);
    int passed() const { return m_passed; }
    int failed() const { return m_failed; }
    bool loadFailed() const { return m_loadFailed; }
    bool ok() const { return m_failed == 0 && !m_loadFailed; }
    // The command's exit status, given the session's: a script that could not be loaded is bad
    // input (2), a failed test() is 8 when the session itself ended well.
    int exitStatus(int sessionStatus) const;
    // "3 tests: 2 passed, 1 failed" (empty when no test ran and the script loaded).
    QString summary() const;
    bool writeJUnit(const QString &path, QString *error) const;
    // The end of a session: the summary on stderr, then the JUnit file when junitPath is set
    // (false, with what is wrong, when it could not be written).
    bool finish(const QString &junitPath, QString *error) const;

private:
    QString m_scriptName;
    QDateTime m_started;
    JUnitReport::Suite m_suite;
    int m_passed = 0;
    int m_failed = 0;
    bool m_loadFailed = false;
    qint64 m_lastUs = -1;
};
