#include "DemoServer.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtEndian>

class DemoServerCore : public QObject
{
public:
    quint16 listen(QString *error)
    {
        m_server = new QWebSocketServer(
            QStringLiteral("Sockscope demo"), QWebSocketServer::NonSecureMode, this);
        if (!m_server->listen(QHostAddress::LocalHost, 0)) {
            *error = m_server->errorString();
            return 0;
        }
        connect(m_server, &QWebSocketServer::newConnection, this, &DemoServerCore::onNewConnection);
        return m_server->serverPort();
    }

private:
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
            else if (path == QLatin1String("/stall"))
                serveStall(
                    socket, qBound(1, query.queryItemValue(QStringLiteral("seconds")).toInt(), 60));
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

    void serveStall(QWebSocket *socket, int seconds)
    {
        auto stall = [socket, seconds] {
            socket->sendTextMessage(QStringLiteral("stalling for %1 s").arg(seconds));
            socket->flush();
            QThread::sleep(seconds); // deliberately blocks the server thread: no pongs meanwhile
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
        const auto closeCode = QWebSocketProtocol::CloseCode(code >= 1000 ? code : 1000);
        QTimer::singleShot(
            500, socket, [socket, closeCode, reason] { socket->close(closeCode, reason); });
    }

    QWebSocketServer *m_server = nullptr;
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
    // A /stall client may be blocking the thread for up to its stall time.
    m_thread.stop();
    m_port = 0;
}

QUrl DemoServer::url(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery));
}
