#include "ScriptOptions.h"

#include "ConnectOptions.h"
#include "ScriptHost.h"

#include <QCommandLineParser>

namespace ScriptOptions {

namespace {

// Takes what a trial load of the script says: only why it could not be loaded.
class LoadProbe final : public ScriptHost::Connection
{
public:
    void scriptSend(bool, const QByteArray &) override { }
    void scriptClose(quint16, const QString &) override { }
    void scriptOutput(
        TrafficEvent::ScriptNote note, const QString &text, int line, const QString &) override
    {
        if (note == TrafficEvent::ScriptNote::LoadFailed && m_problem.isEmpty()) {
            m_problem = text;
            m_line = line;
        }
    }
    // "FILE:LINE: message", or "FILE: message" when no line is known.
    QString problem(const QString &file) const
    {
        return m_line > 0 ? QStringLiteral("%1:%2: %3").arg(file).arg(m_line).arg(m_problem)
                          : QStringLiteral("%1: %2").arg(file, m_problem);
    }

private:
    QString m_problem;
    int m_line = 0;
};

} // namespace

QList<QCommandLineOption> options()
{
    return {
        QCommandLineOption(QStringLiteral("script"),
            QStringLiteral("Run a JavaScript file on each connection (onOpen, onMessage, onClose, "
                           "ctx, log, test; see docs/scripting.md). Its errors and log() lines "
                           "print on stderr as FILE:LINE: message."),
            QStringLiteral("FILE.js")),
        QCommandLineOption(QStringLiteral("script-budget"),
            QStringLiteral("How long one call into the script may run before it is interrupted "
                           "(default 500 ms); ms, or a number with ms or s."),
            QStringLiteral("MS")),
        QCommandLineOption(QStringLiteral("junit"),
            QStringLiteral("Write the script's test() results to FILE as JUnit XML."),
            QStringLiteral("FILE")),
    };
}

QCommandLineOption rulesOption()
{
    return QCommandLineOption(QStringLiteral("rules"),
        QStringLiteral("Answer client messages by mock rules: a JSON list of {match, reply, "
                       "delay, close} (see docs/scripting.md); the first match answers."),
        QStringLiteral("FILE.json"));
}

bool read(const QCommandLineParser &parser, ScriptSource *source, QString *error)
{
    *source = {};
    const QString path = parser.value(QStringLiteral("script"));
    const bool hasBudget = parser.isSet(QStringLiteral("script-budget"));
    if (path.isEmpty()) {
        if (hasBudget || parser.isSet(QStringLiteral("junit"))) {
            *error = QStringLiteral("--script-budget and --junit go with --script FILE.js");
            return false;
        }
        return true;
    }
    int budgetMs = ScriptSource::DefaultBudgetMs;
    if (hasBudget
        && (!ConnectOptions::parseDuration(parser.value(QStringLiteral("script-budget")), &budgetMs)
            || budgetMs < ScriptSource::MinBudgetMs || budgetMs > ScriptSource::MaxBudgetMs)) {
        *error = QStringLiteral("--script-budget takes %1 ms to %2 s")
                     .arg(ScriptSource::MinBudgetMs)
                     .arg(ScriptSource::MaxBudgetMs / 1000);
        return false;
    }
    if (!ScriptSource::read(path, source, error))
        return false;
    source->budgetMs = budgetMs;
    // Loaded once here, with nothing connected, so a script that cannot be loaded (a syntax
    // error, a throw or an endless loop at its top level) ends the command before it starts.
    LoadProbe probe;
    if (!ScriptHost(*source, &probe).load()) {
        *error = probe.problem(path);
        *source = {};
        return false;
    }
    return true;
}

QString junitPath(const QCommandLineParser &parser)
{
    return parser.value(QStringLiteral("junit"));
}

} // namespace ScriptOptions
