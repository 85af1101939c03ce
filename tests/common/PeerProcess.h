#pragma once

#include <QProcess>
#include <QStringList>
#include <QUrl>

// A real WebSocket peer for a test: Debian's python3-websockets or node-ws running one of the
// scripts in tests/peers, which prints "PORT <n>" once listening and a line for each thing a test
// may wait for. Killed when the object goes away.
class PeerProcess
{
public:
    ~PeerProcess();

    static QString peersDir();
    // Starts "/usr/bin/python3 py_peer.py ARGS" or "node node_peer.js ARGS"; false if it did not
    // come up (the reason is in errorText()).
    bool startPython(const QStringList &arguments);
    // Starts "/usr/bin/python3 SCRIPT ARGS" for another script in tests/peers (raw_peer.py).
    bool startPythonScript(const QString &script, const QStringList &arguments);
    bool startNode(const QStringList &arguments);
    // Starts a client script that prints no port: "/usr/bin/python3 proxy_client.py ARGS" or
    // "node node_proxy_client.js ARGS".
    bool startPythonClient(const QStringList &arguments);
    bool startNodeClient(const QStringList &arguments);
    // Writes to the peer's stdin (a client waiting for "go").
    void write(const QByteArray &bytes)
    {
        m_process.write(bytes);
        m_process.waitForBytesWritten();
    }
    // Waits for the process to end by itself.
    bool waitForFinished(int timeoutMs = 30000);

    quint16 port() const { return m_port; }
    QUrl url(const QString &scheme = QStringLiteral("ws")) const;
    // Waits until the peer printed a line starting with prefix; returns that line or "".
    QString waitForLine(const QString &prefix, int timeoutMs = 10000);
    QStringList lines();
    QString errorText() const { return m_error; }

private:
    bool start(const QString &program, const QStringList &arguments, const QProcessEnvironment &env,
        bool waitForPort = true);
    static QProcessEnvironment nodeEnvironment();
    void readLines();

    QProcess m_process;
    QStringList m_lines;
    int m_consumed = 0;
    quint16 m_port = 0;
    QString m_error;
};
