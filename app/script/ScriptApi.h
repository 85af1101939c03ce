#pragma once

#include <QJSValue>
#include <QObject>

class ScriptHost;

// The native half of the script API: what the prelude's ctx, log() and test() call. Only the
// prelude holds it (it is an argument of the prelude's function), never the user's script, so
// nothing else of a QObject is reachable from JavaScript.
class ScriptApi : public QObject
{
    Q_OBJECT
public:
    explicit ScriptApi(ScriptHost *host);

    Q_INVOKABLE void sendText(const QString &text);
    Q_INVOKABLE void sendBinary(const QByteArray &data);
    Q_INVOKABLE void close(double code, const QString &reason);
    Q_INVOKABLE int addTimer(double ms, const QJSValue &function, bool repeat);
    Q_INVOKABLE void cancelTimer(double id);
    Q_INVOKABLE void log(const QString &text, int line);
    Q_INVOKABLE void error(const QString &text, int line);
    Q_INVOKABLE void testResult(const QString &name, bool passed, const QString &detail, int line);

private:
    ScriptHost *m_host;
};
