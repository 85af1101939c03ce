#include "CliProcess.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QTest>

#include <csignal>

#include <sys/resource.h>

CliProcess::CliProcess(const QStringList &arguments)
{
    m_process.start(QStringLiteral(SOCKSCOPE_BINARY), arguments);
}

CliProcess::CliProcess(const QStringList &arguments, const InputFile &input)
{
    m_process.setStandardInputFile(input.path);
    m_process.start(QStringLiteral(SOCKSCOPE_BINARY), arguments);
}

CliProcess::CliProcess(const QStringList &arguments, const AddressSpaceLimit &limit)
{
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer reserves terabytes of address space for its shadow memory, so a ceiling on
    // address space stops it before main(); its own ceiling on resident memory stands in.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    QStringList options = environment.value(QStringLiteral("ASAN_OPTIONS"))
                              .split(QLatin1Char(':'), Qt::SkipEmptyParts);
    options.append(QStringLiteral("hard_rss_limit_mb=%1").arg(limit.bytes >> 20));
    environment.insert(QStringLiteral("ASAN_OPTIONS"), options.join(QLatin1Char(':')));
    m_process.setProcessEnvironment(environment);
#else
    const rlim_t bytes = rlim_t(limit.bytes);
    m_process.setChildProcessModifier([bytes] {
        const rlimit ceiling {bytes, bytes};
        setrlimit(RLIMIT_AS, &ceiling); // async-signal-safe: this runs between fork and exec
    });
#endif
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
    // Once the program has ended its id is 0, and kill(0, …) would signal the whole process
    // group: the test and ctest with it.
    if (const pid_t pid = pid_t(m_process.processId()); pid > 0)
        ::kill(pid, number);
}

int CliProcess::waitForExit(int timeoutMs)
{
    // waitForFinished() is false for a program that has already ended: that is not a time-out.
    if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(timeoutMs))
        return -1;
    stdoutText();
    stderrText();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -2;
}

qint64 CliProcess::residentBytes()
{
    const qint64 pid = m_process.processId();
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (pid <= 0 || !status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) // "VmRSS:     1234 kB"
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}
