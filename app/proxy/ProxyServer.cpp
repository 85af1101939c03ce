#include "ProxyServer.h"

#include "PemFiles.h"
#include "ProxyPair.h"
#include "RecordingFormat.h"
#include "ScriptHost.h"

#include <QFileInfo>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>

namespace {

QString readableFileProblem(const QString &path, const QString &what)
{
    const QFileInfo info(path);
    if (!info.exists())
        return QStringLiteral("%1 '%2' does not exist").arg(what, path);
    if (!info.isFile() || !info.isReadable())
        return QStringLiteral("%1 '%2' cannot be read").arg(what, path);
    return {};
}

// The certificate and key to listen with, or why they cannot be used.
bool loadListenTls(const ProxyServer::Settings &s, QSslConfiguration *tls, QString *error)
{
    QSslCertificate certificate;
    QSslKey key;
    if (!PemFiles::readCertificate(s.tlsCertFile, &certificate, error)
        || !PemFiles::readPrivateKey(s.tlsKeyFile, &key, error))
        return false;
    *tls = QSslConfiguration::defaultConfiguration();
    tls->setLocalCertificate(certificate);
    tls->setPrivateKey(key);
    tls->setPeerVerifyMode(QSslSocket::VerifyNone);
    return true;
}

} // namespace

// Accepts clients in the proxy's listener thread and gives each a ProxyPair in a thread of its
// own; joins a pair's thread when it has ended, and all of them when the proxy stops. Requests
// from the ProxyServer reach the pairs through here as queued calls.
class ProxyListener : public QTcpServer
{
    Q_OBJECT
public:
    ProxyListener(ProxyServer *server, const ProxyServer::Settings &settings,
        const QSslConfiguration &listenTls)
        : m_server(server), m_settings(settings), m_listenTls(listenTls)
    { }

    quint16 start(const QHostAddress &address, quint16 port, QString *error)
    {
        if (!listen(address, port)) {
            *error = errorString();
            return 0;
        }
        return serverPort();
    }

    void setFaultsForNewPairs(const ProxyFaults &faults) { m_settings.faults = faults; }

    // Runs call(worker) in the thread of each pair named (AllPairs: every pair).
    template<typename F> void forPairs(int pairId, const F &call)
    {
        for (auto it = m_pairs.cbegin(); it != m_pairs.cend(); ++it) {
            if (pairId != ProxyServer::AllPairs && it.key() != pairId)
                continue;
            ProxyPair *worker = it->worker;
            QMetaObject::invokeMethod(
                worker, [worker, call] { call(worker); }, Qt::QueuedConnection);
        }
    }

    // Every pair closes both sides (1001) and finishes its recording; all threads are joined
    // against one deadline.
    void stopPairs()
    {
        close();
        QList<OwnedThread *> threads;
        for (const Pair &pair : std::as_const(m_pairs)) {
            ProxyPair *worker = pair.worker;
            pair.thread->requestStop([worker] { worker->shutdown(); });
            threads << pair.thread;
        }
        OwnedThread::stopAll(threads, OwnedThread::DefaultStopTimeoutMs);
        qDeleteAll(threads);
        m_pairs.clear();
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        const int id = m_nextPairId++;
        auto *thread = new OwnedThread(QStringLiteral("sockscope-proxy-pair-%1").arg(id));
        const QString recordPath = m_settings.recordPath.isEmpty()
            ? QString()
            : RecordingFormat::numberedPath(m_settings.recordPath, id - 1);
        auto *worker
            = new ProxyPair(id, descriptor, m_settings, m_settings.faults, m_listenTls, recordPath);
        ProxyServer *server = m_server;
        connect(worker, &ProxyPair::accepted, server, &ProxyServer::pairOpened);
        connect(worker, &ProxyPair::eventsReady, server, &ProxyServer::eventsReceived);
        connect(worker, &ProxyPair::statusChanged, server, &ProxyServer::pairStatusChanged);
        connect(worker, &ProxyPair::messageHeld, server, &ProxyServer::messageHeld);
        connect(worker, &ProxyPair::ended, server, &ProxyServer::pairEnded);
        connect(worker, &ProxyPair::recordingChanged, server, &ProxyServer::recordingChanged);
        connect(worker, &ProxyPair::ended, this, &ProxyListener::endPair);
        m_pairs.insert(id, {thread, worker});
        thread->start(
            worker, [worker] { worker->start(); }, false);
    }

private:
    struct Pair
    {
        OwnedThread *thread = nullptr;
        ProxyPair *worker = nullptr;
    };

    void endPair(int pairId)
    {
        const Pair pair = m_pairs.take(pairId);
        if (!pair.thread)
            return; // already joined by stopPairs()
        pair.thread->stop();
        delete pair.thread;
    }

    ProxyServer *m_server;
    ProxyServer::Settings m_settings;
    QSslConfiguration m_listenTls;
    int m_nextPairId = 1;
    QHash<int, Pair> m_pairs;
};

QString ProxyServer::Settings::validate() const
{
    if (!upstream.isValid() || upstream.host().isEmpty()
        || (upstream.scheme() != QLatin1String("ws") && upstream.scheme() != QLatin1String("wss")))
        return QStringLiteral("the upstream URL must be ws:// or wss:// and name a host");
    if (tlsCertFile.isEmpty() != tlsKeyFile.isEmpty())
        return QStringLiteral("listening with TLS needs both a certificate and a key file");
    if (!tlsCertFile.isEmpty()) {
        for (const auto &[path, what] :
            {std::pair(tlsCertFile, QStringLiteral("the TLS certificate")),
                std::pair(tlsKeyFile, QStringLiteral("the TLS key"))}) {
            QString problem = readableFileProblem(path, what);
            if (!problem.isEmpty())
                return problem;
        }
    }
    if (!caFile.isEmpty()) {
        QString problem = readableFileProblem(caFile, QStringLiteral("the CA file"));
        if (!problem.isEmpty())
            return problem;
        QList<QSslCertificate> certificates;
        if (!PemFiles::readCertificates(caFile, &certificates, &problem))
            return problem;
    }
    QString faultProblem = faults.validate();
    if (!faultProblem.isEmpty())
        return faultProblem;
    if (stallAfterMs < 0 || stallForMs < 0 || stallForMs > ProxyFaults::MaxLatencyMs)
        return QStringLiteral("a stall must start at 0 s or later and last at most an hour");
    if (maxMessageSize <= 0)
        return QStringLiteral("the message size limit must be positive");
    if (upstreamTimeoutMs <= 0)
        return QStringLiteral("the upstream timeout must be positive");
    return {};
}

ProxyServer::ProxyServer(QObject *parent)
    : QObject(parent), m_listenerThread(QStringLiteral("sockscope-proxy-listener"))
{
    // The latest status of each pair, for pairs(); the signals themselves pass straight through.
    connect(this, &ProxyServer::pairOpened, this, [this](int pairId, const QString &address) {
        m_status[pairId].pairId = pairId;
        m_status[pairId].clientAddress = address;
    });
    connect(this, &ProxyServer::pairStatusChanged, this,
        [this](const ProxyPairStatus &status) { m_status[status.pairId] = status; });
    connect(this, &ProxyServer::recordingChanged, this, [this](int pairId, const QString &path) {
        if (path.isEmpty())
            m_recordings.remove(pairId);
        else
            m_recordings.insert(pairId, path);
    });
    static const bool registered = [] {
        qRegisterMetaType<TrafficBatch>();
        qRegisterMetaType<LoopLag>();
        qRegisterMetaType<ProxySide>();
        qRegisterMetaType<ProxyFaults>();
        qRegisterMetaType<ProxyPairStatus>();
        qRegisterMetaType<ProxyPairState>();
        return true;
    }();
    Q_UNUSED(registered);
}

ProxyServer::~ProxyServer()
{
    stop();
}

bool ProxyServer::listen(const Settings &settings, QString *error)
{
    stop();
    QString problem = settings.validate();
    if (problem.isEmpty())
        problem = scriptProblem(settings.script);
    QSslConfiguration tls;
    if (problem.isEmpty() && !settings.tlsCertFile.isEmpty())
        loadListenTls(settings, &tls, &problem);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    m_settings = settings;
    m_listenTls = tls;
    m_pairFaults.clear();
    m_recordings.clear();
    auto *listener = new ProxyListener(this, settings, tls);
    m_listener = listener;
    QString message;
    m_listenerThread.start(
        listener, [&] { m_port = listener->start(settings.address, settings.port, &message); });
    if (m_port == 0) {
        if (error)
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(settings.address.toString())
                         .arg(settings.port)
                         .arg(message);
        stop();
        return false;
    }
    return true;
}

void ProxyServer::stop()
{
    if (m_listener) {
        ProxyListener *listener = m_listener;
        m_listener = nullptr;
        // The pairs end in the listener's thread, all within one bound, then the listener.
        m_listenerThread.requestStop([listener] { listener->stopPairs(); });
    }
    m_listenerThread.join(QDeadlineTimer(OwnedThread::DefaultStopTimeoutMs + 1000));
    m_port = 0;
}

QUrl ProxyServer::url() const
{
    QUrl url;
    url.setScheme(m_listenTls.isNull() ? QStringLiteral("ws") : QStringLiteral("wss"));
    url.setHost(m_settings.address.toString());
    url.setPort(m_port);
    url.setPath(QStringLiteral("/"));
    return url;
}

void ProxyServer::clearEnded()
{
    const QList<int> ids = m_status.keys();
    for (int id : ids) {
        if (m_status.value(id).state != ProxyPairState::Closed)
            continue;
        m_status.remove(id);
        m_pairFaults.remove(id);
        m_recordings.remove(id);
    }
}

ProxyFaults ProxyServer::faults(int pairId) const
{
    return m_pairFaults.value(pairId, m_settings.faults);
}

QString ProxyServer::scriptProblem(const ScriptSource &script)
{
    return script.isEmpty() ? QString() : ScriptHost::syntaxProblem(script);
}

template<typename F> void ProxyServer::forPairs(int pairId, F &&call)
{
    if (!m_listener)
        return;
    ProxyListener *listener = m_listener;
    QMetaObject::invokeMethod(
        listener, [listener, pairId, call] { listener->forPairs(pairId, call); },
        Qt::QueuedConnection);
}

void ProxyServer::setFaults(int pairId, const ProxyFaults &faults)
{
    if (pairId == AllPairs) {
        // Every current pair gets them too.
        m_settings.faults = faults;
        m_pairFaults.clear();
        if (ProxyListener *listener = m_listener)
            QMetaObject::invokeMethod(
                listener, [listener, faults] { listener->setFaultsForNewPairs(faults); },
                Qt::QueuedConnection);
    } else {
        m_pairFaults.insert(pairId, faults);
    }
    forPairs(pairId, [faults](ProxyPair *p) { p->setFaults(faults); });
}

void ProxyServer::stall(int pairId, ProxySide from, int forMs)
{
    forPairs(pairId, [from, forMs](ProxyPair *p) { p->stall(from, forMs); });
}

void ProxyServer::cut(int pairId)
{
    forPairs(pairId, [](ProxyPair *p) { p->cut(); });
}

void ProxyServer::cutInNextMessageOver(int pairId, qint64 bytes)
{
    forPairs(pairId, [bytes](ProxyPair *p) { p->cutInNextMessageOver(bytes); });
}

void ProxyServer::closeSide(int pairId, ProxySide side, quint16 code, const QString &reason)
{
    forPairs(pairId, [side, code, reason](ProxyPair *p) { p->closeSide(side, code, reason); });
}

void ProxyServer::inject(int pairId, ProxySide from, bool binary, const QByteArray &payload)
{
    forPairs(pairId, [from, binary, payload](ProxyPair *p) { p->inject(from, binary, payload); });
}

void ProxyServer::forwardHeld(int pairId, ProxySide from, quint64 heldId)
{
    forPairs(pairId, [from, heldId](ProxyPair *p) {
        p->decideHeld(from, heldId, int(ProxyRelay::Decision::Forward), false, {});
    });
}

void ProxyServer::replaceHeld(
    int pairId, ProxySide from, quint64 heldId, bool binary, const QByteArray &payload)
{
    forPairs(pairId, [from, heldId, binary, payload](ProxyPair *p) {
        p->decideHeld(from, heldId, int(ProxyRelay::Decision::Replace), binary, payload);
    });
}

void ProxyServer::dropHeld(int pairId, ProxySide from, quint64 heldId)
{
    forPairs(pairId, [from, heldId](ProxyPair *p) {
        p->decideHeld(from, heldId, int(ProxyRelay::Decision::Drop), false, {});
    });
}

void ProxyServer::startRecording(int pairId, const QString &path, bool keepSecrets)
{
    forPairs(pairId, [path, keepSecrets](ProxyPair *p) { p->startRecording(path, keepSecrets); });
}

void ProxyServer::stopRecording(int pairId)
{
    forPairs(pairId, [](ProxyPair *p) { p->stopRecording(); });
}

#include "ProxyServer.moc"
