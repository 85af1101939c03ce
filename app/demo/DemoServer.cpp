#include "DemoServer.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtEndian>

class DemoServerCore : public QObject
{
public:
    ~DemoServerCore() override
    {
        // Stalled connections block their own threads: interrupt the stall, then join.
        const QList<QThread *> threads = m_stallThreads;
        m_stallThreads.clear();
        for (QThread *thread : threads) {
            thread->requestInterruption();
            thread->quit();
            thread->wait();
            delete thread;
        }
    }

    quint16 listen(QString *error)
    {
        // TCP is accepted here and each connection handed to a WebSocket server by its path:
        // /stall connections to one in a thread of their own (see serveStall), the rest to this
        // thread's.
        m_tcp = new QTcpServer(this);
        m_server = new QWebSocketServer(
            QStringLiteral("Sockscope demo"), QWebSocketServer::NonSecureMode, this);
        if (!m_tcp->listen(QHostAddress::LocalHost, 0)) {
            *error = m_tcp->errorString();
            return 0;
        }
        connect(m_tcp, &QTcpServer::newConnection, this, &DemoServerCore::onTcpConnection);
        connect(m_server, &QWebSocketServer::newConnection, this, &DemoServerCore::onNewConnection);
        return m_tcp->serverPort();
    }

private:
    void onTcpConnection()
    {
        while (QTcpSocket *tcp = m_tcp->nextPendingConnection()) {
            connect(tcp, &QTcpSocket::readyRead, this, [this, tcp] { route(tcp); });
            connect(tcp, &QTcpSocket::disconnected, this, [tcp] { tcp->deleteLater(); });
        }
    }

    void route(QTcpSocket *tcp)
    {
        constexpr qint64 MaxRequestLine = 8192;
        if (!tcp->canReadLine() && tcp->bytesAvailable() < MaxRequestLine)
            return; // wait for the request line
        const QByteArray line = tcp->peek(MaxRequestLine).split('\n').constFirst();
        disconnect(tcp, nullptr, this, nullptr); // the WebSocket server takes it from here
        if (line.startsWith("GET /stall"))
            serveStall(tcp);
        else
            m_server->handleConnection(tcp);
    }

    void onNewConnection()
    {
        while (QWebSocket *socket = m_server->nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            const QUrl url = socket->requestUrl();
            const QUrlQuery query(url);
            const QString path = url.path();
            if (path == QLatin1String("/echo"))
                serveEcho(socket);
            else if (path == QLatin1String("/ticker"))
                serveTicker(socket,
                    qBound(1, query.queryItemValue(QStringLiteral("rate")).toInt(), 100000));
            else if (path == QLatin1String("/binary"))
                serveBinary(socket);
            else if (path == QLatin1String("/close"))
                serveClose(socket, query.queryItemValue(QStringLiteral("code")).toInt(),
                    query.queryItemValue(QStringLiteral("reason"), QUrl::FullyDecoded));
            else
                socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                    QStringLiteral("unknown endpoint; try %1")
                        .arg(DemoServer::endpoints().join(QStringLiteral(", "))));
        }
    }

    void serveEcho(QWebSocket *socket)
    {
        connect(socket, &QWebSocket::textMessageReceived, socket,
            [socket](const QString &m) { socket->sendTextMessage(m); });
        connect(socket, &QWebSocket::binaryMessageReceived, socket,
            [socket](const QByteArray &m) { socket->sendBinaryMessage(m); });
    }

    void serveTicker(QWebSocket *socket, int rate)
    {
        // Timers tick at most every 10 ms; higher rates send several ticks per timeout.
        const int intervalMs = qMax(10, 1000 / rate);
        const int perTick = qMax(1, rate * intervalMs / 1000);
        auto *timer = new QTimer(socket);
        auto state = std::make_shared<std::pair<qint64, double>>(0, 100.0); // sequence, price
        connect(timer, &QTimer::timeout, socket, [socket, state, perTick] {
            for (int i = 0; i < perTick; ++i) {
                const double change = (QRandomGenerator::global()->bounded(200) - 100) / 100.0;
                state->second = qMax(1.0, state->second + change);
                // Written by hand so the fields keep a natural order (QJsonObject sorts keys).
                socket->sendTextMessage(QStringLiteral(
                    "{\"seq\":%1,\"symbol\":\"SOCK\",\"price\":%2,\"change\":%3,\"time\":\"%4\"}")
                                            .arg(++state->first)
                                            .arg(state->second, 0, 'f', 2)
                                            .arg(change, 0, 'f', 2)
                                            .arg(QDateTime::currentDateTimeUtc().toString(
                                                Qt::ISODateWithMs)));
            }
        });
        timer->start(intervalMs);
        serveEcho(socket);
    }

    void serveBinary(QWebSocket *socket)
    {
        auto *timer = new QTimer(socket);
        auto sequence = std::make_shared<quint32>(0);
        connect(timer, &QTimer::timeout, socket, [socket, sequence] {
            QByteArray frame("SSCP-DEMO");
            char seq[4];
            qToBigEndian(++*sequence, seq);
            frame.append(seq, 4);
            for (int i = 0; i < 8; ++i) {
                const quint32 r = QRandomGenerator::global()->generate();
                frame.append(reinterpret_cast<const char *>(&r), 4);
            }
            socket->sendBinaryMessage(frame);
        });
        timer->start(500);
        connect(socket, &QWebSocket::binaryMessageReceived, socket,
            [socket](const QByteArray &m) { socket->sendBinaryMessage(m); });
    }

    // A stall blocks the thread the connection lives in, so pongs stop for this connection only:
    // each /stall connection gets a thread (and a WebSocket server) of its own.
    void serveStall(QTcpSocket *tcp)
    {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("sockscope-demo-stall"));
        tcp->setParent(nullptr);
        tcp->moveToThread(thread);
        connect(thread, &QThread::started, tcp, [tcp, thread] {
            auto *server = new QWebSocketServer(
                QStringLiteral("Sockscope demo"), QWebSocketServer::NonSecureMode);
            connect(thread, &QThread::finished, server, &QObject::deleteLater);
            connect(server, &QWebSocketServer::newConnection, server, [server, thread] {
                while (QWebSocket *socket = server->nextPendingConnection()) {
                    socket->setParent(server);
                    connect(socket, &QWebSocket::disconnected, thread, &QThread::quit);
                    const QUrlQuery query(socket->requestUrl());
                    stallIn(socket,
                        qBound(1, query.queryItemValue(QStringLiteral("seconds")).toInt(), 60));
                }
            });
            server->handleConnection(tcp);
        });
        connect(thread, &QThread::finished, this, [this, thread] {
            if (m_stallThreads.removeAll(thread) > 0)
                thread->deleteLater();
        });
        m_stallThreads << thread;
        thread->start();
    }

    // Runs in the stall connection's own thread.
    static void stallIn(QWebSocket *socket, int seconds)
    {
        auto stall = [socket, seconds] {
            socket->sendTextMessage(QStringLiteral("stalling for %1 s").arg(seconds));
            socket->flush();
            // Deliberately blocks this connection's thread: no pongs meanwhile.
            const QDeadlineTimer until(qint64(seconds) * 1000);
            while (!until.hasExpired() && !QThread::currentThread()->isInterruptionRequested())
                QThread::msleep(10);
            socket->sendTextMessage(QStringLiteral("back after %1 s").arg(seconds));
        };
        connect(
            socket, &QWebSocket::textMessageReceived, socket, [socket, stall](const QString &m) {
                if (m.trimmed() == QLatin1String("stall"))
                    stall();
                else
                    socket->sendTextMessage(m);
            });
        QTimer::singleShot(3000, socket, stall);
        auto *timer = new QTimer(socket);
        connect(timer, &QTimer::timeout, socket, stall);
        timer->start(15000 + seconds * 1000);
    }

    void serveClose(QWebSocket *socket, int code, const QString &reason)
    {
        // Kept as an int: 4000-4999 are valid close codes, but not values of Qt's enum, so the
        // conversion happens only in the call.
        const int closeCode = code >= 1000 ? code : 1000;
        QTimer::singleShot(500, socket, [socket, closeCode, reason] {
            socket->close(QWebSocketProtocol::CloseCode(closeCode), reason);
        });
    }

    QTcpServer *m_tcp = nullptr;
    QWebSocketServer *m_server = nullptr;
    QList<QThread *> m_stallThreads;
};

DemoServer::DemoServer(QObject *parent)
    : QObject(parent), m_thread(QStringLiteral("sockscope-demo-server"))
{ }

DemoServer::~DemoServer()
{
    stop();
}

QStringList DemoServer::endpoints()
{
    return {QStringLiteral("/echo"), QStringLiteral("/ticker?rate=5"), QStringLiteral("/binary"),
        QStringLiteral("/stall?seconds=3"), QStringLiteral("/close?code=4000&reason=bye")};
}

bool DemoServer::start(QString *error)
{
    if (isRunning())
        return true;
    auto *core = new DemoServerCore;
    QString message;
    m_thread.start(core, [this, core, &message] { m_port = core->listen(&message); });
    if (m_port == 0) {
        if (error)
            *error = QStringLiteral("the demo server could not listen: %1").arg(message);
        stop();
        return false;
    }
    return true;
}

void DemoServer::stop()
{
    m_thread.stop(); // interrupts and joins the /stall connections' threads too
    m_port = 0;
}

QUrl DemoServer::url(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery));
}
