#include "FloodServer.h"

#include <QCryptographicHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

class FloodServerCore : public QObject
{
public:
    FloodServerCore(int messages, int messageSize)
    {
        // Server frames are unmasked: FIN + text opcode, then a 7-bit length (<= 125).
        Q_ASSERT(messageSize <= 125);
        QByteArray frame(2 + messageSize, 'x');
        frame[0] = char(0x81);
        frame[1] = char(messageSize);
        m_frames = frame.repeated(messages);
        m_frames.append("\x88\x02\x03\xe8", 4); // close 1000
    }

    quint16 listen()
    {
        m_server = new QTcpServer(this);
        m_server->listen(QHostAddress::LocalHost, 0);
        connect(m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                auto request = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket, request] {
                    if (request->startsWith("DONE")) {
                        socket->readAll();
                        return;
                    }
                    request->append(socket->readAll());
                    if (!request->contains("\r\n\r\n"))
                        return;
                    QByteArray key;
                    for (const QByteArray &line : request->split('\n')) {
                        if (line.toLower().startsWith("sec-websocket-key:"))
                            key = line.mid(18).trimmed();
                    }
                    *request = "DONE";
                    socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                  "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                        + QCryptographicHash::hash(
                            key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                              .toBase64()
                        + "\r\n\r\n");
                    socket->write(m_frames); // implicitly shared: no copy per client
                });
            }
        });
        return m_server->serverPort();
    }

private:
    QByteArray m_frames;
    QTcpServer *m_server = nullptr;
};

FloodServer::FloodServer(int messages, int messageSize, QObject *parent)
    : QObject(parent), m_thread(QStringLiteral("floodserver"))
{
    auto *core = new FloodServerCore(messages, messageSize);
    m_thread.start(core, [this, core] { m_port = core->listen(); });
}

FloodServer::~FloodServer() = default;
