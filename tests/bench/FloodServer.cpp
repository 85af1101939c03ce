#include "FloodServer.h"

#include "PerMessageDeflate.h"

#include <QCryptographicHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

class FloodServerCore : public QObject
{
public:
    FloodServerCore(int messages, int messageSize, bool deflate)
    {
        // Server frames are unmasked: FIN + text opcode, then a 7-bit length (<= 125).
        Q_ASSERT(messageSize <= 125);
        QByteArray frame(2 + messageSize, 'x');
        frame[0] = char(0x81);
        frame[1] = char(messageSize);
        m_frames = frame.repeated(messages);
        m_frames.append("\x88\x02\x03\xe8", 4); // close 1000
        if (deflate) {
            // JSON-like messages that differ, compressed in one stream as a server would.
            MessageDeflater deflater(15, false);
            for (int i = 0; i < messages; ++i) {
                QByteArray message = "{\"seq\":" + QByteArray::number(i) + ",\"price\":12.5}";
                message = message.leftJustified(messageSize, ' ');
                const QByteArray compressed = deflater.compress(message);
                m_compressed += char(0xc1); // FIN, RSV1, text
                m_compressed += char(compressed.size());
                m_compressed += compressed;
            }
            m_compressed.append("\x88\x02\x03\xe8", 4);
        }
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
                    bool offersDeflate = false;
                    for (const QByteArray &line : request->split('\n')) {
                        if (line.toLower().startsWith("sec-websocket-key:"))
                            key = line.mid(18).trimmed();
                        offersDeflate = offersDeflate
                            || (line.toLower().startsWith("sec-websocket-extensions:")
                                && line.contains("permessage-deflate"));
                    }
                    const bool deflate = offersDeflate && !m_compressed.isEmpty();
                    *request = "DONE";
                    socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                  "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                        + QCryptographicHash::hash(
                            key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                              .toBase64()
                        + (deflate ? "\r\nSec-WebSocket-Extensions: permessage-deflate" : "")
                        + "\r\n\r\n");
                    // Implicitly shared: no copy per client.
                    socket->write(deflate ? m_compressed : m_frames);
                });
            }
        });
        return m_server->serverPort();
    }

private:
    QByteArray m_frames;
    QByteArray m_compressed;
    QTcpServer *m_server = nullptr;
};

FloodServer::FloodServer(int messages, int messageSize, bool deflate, QObject *parent)
    : QObject(parent), m_thread(QStringLiteral("floodserver"))
{
    auto *core = new FloodServerCore(messages, messageSize, deflate);
    m_thread.start(core, [this, core] { m_port = core->listen(); });
}

FloodServer::~FloodServer() = default;
