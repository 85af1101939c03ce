#include "TestServer.h"

#include <QCryptographicHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtEndian>

class TestServerCore : public QObject
{
public:
    TestServerCore(TestServer::Mode mode, TestServer *owner) : m_mode(mode), m_owner(owner) { }

    quint16 listen()
    {
        if (m_mode == TestServer::Mode::Echo) {
            m_ws = new QWebSocketServer(
                QStringLiteral("test"), QWebSocketServer::NonSecureMode, this);
            m_ws->listen(QHostAddress::LocalHost, 0);
            connect(m_ws, &QWebSocketServer::newConnection, this, &TestServerCore::onNewWebSocket);
            return m_ws->serverPort();
        }
        m_tcp = new QTcpServer(this);
        m_tcp->listen(QHostAddress::LocalHost, 0);
        connect(m_tcp, &QTcpServer::newConnection, this, &TestServerCore::onNewTcp);
        return m_tcp->serverPort();
    }

private:
    void onNewWebSocket()
    {
        while (QWebSocket *socket = m_ws->nextPendingConnection()) {
            socket->setParent(this);
            m_owner->m_accepted.ref();
            connect(socket, &QWebSocket::disconnected, this, [this, socket] {
                m_owner->m_gone.ref();
                socket->deleteLater();
            });
            connect(socket, &QWebSocket::binaryMessageReceived, socket,
                [socket](const QByteArray &m) { socket->sendBinaryMessage(m); });
            connect(socket, &QWebSocket::textMessageReceived, socket, [socket](const QString &m) {
                const QStringList words = m.split(QLatin1Char(' '));
                if (words.first() == QLatin1String("close") && words.size() >= 2) {
                    socket->close(QWebSocketProtocol::CloseCode(words.at(1).toInt()),
                        words.mid(2).join(QLatin1Char(' ')));
                } else if (words.first() == QLatin1String("burst") && words.size() == 3) {
                    // Message i is its number padded with 'x' to SIZE characters.
                    const int size = words.at(2).toInt();
                    for (int i = 0, n = words.at(1).toInt(); i < n; ++i)
                        socket->sendTextMessage(
                            QString::number(i).leftJustified(size, QLatin1Char('x')));
                } else if (words.first() == QLatin1String("binary") && words.size() == 2) {
                    socket->sendBinaryMessage(QByteArray(words.at(1).toInt(), 'b'));
                } else {
                    socket->sendTextMessage(m);
                }
            });
        }
    }

    void onNewTcp()
    {
        while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
            socket->setParent(this);
            m_owner->m_accepted.ref();
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                m_owner->m_gone.ref();
                socket->deleteLater();
            });
            if (m_mode == TestServer::Mode::Silent)
                continue;
            auto *request = new QByteArray;
            connect(socket, &QObject::destroyed, this, [request] { delete request; });
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, request] {
                request->append(socket->readAll());
                if (request->isEmpty() || !request->contains("\r\n\r\n")
                    || request->startsWith("DONE"))
                    return;
                if (m_mode == TestServer::Mode::Redirect) {
                    socket->write("HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:9/elsewhere\r\n"
                                  "Content-Length: 0\r\n\r\n");
                } else {
                    startTrickle(socket, *request);
                }
                *request = "DONE";
            });
        }
    }

    void startTrickle(QTcpSocket *socket, const QByteArray &request)
    {
        QByteArray key;
        for (const QByteArray &line : request.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        }
        const QByteArray accept = QCryptographicHash::hash(
            key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                                      .toBase64();
        socket->write(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: "
            + accept + "\r\n\r\n");
        QByteArray header(10, Qt::Uninitialized);
        header[0] = char(0x82); // FIN, binary
        header[1] = char(127); // 64-bit length follows
        qToBigEndian<quint64>(64ull * 1024 * 1024, header.data() + 2);
        socket->write(header);
        auto *timer = new QTimer(socket);
        // The client may be gone before disconnected() is handled: writing then would warn.
        connect(timer, &QTimer::timeout, socket, [socket] {
            if (socket->state() == QAbstractSocket::ConnectedState)
                socket->write(QByteArray(qsizetype(16) * 1024, 't'));
        });
        connect(socket, &QTcpSocket::disconnected, timer, &QTimer::stop);
        timer->start(10);
    }

    TestServer::Mode m_mode;
    TestServer *m_owner;
    QWebSocketServer *m_ws = nullptr;
    QTcpServer *m_tcp = nullptr;
};

TestServer::TestServer(Mode mode, QObject *parent)
    : QObject(parent), m_thread(QStringLiteral("testserver"))
{
    auto *core = new TestServerCore(mode, this);
    m_thread.start(core, [this, core] { m_port = core->listen(); });
}

TestServer::~TestServer() = default;

QUrl TestServer::url(const QString &path) const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(path));
}
