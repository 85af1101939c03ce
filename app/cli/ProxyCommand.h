#pragma once

#include "MessagePrinter.h"
#include "ProxyServer.h"
#include "ScriptTestReport.h"

#include <QObject>

class QCommandLineParser;

// `sockscope proxy --to URL`: listens, relays each client to URL through a ProxyServer (every
// pair in a thread of its own), and prints both directions: "[N] > payload" client to server,
// "[N] < payload" server to client on stdout, status on stderr, everything from the network
// escaped. Ctrl+C or SIGTERM ends every pair and finishes the recordings, then exits 0.
class ProxyCommand : public QObject
{
    Q_OBJECT
public:
    // The settings the parsed options ask for; false, with what is wrong, for bad arguments.
    static bool toSettings(
        const QCommandLineParser &parser, ProxyServer::Settings *settings, QString *error);

    // With settings.script: its lines print on stderr, its test() results are summed up (and
    // written to junitPath as JUnit when set) when the proxy ends.
    ProxyCommand(const ProxyServer::Settings &settings, bool showPings,
        const QString &junitPath = {}, QObject *parent = nullptr);

    int exec(); // runs until Ctrl+C; returns the exit status

private:
    void onEvents(int pairId, const TrafficBatch &batch);
    void stop(int status); // ends every pair, then the event loop
    int finishScript(int status);

    ProxyServer::Settings m_settings;
    MessagePrinter m_printer;
    QString m_junitPath;
    ScriptTestReport m_tests;
    ProxyServer m_server;
    bool m_outputFailed = false; // stdout cannot be written: printing stopped
};
