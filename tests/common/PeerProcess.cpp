#include "PeerProcess.h"

#include <QDeadlineTimer>

#ifndef SOCKSCOPE_PEERS_DIR
#error "SOCKSCOPE_PEERS_DIR must point at tests/peers"
#endif

PeerProcess::~PeerProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString PeerProcess::peersDir()
{
    return QStringLiteral(SOCKSCOPE_PEERS_DIR);
}

bool PeerProcess::startPython(const QStringList &arguments)
{
    return startPythonScript(QStringLiteral("py_peer.py"), arguments);
}

bool PeerProcess::startPythonScript(const QString &script, const QStringList &arguments)
{
    // Debian's interpreter: it has python3-websockets, a python3 earlier on PATH may not.
    return start(QStringLiteral("/usr/bin/python3"),
        QStringList {QStringLiteral("-u"), peersDir() + QLatin1Char('/') + script} + arguments,
        QProcessEnvironment::systemEnvironment());
}

QProcessEnvironment PeerProcess::nodeEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NODE_PATH"), QStringLiteral("/usr/share/nodejs"));
    return env;
}

bool PeerProcess::startNode(const QStringList &arguments)
{
    return start(QStringLiteral("node"),
        QStringList {peersDir() + QStringLiteral("/node_peer.js")} + arguments, nodeEnvironment());
}

bool PeerProcess::startPythonClient(const QStringList &arguments)
{
    return start(QStringLiteral("/usr/bin/python3"),
        QStringList {QStringLiteral("-u"), peersDir() + QStringLiteral("/proxy_client.py")}
            + arguments,
        QProcessEnvironment::systemEnvironment(), false);
}

bool PeerProcess::startNodeClient(const QStringList &arguments)
{
    return start(QStringLiteral("node"),
        QStringList {peersDir() + QStringLiteral("/node_proxy_client.js")} + arguments,
        nodeEnvironment(), false);
}

bool PeerProcess::waitForFinished(int timeoutMs)
{
    const bool finished = m_process.waitForFinished(timeoutMs);
    readLines();
    return finished;
}

bool PeerProcess::start(const QString &program, const QStringList &arguments,
    const QProcessEnvironment &env, bool waitForPort)
{
    m_process.setProcessEnvironment(env);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("%1 did not start: %2").arg(program, m_process.errorString());
        return false;
    }
    if (!waitForPort)
        return true;
    const QString line = waitForLine(QStringLiteral("PORT "), 20000);
    if (line.isEmpty()) {
        m_error = QStringLiteral("%1 %2 printed no port; stderr: %3")
                      .arg(program, arguments.join(QLatin1Char(' ')),
                          QString::fromLocal8Bit(m_process.readAllStandardError()));
        return false;
    }
    m_port = quint16(line.mid(5).toUInt());
    return m_port != 0;
}

QUrl PeerProcess::url(const QString &scheme) const
{
    return QUrl(QStringLiteral("%1://127.0.0.1:%2/").arg(scheme).arg(m_port));
}

void PeerProcess::readLines()
{
    while (m_process.canReadLine())
        m_lines << QString::fromUtf8(m_process.readLine()).trimmed();
}

QStringList PeerProcess::lines()
{
    readLines();
    return m_lines;
}

QString PeerProcess::waitForLine(const QString &prefix, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        readLines();
        while (m_consumed < m_lines.size()) {
            QString line = m_lines.at(m_consumed++);
            if (line.startsWith(prefix))
                return line;
        }
        if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
            return {};
        m_process.waitForReadyRead(
            int(qMin<qint64>(200, qMax<qint64>(1, deadline.remainingTime()))));
    }
}
