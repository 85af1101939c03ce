#include "ProxyPresenter.h"

#include "MessageLogModel.h"
#include "ProxyPairListModel.h"

ProxyPresenter::ProxyPresenter(QObject *parent)
    : QObject(parent), m_server(new ProxyServer(this)), m_pairs(new ProxyPairListModel(this))
{
    connect(m_server, &ProxyServer::pairOpened, this, &ProxyPresenter::addPair);
    connect(m_server, &ProxyServer::eventsReceived, this, &ProxyPresenter::ingest);
    connect(m_server, &ProxyServer::pairStatusChanged, this, &ProxyPresenter::updateStatus);
    connect(m_server, &ProxyServer::pairEnded, this, &ProxyPresenter::endPair);
    connect(m_server, &ProxyServer::messageHeld, this, &ProxyPresenter::hold);
    connect(m_server, &ProxyServer::problem, this, &ProxyPresenter::problem);
    connect(m_server, &ProxyServer::recordingChanged, this, &ProxyPresenter::recordingChanged);
}

ProxyPresenter::~ProxyPresenter()
{
    stop();
}

bool ProxyPresenter::listen(const ProxyServer::Settings &settings, QString *error)
{
    if (!m_server->listen(settings, error))
        return false;
    Q_EMIT statusChanged();
    return true;
}

void ProxyPresenter::stop()
{
    m_server->stop();
}

void ProxyPresenter::setFaults(int pairId, const ProxyFaults &faults)
{
    m_server->setFaults(pairId, faults);
}

void ProxyPresenter::setIntercept(int pairId, ProxySide from, bool on)
{
    ProxyFaults f = faults(pairId);
    f.of(from).intercept = on;
    setFaults(pairId, f);
    if (on)
        return;
    // Intercept off forwards what that direction holds: the panel no longer offers it.
    const qsizetype before = m_held.size();
    m_held.removeIf([pairId, from](const HeldMessage &m) {
        return m.from == from && (pairId == ProxyServer::AllPairs || m.pairId == pairId);
    });
    if (m_held.size() != before)
        Q_EMIT heldChanged();
}

QList<ProxyPresenter::HeldMessage> ProxyPresenter::held(int pairId) const
{
    if (pairId == ProxyServer::AllPairs)
        return m_held;
    QList<HeldMessage> result;
    for (const HeldMessage &m : m_held) {
        if (m.pairId == pairId)
            result << m;
    }
    return result;
}

bool ProxyPresenter::takeHeld(const HeldMessage &message)
{
    for (qsizetype i = 0; i < m_held.size(); ++i) {
        const HeldMessage &m = m_held.at(i);
        if (m.pairId == message.pairId && m.from == message.from && m.heldId == message.heldId) {
            m_held.removeAt(i);
            Q_EMIT heldChanged();
            return true;
        }
    }
    return false;
}

void ProxyPresenter::forwardHeld(const HeldMessage &message)
{
    if (takeHeld(message))
        m_server->forwardHeld(message.pairId, message.from, message.heldId);
}

void ProxyPresenter::replaceHeld(const HeldMessage &message, bool binary, const QByteArray &payload)
{
    if (takeHeld(message))
        m_server->replaceHeld(message.pairId, message.from, message.heldId, binary, payload);
}

void ProxyPresenter::dropHeld(const HeldMessage &message)
{
    if (takeHeld(message))
        m_server->dropHeld(message.pairId, message.from, message.heldId);
}

void ProxyPresenter::startRecording(int pairId, const QString &path, bool keepSecrets)
{
    if (pairId == ProxyServer::AllPairs || !m_logs.contains(pairId))
        return; // one file per pair: recording needs a pair
    // The pair's thread opens the file; recordingChanged follows (or an error in its log).
    m_server->startRecording(pairId, path, keepSecrets);
}

void ProxyPresenter::stopRecording(int pairId)
{
    m_server->stopRecording(pairId);
}

void ProxyPresenter::clearEnded()
{
    for (int pairId : m_pairs->endedPairs()) {
        delete m_logs.take(pairId);
        m_lags.remove(pairId);
        m_scriptLogs.remove(pairId);
    }
    m_pairs->removeEnded();
    m_server->clearEnded();
    Q_EMIT statusChanged();
}

void ProxyPresenter::addPair(int pairId, const QString &clientAddress)
{
    if (m_logs.contains(pairId))
        return;
    auto *log = new MessageLogModel(this);
    m_logs.insert(pairId, log);
    ProxyPairStatus status;
    status.pairId = pairId;
    status.clientAddress = clientAddress;
    m_pairs->updateStatus(status);
    Q_EMIT pairAdded(pairId);
    Q_EMIT statusChanged();
}

void ProxyPresenter::ingest(int pairId, const TrafficBatch &batch, const LoopLag &lag)
{
    MessageLogModel *log = m_logs.value(pairId);
    if (!log || batch.isEmpty())
        return;
    m_lags.insert(pairId, lag);
    bool scriptSaid = false;
    for (const TrafficEvent &e : batch.events) {
        if (e.kind == TrafficEvent::Kind::Script) {
            m_scriptLogs[pairId].add(e);
            scriptSaid = true;
        }
    }
    log->enqueue(batch);
    if (scriptSaid)
        Q_EMIT scriptLinesChanged(pairId);
}

void ProxyPresenter::updateStatus(const ProxyPairStatus &status)
{
    if (!m_logs.contains(status.pairId))
        addPair(status.pairId, status.clientAddress);
    if (status.startedWallMs > 0) // time 0 of the pair's events
        m_logs.value(status.pairId)->setWallOrigin(status.startedWallMs);
    m_pairs->updateStatus(status);
    Q_EMIT statusChanged();
}

void ProxyPresenter::endPair(int pairId, const QString &summary)
{
    m_pairs->setEnded(pairId, summary);
    bool heldGone = false;
    for (qsizetype i = m_held.size() - 1; i >= 0; --i) {
        if (m_held.at(i).pairId == pairId) {
            m_held.removeAt(i);
            heldGone = true;
        }
    }
    if (heldGone)
        Q_EMIT heldChanged();
    Q_EMIT pairEnded(pairId);
    Q_EMIT statusChanged();
}

void ProxyPresenter::hold(
    int pairId, ProxySide from, quint64 heldId, bool binary, const QByteArray &payload)
{
    m_held.append({pairId, from, heldId, binary, payload});
    Q_EMIT heldChanged();
}

QString ProxyPresenter::title() const
{
    const QUrl upstream = m_server->settings().upstream;
    const QString path = upstream.path().size() > 1 ? upstream.path() : QString();
    return tr("proxy :%1 \u2192 %2:%3%4")
        .arg(m_server->port())
        .arg(upstream.host())
        .arg(upstream.port(upstream.scheme() == QLatin1String("wss") ? 443 : 80))
        .arg(path);
}

QString ProxyPresenter::statusText() const
{
    if (!m_server->isListening())
        return tr("not listening");
    QString text = tr(
        "listening on %1 \u00b7 relaying to %2 \u00b7 %Ln pair(s)", nullptr, m_pairs->rowCount())
                       .arg(m_server->url().toString(), m_server->settings().upstream.toString());
    text += tr(" (%1 open)").arg(m_pairs->openCount());
    if (!m_held.isEmpty())
        text += tr(" \u00b7 %Ln held", nullptr, int(m_held.size()));
    return text;
}
