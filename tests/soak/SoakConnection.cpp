#include "SoakConnection.h"

#include "CloseCode.h"
#include "ConnectionHandle.h"
#include "ConnectionManager.h"
#include "RecordingReader.h"
#include "SoakPeers.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {
// Stays well inside what one connection's settings allow, so the change is always accepted.
constexpr int StallMs = 300;

QString scenarioName(SoakScenario scenario)
{
    static const char *const names[SoakScenarioCount]
        = {"echo", "server flood", "node flood", "stall and resume", "drop mid-message",
            "reconnect", "removed mid-flood", "connect timeout"};
    return QString::fromLatin1(names[int(scenario)]);
}
} // namespace

SoakCounts &SoakCounts::operator+=(const SoakCounts &o)
{
    attempts += o.attempts;
    closes += o.closes;
    sent += o.sent;
    received += o.received;
    bytesReceived += o.bytesReceived;
    recordingsVerified += o.recordingsVerified;
    heartbeatChanges += o.heartbeatChanges;
    removedMidTraffic += o.removedMidTraffic;
    slowestRemovalMs = qMax(slowestRemovalMs, o.slowestRemovalMs);
    return *this;
}

SoakConnection::SoakConnection(ConnectionManager *manager, const SoakPeers &peers,
    SoakScenario scenario, quint32 seed, const QString &recordingPrefix, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_scenario(scenario)
    , m_random(seed)
    , m_recordingPrefix(recordingPrefix)
{
    m_settings.heartbeat.enabled = false;
    switch (scenario) {
    case SoakScenario::Echo: {
        const QUrl servers[] = {peers.echo(), peers.pythonEcho(), peers.nodeEcho()};
        m_settings.url = servers[m_random.bounded(3)];
        m_rounds = 1 + int(m_random.bounded(2));
        if (m_random.bounded(2))
            m_settings.heartbeat = randomHeartbeat();
        break;
    }
    case SoakScenario::ServerFlood:
    case SoakScenario::TabClosedMidFlood:
        m_settings.url = peers.echo();
        break;
    case SoakScenario::NodeFlood:
        m_settings.url = peers.nodeFlood();
        m_expectedIncoming = SoakPeers::NodeFloodCount;
        m_expectedCloseCode = CloseCode::Normal;
        break;
    case SoakScenario::StallAndResume:
        m_settings.url = peers.pythonStall();
        // Pings go unanswered during the stall; the timeout is longer than any stall.
        m_settings.heartbeat = randomHeartbeat();
        break;
    case SoakScenario::DropMidMessage:
        m_settings.url = peers.pythonEcho();
        m_expectedCloseCode = CloseCode::Abnormal;
        break;
    case SoakScenario::Reconnect:
        m_settings.url = peers.pythonDropMid();
        m_settings.reconnect.enabled = true;
        m_settings.reconnect.initialDelayMs = 20;
        m_settings.reconnect.maxDelayMs = 100;
        m_closesWanted = 2 + int(m_random.bounded(3));
        break;
    case SoakScenario::ConnectTimeout:
        m_settings.url = peers.silent();
        m_settings.connectTimeoutMs = 100 + int(m_random.bounded(300));
        break;
    }
}

void SoakConnection::start()
{
    m_handle = m_manager->createConnection(m_settings);
    connect(m_handle, &ConnectionHandle::eventsReceived, this,
        [this](const TrafficBatch &batch) { onEvents(batch); });
    connect(m_handle, &ConnectionHandle::stateChanged, this,
        [this](ConnectionState state) { onStateChanged(state); });
    m_phase = Phase::Exchanging;
    m_handle->open();
    if (m_scenario == SoakScenario::ConnectTimeout && m_random.bounded(2)) {
        // The user gives up before the timeout.
        QTimer::singleShot(int(m_random.bounded(m_settings.connectTimeoutMs)), this, [this] {
            if (m_handle && m_phase == Phase::Exchanging)
                m_handle->requestClose();
        });
    }
}

QString SoakConnection::describe() const
{
    static const char *const phases[] = {"starting", "exchanging", "closing", "barrier", "done"};
    return QStringLiteral("%1 to %2, round %3/%4, phase %5: %6 attempts, %7 closes, %8 sent, "
                          "%9 received (%10 expected this attempt)%11")
        .arg(scenarioName(m_scenario), m_settings.url.toString())
        .arg(m_round + 1)
        .arg(m_rounds)
        .arg(QLatin1String(phases[int(m_phase)]))
        .arg(m_counts.attempts)
        .arg(m_counts.closes)
        .arg(m_counts.sent)
        .arg(m_counts.received)
        .arg(m_expectedIncoming)
        .arg(m_failure.isEmpty() ? QString() : QStringLiteral(": ") + m_failure);
}

void SoakConnection::onEvents(const TrafficBatch &batch)
{
    for (const TrafficEvent &event : batch.events) {
        if (m_phase == Phase::Done)
            return;
        switch (event.kind) {
        case Kind::Connecting:
            ++m_counts.attempts;
            break;
        case Kind::Open:
            onOpened();
            break;
        case Kind::Text:
        case Kind::Binary:
            onMessage(event, batch);
            break;
        case Kind::Close:
            ++m_counts.closes;
            onClosed(event);
            break;
        case Kind::HeartbeatChange:
            ++m_counts.heartbeatChanges;
            if (++m_heartbeatAnswers == m_heartbeatRequests && m_phase == Phase::Barrier)
                completeBarrier();
            break;
        default:
            break;
        }
    }
}

void SoakConnection::onOpened()
{
    m_incomingThisAttempt = 0;
    switch (m_scenario) {
    case SoakScenario::Echo: {
        startRecording();
        m_expectedIncoming = 5 + int(m_random.bounded(30));
        for (int i = 0; i < m_expectedIncoming; ++i) {
            const int size = 1 + int(m_random.bounded(4096));
            if (i % 2) {
                QByteArray data(size, Qt::Uninitialized);
                m_random.fillRange(reinterpret_cast<quint32 *>(data.data()), size / 4);
                sendBinary(data);
            } else {
                sendText(QStringLiteral("%1 é ").arg(i).leftJustified(size, QLatin1Char('.')));
            }
        }
        break;
    }
    case SoakScenario::ServerFlood:
        startRecording();
        m_expectedIncoming = 200 + int(m_random.bounded(800));
        sendText(
            QStringLiteral("burst %1 %2").arg(m_expectedIncoming).arg(16 + m_random.bounded(2048)));
        break;
    case SoakScenario::TabClosedMidFlood:
        sendText(QStringLiteral("burst 5000 1024"));
        break;
    case SoakScenario::StallAndResume: {
        // The server blocks its loop: it neither reads nor answers pings, then catches up.
        sendText(QStringLiteral("stall %1").arg(StallMs / 1000.0));
        const int count = 3 + int(m_random.bounded(5));
        for (int i = 0; i < count; ++i)
            sendBinary(QByteArray(32 * 1024 + int(m_random.bounded(96 * 1024)), char('a' + i)));
        m_expectedIncoming = count + 1;
        break;
    }
    case SoakScenario::DropMidMessage:
        startRecording();
        m_expectedIncoming = 3 + int(m_random.bounded(10));
        for (int i = 0; i < m_expectedIncoming; ++i)
            sendText(QStringLiteral("before the drop %1").arg(i));
        break;
    case SoakScenario::ConnectTimeout:
        fail(QStringLiteral("a server that never answers the upgrade was reported open"));
        break;
    case SoakScenario::NodeFlood:
    case SoakScenario::Reconnect:
        break;
    }
}

void SoakConnection::onMessage(const TrafficEvent &event, const TrafficBatch &batch)
{
    const QByteArray payload = batch.payload(event);
    if (m_recording)
        m_recorded.append({event.kind, event.direction, payload});
    if (event.direction != Direction::Incoming)
        return;
    ++m_counts.received;
    m_counts.bytesReceived += payload.size();
    ++m_incomingThisAttempt;
    if (m_scenario == SoakScenario::TabClosedMidFlood) {
        if (m_incomingThisAttempt == 1) // removed from outside this signal, as a tab would be
            QMetaObject::invokeMethod(
                this, [this] { removeMidTraffic(); }, Qt::QueuedConnection);
        return;
    }
    if (m_phase != Phase::Exchanging)
        return;
    if (m_incomingThisAttempt > m_expectedIncoming) {
        fail(QStringLiteral("more messages arrived than were asked for"));
        return;
    }
    if (m_scenario == SoakScenario::Echo && m_incomingThisAttempt == m_expectedIncoming / 2
        && m_random.bounded(2)) {
        ++m_heartbeatRequests;
        m_handle->setHeartbeat(randomHeartbeat());
    }
    if (m_incomingThisAttempt < m_expectedIncoming)
        return;
    switch (m_scenario) {
    case SoakScenario::Echo:
    case SoakScenario::StallAndResume:
        stopRecording();
        closeFromClient();
        break;
    case SoakScenario::ServerFlood: {
        stopRecording();
        m_phase = Phase::Closing;
        m_expectedCloseCode = randomCloseCode();
        sendText(QStringLiteral("close %1 soak server close").arg(m_expectedCloseCode));
        break;
    }
    case SoakScenario::DropMidMessage:
        m_phase = Phase::Closing;
        sendText(QStringLiteral("drop-mid"));
        break;
    default:
        break;
    }
}

void SoakConnection::onClosed(const TrafficEvent &event)
{
    if (m_phase == Phase::Barrier)
        return; // counted: completeBarrier() compares attempts and closes
    if (m_expectedCloseCode >= 0 && event.code != m_expectedCloseCode) {
        fail(QStringLiteral("closed with %1 (%2), expected %3")
                 .arg(event.code)
                 .arg(event.text)
                 .arg(m_expectedCloseCode));
        return;
    }
    if (m_expectedIncoming > 0 && m_incomingThisAttempt != m_expectedIncoming
        && m_scenario != SoakScenario::Reconnect) {
        fail(QStringLiteral("closed after %1 of %2 messages (%3 %4)")
                 .arg(m_incomingThisAttempt)
                 .arg(m_expectedIncoming)
                 .arg(event.code)
                 .arg(event.text));
        return;
    }
    if (m_scenario == SoakScenario::DropMidMessage)
        stopRecording();
    if (m_scenario == SoakScenario::Reconnect) {
        if (m_counts.closes < m_closesWanted || m_phase == Phase::Closing)
            return; // the engine reconnects by itself
        // Stopped in whatever state it is now (waiting to reconnect, connecting, or open); the
        // barrier follows once it reports Closed.
        m_phase = Phase::Closing;
        m_handle->requestClose();
        return;
    }
    if (m_scenario == SoakScenario::Echo && ++m_round < m_rounds) {
        // The same tab connects again.
        m_expectedCloseCode = -1;
        m_phase = Phase::Exchanging;
        m_handle->open();
        return;
    }
    beginBarrier();
}

void SoakConnection::onStateChanged(ConnectionState state)
{
    if (m_scenario == SoakScenario::Reconnect && m_phase == Phase::Closing
        && state == ConnectionState::Closed)
        beginBarrier();
}

void SoakConnection::startRecording()
{
    const QString path
        = QStringLiteral("%1-%2.sockscope.jsonl").arg(m_recordingPrefix).arg(m_round);
    m_handle->startRecording(path);
    m_recordings.append({path, {}});
    m_recorded.clear();
    m_recording = true;
}

void SoakConnection::stopRecording()
{
    if (!m_recording)
        return;
    m_handle->stopRecording();
    m_recording = false;
    m_recordings.last().messages = std::exchange(m_recorded, {});
}

void SoakConnection::sendText(const QString &text)
{
    m_handle->sendText(text);
    ++m_counts.sent;
}

void SoakConnection::sendBinary(const QByteArray &data)
{
    m_handle->sendBinary(data);
    ++m_counts.sent;
}

void SoakConnection::closeFromClient()
{
    m_phase = Phase::Closing;
    m_expectedCloseCode = randomCloseCode();
    m_handle->requestClose(quint16(m_expectedCloseCode), QStringLiteral("soak client close"));
}

quint16 SoakConnection::randomCloseCode()
{
    static const quint16 codes[] = {1000, 1001, 1003, 1007, 1008, 1009, 1011};
    const quint16 code = m_random.bounded(3) ? codes[m_random.bounded(int(std::size(codes)))]
                                             : quint16(3000 + m_random.bounded(2000));
    Q_ASSERT(CloseCode::isSendable(code));
    return code;
}

HeartbeatSettings SoakConnection::randomHeartbeat()
{
    HeartbeatSettings heartbeat;
    heartbeat.enabled = true;
    heartbeat.intervalMs = 100 + int(m_random.bounded(400));
    heartbeat.timeoutMs = 3000 + StallMs * 2;
    heartbeat.onTimeout = HeartbeatSettings::TimeoutAction::Report;
    return heartbeat;
}

void SoakConnection::beginBarrier()
{
    m_phase = Phase::Barrier;
    HeartbeatSettings off;
    off.enabled = false;
    ++m_heartbeatRequests;
    m_handle->setHeartbeat(off);
}

void SoakConnection::completeBarrier()
{
    if (m_counts.attempts == 0 || m_counts.attempts != m_counts.closes) {
        fail(QStringLiteral("%1 connection attempts ended with %2 Close events")
                 .arg(m_counts.attempts)
                 .arg(m_counts.closes));
        return;
    }
    for (const Recording &recording : std::as_const(m_recordings)) {
        verifyRecording(recording);
        if (!m_failure.isEmpty())
            return;
    }
    m_phase = Phase::Done;
}

void SoakConnection::verifyRecording(const Recording &recording)
{
    RecordingReader reader;
    if (!reader.read(recording.path)) {
        fail(reader.error());
        return;
    }
    if (!reader.problems().isEmpty()) {
        fail(reader.problemLines().join(QLatin1Char('\n')));
        return;
    }
    QList<Message> loaded;
    for (const TrafficBatch &batch : reader.batches()) {
        for (const TrafficEvent &event : batch.events) {
            if (event.isMessage())
                loaded.append({event.kind, event.direction, batch.payload(event)});
        }
    }
    if (loaded != recording.messages) {
        qsizetype first = 0;
        while (first < loaded.size() && first < recording.messages.size()
            && loaded.at(first) == recording.messages.at(first))
            ++first;
        fail(QStringLiteral("%1 holds %2 messages, %3 were reported while recording; the first "
                            "difference is message %4")
                 .arg(recording.path)
                 .arg(loaded.size())
                 .arg(recording.messages.size())
                 .arg(first + 1));
        return;
    }
    ++m_counts.recordingsVerified;
    QFile::remove(recording.path);
}

void SoakConnection::removeMidTraffic()
{
    if (!m_handle)
        return;
    QElapsedTimer removal;
    removal.start();
    m_manager->removeConnection(m_handle);
    m_handle = nullptr;
    m_counts.slowestRemovalMs = qMax(m_counts.slowestRemovalMs, removal.elapsed());
    ++m_counts.removedMidTraffic;
    m_phase = Phase::Done;
}

void SoakConnection::fail(const QString &why)
{
    if (m_failure.isEmpty())
        m_failure = why;
    m_phase = Phase::Done;
}
