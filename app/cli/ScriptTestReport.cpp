#include "ScriptTestReport.h"

#include "ExitStatus.h"

#include <cstdio>

using Note = TrafficEvent::ScriptNote;

ScriptTestReport::ScriptTestReport(const QString &scriptName)
    : m_scriptName(scriptName), m_started(QDateTime::currentDateTimeUtc())
{
    m_suite.name = scriptName.isEmpty() ? QStringLiteral("script") : scriptName;
    m_suite.package = QStringLiteral("sockscope");
    m_suite.timestamp = m_started;
}

void ScriptTestReport::add(const TrafficBatch &batch)
{
    for (const TrafficEvent &e : batch.events) {
        if (e.kind != TrafficEvent::Kind::Script)
            continue;
        const Note note = Note(e.code);
        const QString where = e.sequence > 0
            ? QStringLiteral("%1:%2").arg(m_suite.name).arg(e.sequence)
            : m_suite.name;
        JUnitReport::TestCase c;
        c.className = m_suite.name;
        // Time since the previous result: how long the case took, as near as events tell.
        c.seconds = m_lastUs >= 0 ? qMax<qint64>(0, e.timeUs - m_lastUs) / 1e6 : 0;
        switch (note) {
        case Note::TestPassed:
            ++m_passed;
            c.name = e.text;
            break;
        case Note::TestFailed:
            ++m_failed;
            c.name = e.text;
            c.outcome = JUnitReport::Outcome::Failed;
            c.type = QStringLiteral("expectation");
            c.message = QString::fromUtf8(e.data);
            c.details = QStringLiteral("%1: %2").arg(where, c.message);
            break;
        case Note::LoadFailed:
            m_loadFailed = true;
            c.name = QStringLiteral("script loads");
            c.outcome = JUnitReport::Outcome::Error;
            c.type = QStringLiteral("script");
            c.message = e.text;
            c.details = QStringLiteral("%1: %2").arg(where, e.text);
            break;
        case Note::Log:
        case Note::Error:
            // Kept with the suite: CI shows them next to the results.
            m_suite.systemErr += QStringLiteral("%1: %2\n").arg(where, e.text);
            continue;
        }
        m_lastUs = e.timeUs;
        m_suite.cases.append(c);
    }
}

int ScriptTestReport::exitStatus(int sessionStatus) const
{
    if (m_loadFailed)
        return ExitStatus::Usage;
    return sessionStatus == ExitStatus::Ok && m_failed > 0 ? int(ExitStatus::ScriptFailed)
                                                           : sessionStatus;
}

QString ScriptTestReport::summary() const
{
    if (m_passed + m_failed == 0)
        return m_loadFailed ? QStringLiteral("the script could not be loaded") : QString();
    return QStringLiteral("%1 test%2: %3 passed, %4 failed")
        .arg(m_passed + m_failed)
        .arg(m_passed + m_failed == 1 ? "" : "s")
        .arg(m_passed)
        .arg(m_failed);
}

bool ScriptTestReport::writeJUnit(const QString &path, QString *error) const
{
    JUnitReport report;
    JUnitReport::Suite &suite = report.addSuite(m_suite.name);
    suite = m_suite;
    suite.seconds = m_started.msecsTo(QDateTime::currentDateTimeUtc()) / 1000.0;
    return report.writeFile(path, error);
}

bool ScriptTestReport::finish(const QString &junitPath, QString *error) const
{
    const auto say = [](const QString &line) {
        const QByteArray bytes = QStringLiteral("* %1\n").arg(line).toUtf8();
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
        std::fflush(stderr);
    };
    if (!summary().isEmpty())
        say(summary());
    if (junitPath.isEmpty())
        return true;
    if (!writeJUnit(junitPath, error))
        return false;
    say(QStringLiteral("test results written to %1").arg(junitPath));
    return true;
}
