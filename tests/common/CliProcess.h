#pragma once

#include <QProcess>
#include <QRegularExpression>
#include <QStringList>

// `sockscope COMMAND ...` as a subprocess, driven as a user drives it: stdin, stdout, stderr,
// signals and an exit status. Killed when the object goes away.
class CliProcess
{
public:
    explicit CliProcess(const QStringList &arguments);
    // Standard input read from a file (/dev/zero, a prepared file) instead of the test.
    struct InputFile
    {
        QString path;
    };
    CliProcess(const QStringList &arguments, const InputFile &input);
    // A ceiling on the program's address space (RLIMIT_AS): a program that would read without
    // bound dies of it (exit -2) instead of taking the test machine's memory.
    struct AddressSpaceLimit
    {
        qint64 bytes;
    };
    CliProcess(const QStringList &arguments, const AddressSpaceLimit &limit);
    CliProcess(const QString &program, const QStringList &arguments);
    ~CliProcess();

    bool waitForStderr(const QString &text, int timeoutMs = 10000);
    bool waitForStdout(const QRegularExpression &pattern, int timeoutMs = 10000);
    QString stdoutText();
    QString stderrText();
    void signal(int number);
    // Exit code, or -1 when it did not exit in time (-2: it crashed).
    int waitForExit(int timeoutMs = 10000);
    QProcess &process() { return m_process; }
    // The program's resident memory now (VmRSS), in bytes; -1 when it is not running.
    qint64 residentBytes();

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};
