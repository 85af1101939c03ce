#include "CliProcess.h"

#include <QTest>

#include <csignal>

CliProcess::CliProcess(const QStringList &arguments)
{
    m_process.start(QStringLiteral(SOCKSCOPE_BINARY), arguments);
}

CliProcess::CliProcess(const QString &program, const QStringList &arguments)
{
    m_process.start(program, arguments);
}

CliProcess::~CliProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished();
    }
}

bool CliProcess::waitForStderr(const QString &text, int timeoutMs)
{
    return QTest::qWaitFor([&] { return stderrText().contains(text); }, timeoutMs);
}

bool CliProcess::waitForStdout(const QRegularExpression &pattern, int timeoutMs)
{
    return QTest::qWaitFor([&] { return pattern.match(stdoutText()).hasMatch(); }, timeoutMs);
}

QString CliProcess::stdoutText()
{
    m_out += m_process.readAllStandardOutput();
    return QString::fromUtf8(m_out);
}

QString CliProcess::stderrText()
{
    m_err += m_process.readAllStandardError();
    return QString::fromUtf8(m_err);
}

void CliProcess::signal(int number)
{
    ::kill(pid_t(m_process.processId()), number);
}

int CliProcess::waitForExit(int timeoutMs)
{
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    stdoutText();
    stderrText();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -2;
}
