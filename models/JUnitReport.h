#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

// Test results as JUnit XML, the format CI systems (Jenkins, GitLab, GitHub actions) read.
// Written to satisfy the required elements and attributes of the common JUnit schema (Ant's
// junit.xsd as Jenkins uses it): every <testsuite> has name, tests, failures, errors, skipped,
// time, timestamp, hostname, id and package, and <properties>, <system-out> and <system-err>;
// every <testcase> has name, classname and time; a <failure> or <error> has message and type.
// Characters XML 1.0 cannot hold (control characters from the network) are written as \xNN.
class JUnitReport
{
public:
    enum class Outcome { Passed, Failed, Error, Skipped };

    struct TestCase
    {
        QString name;
        QString className;
        double seconds = 0;
        Outcome outcome = Outcome::Passed;
        QString message; // failure, error or skip: one line
        QString type; // failure or error type; "failure" or "error" when empty
        QString details; // failure or error: the full text (a diff, a stack)
        QString systemOut;
        QString systemErr;
    };

    struct Suite
    {
        QString name;
        QString package; // defaults to the suite's name
        QDateTime timestamp; // when it started; now when invalid
        double seconds = -1; // < 0: the sum of its cases
        QString hostname; // defaults to this machine's
        QList<QPair<QString, QString>> properties;
        QList<TestCase> cases;
        QString systemOut;
        QString systemErr;

        int count(Outcome outcome) const;
        double totalSeconds() const;
    };

    // Appends a suite and returns it to be filled in.
    Suite &addSuite(const QString &name);
    const QList<Suite> &suites() const { return m_suites; }
    bool hasFailures() const; // a failure or an error in any suite

    QByteArray toXml() const;
    // Writes the XML atomically (a temporary file renamed over FILE); on failure, a message naming
    // the file and the reason.
    bool writeFile(const QString &path, QString *error) const;

    // Text as XML 1.0 can carry it: characters it forbids become \xNN (or \uNNNN).
    static QString xmlSafe(const QString &text);

private:
    QList<Suite> m_suites;
};
