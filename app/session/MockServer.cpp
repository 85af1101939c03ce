#include "MockServer.h"

#include "EventBatcher.h"
#include "MockClient.h"

#include <QTcpServer>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

// Accepts clients in the mock server's thread and gives each a MockClient on our own codec.
class MockServerCore : public QTcpServer
{
    Q_OBJECT
public:
    MockServerCore(const QList<MockServer::Message> &messages, MockServer::Mode mode,
        const ScriptSource &script, const MockRules &rules, int handshakeTimeoutMs)
        : m_messages(messages)
        , m_mode(mode)
        , m_script(script)
        , m_rules(rules)
        , m_handshakeTimeoutMs(handshakeTimeoutMs)
    { }

    quint16 start(const QHostAddress &address, quint16 port, QString *error)
    {
        if (!listen(address, port)) {
            *error = errorString();
            return 0;
        }
        return serverPort();
    }

Q_SIGNALS:
    void clientConnected(const QString &peer);
    void clientDisconnected(const QString &peer, const QString &why);
    void scriptEvents(const TrafficBatch &batch);

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *client = new MockClient(
            descriptor, m_messages, m_mode, m_script, m_rules, m_handshakeTimeoutMs, this);
        connect(client, &MockClient::opened, this, &MockServerCore::clientConnected);
        connect(client, &MockClient::finished, this, &MockServerCore::clientDisconnected);
        connect(client, &MockClient::scriptEvent, this, &MockServerCore::addScriptEvent);
    }

private:
    void addScriptEvent(const TrafficEvent &event)
    {
        if (!m_batcher) { // made in this thread, on first use
            m_batcher = new EventBatcher(this);
            connect(m_batcher, &EventBatcher::batchReady, this, &MockServerCore::scriptEvents);
        }
        m_batcher->append(TrafficEvent(event));
    }

    QList<MockServer::Message> m_messages;
    MockServer::Mode m_mode;
    ScriptSource m_script;
    MockRules m_rules;
    int m_handshakeTimeoutMs;
    EventBatcher *m_batcher = nullptr;
};

MockServer::MockServer(QObject *parent)
    : QObject(parent), m_thread(QStringLiteral("sockscope-mock-server"))
{ }

MockServer::~MockServer()
{
    stop();
}

QList<MockServer::Message> MockServer::messagesOf(const QList<TrafficBatch> &batches)
{
    QList<Message> messages;
    qint64 originUs = -1;
    for (const TrafficBatch &batch : batches) {
        for (const TrafficEvent &e : batch.events) {
            if (e.kind == Kind::Open && originUs < 0)
                originUs = e.timeUs;
            if (!e.isMessage() || e.direction == Direction::Local)
                continue;
            if (originUs < 0)
                originUs = e.timeUs;
            messages.append({e.timeUs - originUs, e.direction == Direction::Incoming,
                e.kind == Kind::Binary, batch.payload(e)});
        }
    }
    return messages;
}

bool MockServer::listen(const QList<Message> &messages, Mode mode, const QHostAddress &address,
    quint16 port, QString *error)
{
    stop();
    auto *core = new MockServerCore(messages, mode, m_script, m_rules, m_handshakeTimeoutMs);
    connect(core, &MockServerCore::scriptEvents, this, &MockServer::scriptEvents);
    connect(core, &MockServerCore::clientConnected, this, [this](const QString &peer) {
        m_clients.append(peer);
        Q_EMIT clientConnected(peer);
    });
    connect(core, &MockServerCore::clientDisconnected, this,
        [this](const QString &peer, const QString &why) {
            m_clients.removeOne(peer);
            Q_EMIT clientDisconnected(peer, why);
        });
    QString message;
    m_thread.start(core, [&] { m_port = core->start(address, port, &message); });
    if (m_port == 0) {
        if (error)
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(message);
        stop();
        return false;
    }
    m_address = address;
    return true;
}

void MockServer::stop()
{
    m_thread.stop();
    m_port = 0;
    m_clients.clear();
}

QUrl MockServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("ws"));
    url.setHost(m_address.toString());
    url.setPort(m_port);
    url.setPath(QStringLiteral("/"));
    return url;
}

#include "MockServer.moc"
