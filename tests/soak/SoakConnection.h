#pragma once

#include "ConnectionSettings.h"
#include "ConnectionState.h"
#include "TrafficBatch.h"

#include <QList>
#include <QObject>
#include <QRandomGenerator>

class ConnectionHandle;
class ConnectionManager;
class SoakPeers;

// What one connection of the soak test does, from opening to its final check.
enum class SoakScenario : quint8 {
    Echo, // messages echoed by one of three servers, recorded, heartbeat changed live, reopened
    ServerFlood, // a burst from the server, recorded, then the server closes with a random code
    NodeFlood, // node-ws floods right after the upgrade and closes
    StallAndResume, // the server stops reading and answering while large messages are sent
    DropMidMessage, // the server drops TCP in the middle of a frame during a recording
    Reconnect, // automatic reconnection to a server that always drops, then stopped
    TabClosedMidFlood, // the connection is removed while a flood is arriving
    ConnectTimeout, // a server that never answers the upgrade: timeout or cancel
};
inline constexpr int SoakScenarioCount = 8;

// Figures for the report, added up over connections.
struct SoakCounts
{
    qint64 attempts = 0; // Connecting events
    qint64 closes = 0; // Close events
    qint64 sent = 0; // messages sent
    qint64 received = 0; // messages received
    qint64 bytesReceived = 0;
    qint64 recordingsVerified = 0;
    qint64 heartbeatChanges = 0;
    qint64 removedMidTraffic = 0;
    qint64 slowestRemovalMs = 0; // removing a connection joins its thread

    SoakCounts &operator+=(const SoakCounts &o);
};

// One connection of the soak test, driven by the events it reports through the public engine
// API. It checks as it goes: exactly one Close event per connection attempt, the close codes it
// asked for, every message of each recording back from the file, and a bounded removal.
class SoakConnection : public QObject
{
    Q_OBJECT
public:
    SoakConnection(ConnectionManager *manager, const SoakPeers &peers, SoakScenario scenario,
        quint32 seed, const QString &recordingPrefix, QObject *parent = nullptr);

    void start();
    bool isFinished() const { return m_phase == Phase::Done; }
    QString failure() const { return m_failure; }
    // The scenario, the phase and the counts, for a failure message.
    QString describe() const;
    const SoakCounts &counts() const { return m_counts; }
    // Null once the connection was removed.
    ConnectionHandle *handle() const { return m_handle; }

private:
    enum class Phase : quint8 { Starting, Exchanging, Closing, Barrier, Done };
    struct Message
    {
        TrafficEvent::Kind kind;
        TrafficEvent::Direction direction;
        QByteArray payload;
        bool operator==(const Message &o) const
        {
            return kind == o.kind && direction == o.direction && payload == o.payload;
        }
    };
    struct Recording
    {
        QString path;
        QList<Message> messages; // every message the connection reported while recording
    };

    void onEvents(const TrafficBatch &batch);
    void onOpened();
    void onMessage(const TrafficEvent &event, const TrafficBatch &batch);
    void onClosed(const TrafficEvent &event);
    void onStateChanged(ConnectionState state);
    void startRecording();
    void stopRecording();
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);
    void closeFromClient();
    quint16 randomCloseCode();
    HeartbeatSettings randomHeartbeat();
    // Every event posted before the answer to a heartbeat change has arrived when it does.
    void beginBarrier();
    void completeBarrier();
    void verifyRecording(const Recording &recording);
    void removeMidTraffic();
    void fail(const QString &why);

    ConnectionManager *m_manager;
    ConnectionHandle *m_handle = nullptr;
    ConnectionSettings m_settings;
    SoakScenario m_scenario;
    QRandomGenerator m_random;
    QString m_recordingPrefix;
    Phase m_phase = Phase::Starting;
    QString m_failure;
    SoakCounts m_counts;

    int m_round = 0;
    int m_rounds = 1;
    int m_expectedIncoming = 0;
    int m_incomingThisAttempt = 0;
    int m_closesWanted = 1;
    int m_expectedCloseCode = -1; // -1: any
    int m_heartbeatRequests = 0;
    int m_heartbeatAnswers = 0;
    bool m_recording = false;
    QList<Message> m_recorded;
    QList<Recording> m_recordings;
};
