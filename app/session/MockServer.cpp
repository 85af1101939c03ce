#include "MockServer.h"

#include <QElapsedTimer>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

class MockServerCore : public QObject
{
    Q_OBJECT
public:
    MockServerCore(const QList<MockServer::Message> &messages, MockServer::Mode mode)
        : m_messages(messages), m_mode(mode)
    { }

    quint16 listen(const QHostAddress &address, quint16 port, QString *error)
    {
        m_server = new QWebSocketServer(
            QStringLiteral("Sockscope mock"), QWebSocketServer::NonSecureMode, this);
        if (!m_server->listen(address, port)) {
            *error = m_server->errorString();
            return 0;
        }
        connect(m_server, &QWebSocketServer::newConnection, this, &MockServerCore::onNewConnection);
        return m_server->serverPort();
    }

Q_SIGNALS:
    void clientConnected(const QString &peer);
    void clientDisconnected(const QString &peer);

private:
    void send(QWebSocket *socket, const MockServer::Message &m)
    {
        if (m.binary)
            socket->sendBinaryMessage(m.payload);
        else
            socket->sendTextMessage(QString::fromUtf8(m.payload));
    }

    // Sends the server messages from index on, up to the next client message; returns where it
    // stopped.
    int sendServerRun(QWebSocket *socket, int index)
    {
        while (index < m_messages.size() && m_messages.at(index).fromServer)
            send(socket, m_messages.at(index++));
        return index;
    }

    void onNewConnection()
    {
        while (QWebSocket *socket = m_server->nextPendingConnection()) {
            socket->setParent(this);
            const QString peer = QStringLiteral("%1:%2")
                                     .arg(socket->peerAddress().toString())
                                     .arg(socket->peerPort());
            Q_EMIT clientConnected(peer);
            connect(socket, &QWebSocket::disconnected, this, [this, socket, peer] {
                Q_EMIT clientDisconnected(peer);
                socket->deleteLater();
            });
            if (m_mode == MockServer::Mode::Timed)
                serveTimed(socket);
            else
                serveReplies(socket);
        }
    }

    void serveTimed(QWebSocket *socket)
    {
        auto *timer = new QTimer(socket);
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer);
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        auto next = std::make_shared<int>(0);
        auto step = [this, socket, timer, clock, next] {
            // Everything that is due goes out; then wait for the next server message.
            while (*next < m_messages.size()) {
                const MockServer::Message &m = m_messages.at(*next);
                if (!m.fromServer) {
                    ++*next;
                    continue;
                }
                const qint64 waitUs = m.offsetUs - clock->nsecsElapsed() / 1000;
                if (waitUs > 500) {
                    timer->start(int(waitUs / 1000));
                    return;
                }
                send(socket, m);
                ++*next;
            }
        };
        connect(timer, &QTimer::timeout, socket, step);
        step();
    }

    void serveReplies(QWebSocket *socket)
    {
        auto next = std::make_shared<int>(sendServerRun(socket, 0));
        auto onClientMessage = [this, socket, next] {
            // Skip the recorded client message this one stands for, then answer as recorded.
            if (*next < m_messages.size() && !m_messages.at(*next).fromServer)
                ++*next;
            *next = sendServerRun(socket, *next);
        };
        connect(socket, &QWebSocket::textMessageReceived, socket, onClientMessage);
        connect(socket, &QWebSocket::binaryMessageReceived, socket, onClientMessage);
    }

    QList<MockServer::Message> m_messages;
    MockServer::Mode m_mode;
    QWebSocketServer *m_server = nullptr;
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
    auto *core = new MockServerCore(messages, mode);
    connect(core, &MockServerCore::clientConnected, this, [this](const QString &peer) {
        m_clients.append(peer);
        Q_EMIT clientConnected(peer);
    });
    connect(core, &MockServerCore::clientDisconnected, this, [this](const QString &peer) {
        m_clients.removeOne(peer);
        Q_EMIT clientDisconnected(peer);
    });
    QString message;
    m_thread.start(core, [&] { m_port = core->listen(address, port, &message); });
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
