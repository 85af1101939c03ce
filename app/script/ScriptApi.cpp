#include "ScriptApi.h"

#include "ScriptHost.h"

ScriptApi::ScriptApi(ScriptHost *host) : QObject(host), m_host(host) { }

void ScriptApi::sendText(const QString &text)
{
    m_host->m_connection->scriptSend(false, text.toUtf8());
}

void ScriptApi::sendBinary(const QByteArray &data)
{
    m_host->m_connection->scriptSend(true, data);
}

void ScriptApi::close(double code, const QString &reason)
{
    if (!(code >= 1000 && code <= 4999)) { // NaN included
        m_host->report(TrafficEvent::ScriptNote::Error,
            QStringLiteral("ctx.close: %1 is not a close code (1000-4999)").arg(code), 0);
        return;
    }
    m_host->m_connection->scriptClose(quint16(code), reason);
}

int ScriptApi::addTimer(double ms, const QJSValue &function, bool repeat)
{
    return m_host->addTimer(ms, function, repeat);
}

void ScriptApi::cancelTimer(double id)
{
    m_host->cancelTimer(int(id));
}

void ScriptApi::log(const QString &text, int line)
{
    m_host->report(TrafficEvent::ScriptNote::Log, text, line);
}

void ScriptApi::error(const QString &text, int line)
{
    m_host->report(TrafficEvent::ScriptNote::Error, text, line);
}

void ScriptApi::testResult(const QString &name, bool passed, const QString &detail, int line)
{
    m_host->report(
        passed ? TrafficEvent::ScriptNote::TestPassed : TrafficEvent::ScriptNote::TestFailed, name,
        line, detail);
}
