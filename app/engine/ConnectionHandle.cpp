#include "ConnectionHandle.h"

#include "ConnectionWorker.h"

namespace {
void registerMetaTypes()
{
    static const bool registered = [] {
        qRegisterMetaType<TrafficBatch>();
        qRegisterMetaType<LoopLag>();
        qRegisterMetaType<ConnectionState>();
        qRegisterMetaType<ConnectionSettings>();
        qRegisterMetaType<HeartbeatSettings>();
        return true;
    }();
    Q_UNUSED(registered);
}
} // namespace

ConnectionHandle::ConnectionHandle(const ConnectionSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_thread(QStringLiteral("sockscope-connection"))
    , m_worker(new ConnectionWorker(settings, m_clock))
{
    registerMetaTypes();
    connect(m_worker, &ConnectionWorker::eventsReady, this, &ConnectionHandle::eventsReceived);
    connect(m_worker, &ConnectionWorker::replayProgress, this, &ConnectionHandle::replayProgress);
    connect(m_worker, &ConnectionWorker::replayFinished, this, &ConnectionHandle::replayFinished);
    connect(m_worker, &ConnectionWorker::stateChanged, this, [this](ConnectionState state) {
        m_state = state;
        Q_EMIT stateChanged(state);
    });
    // The transport and the timers are created by initialize(), in the worker thread; the
    // worker is deleted there when the thread ends.
    ConnectionWorker *worker = m_worker;
    m_thread.start(
        m_worker, [worker] { worker->initialize(); }, false);
}

ConnectionHandle::~ConnectionHandle()
{
    beginShutdown();
    waitForShutdown(QDeadlineTimer(OwnedThread::DefaultStopTimeoutMs));
}

template<typename F> void ConnectionHandle::post(F &&call)
{
    if (m_shutdownBegun)
        return;
    QMetaObject::invokeMethod(m_worker, std::forward<F>(call), Qt::QueuedConnection);
}

void ConnectionHandle::beginShutdown()
{
    if (m_shutdownBegun)
        return;
    ConnectionWorker *worker = m_worker;
    m_thread.requestStop([worker] { worker->shutdown(); });
    m_shutdownBegun = true;
}

bool ConnectionHandle::waitForShutdown(QDeadlineTimer deadline)
{
    return m_thread.join(deadline);
}

bool ConnectionHandle::isShutDown() const
{
    return m_shutdownBegun && !m_thread.isRunning();
}

void ConnectionHandle::open()
{
    openWith(m_settings);
}

void ConnectionHandle::openWith(const ConnectionSettings &settings)
{
    m_settings = settings;
    ConnectionWorker *worker = m_worker;
    post([worker, settings] { worker->open(settings); });
}

void ConnectionHandle::sendText(const QString &text)
{
    ConnectionWorker *worker = m_worker;
    post([worker, text] { worker->sendText(text); });
}

void ConnectionHandle::sendBinary(const QByteArray &data)
{
    ConnectionWorker *worker = m_worker;
    post([worker, data] { worker->sendBinary(data); });
}

void ConnectionHandle::setHeartbeat(const HeartbeatSettings &settings)
{
    m_settings.heartbeat = settings;
    ConnectionWorker *worker = m_worker;
    post([worker, settings] { worker->setHeartbeat(settings); });
}

void ConnectionHandle::pingNow()
{
    ConnectionWorker *worker = m_worker;
    post([worker] { worker->pingNow(); });
}

void ConnectionHandle::requestClose(quint16 code, const QString &reason)
{
    ConnectionWorker *worker = m_worker;
    post([worker, code, reason] { worker->requestClose(code, reason); });
}

void ConnectionHandle::cancel()
{
    ConnectionWorker *worker = m_worker;
    post([worker] { worker->cancel(); });
}

void ConnectionHandle::startRecording(const QString &path, bool keepSecrets)
{
    ConnectionWorker *worker = m_worker;
    post([worker, path, keepSecrets] { worker->startRecording(path, keepSecrets); });
}

void ConnectionHandle::stopRecording()
{
    ConnectionWorker *worker = m_worker;
    post([worker] { worker->stopRecording(); });
}

void ConnectionHandle::startReplay(const ReplayPlan &plan)
{
    ConnectionWorker *worker = m_worker;
    post([worker, plan] { worker->startReplay(plan); });
}

void ConnectionHandle::cancelReplay()
{
    ConnectionWorker *worker = m_worker;
    post([worker] { worker->cancelReplay(); });
}

void ConnectionHandle::loadScript(const ScriptSource &source)
{
    m_script = source;
    ConnectionWorker *worker = m_worker;
    post([worker, source] { worker->loadScript(source); });
}
