#include "TlsTransport.h"

#include "TcpTransport.h"

#include <QCoreApplication>

#include <QSslSocket>

#include <sys/socket.h>

using TransportEnd = TrafficEvent::TransportEnd;

TlsTransport::TlsTransport(
    const QSslConfiguration &configuration, bool ignoreCertificateErrors, QObject *parent)
    : Transport(parent), m_socket(new QSslSocket(this)), m_ignoreErrors(ignoreCertificateErrors)
{
    m_socket->setSslConfiguration(configuration);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QSslSocket::encrypted, this, [this] {
        m_encrypted = true;
        Q_EMIT connected();
    });
    // Same thread, so a direct call: ignoring errors only works from inside the signal.
    connect(
        m_socket, &QSslSocket::sslErrors, this, &TlsTransport::onSslErrors, Qt::DirectConnection);
    connect(m_socket, &QSslSocket::readyRead, this, [this] {
        if (!m_readingPaused)
            Q_EMIT readyRead();
    });
    connect(m_socket, &QSslSocket::encryptedBytesWritten, this, &Transport::bytesWritten);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &TlsTransport::onError);
    connect(m_socket, &QAbstractSocket::disconnected, this, &TlsTransport::onDisconnected);
}

void TlsTransport::connectToHost(const QString &host, quint16 port)
{
    m_socket->connectToHostEncrypted(host, port);
}

bool TlsTransport::adoptEncrypted(qintptr descriptor)
{
    if (!m_socket->setSocketDescriptor(descriptor))
        return false;
    m_socket->startServerEncryption();
    return true;
}

qint64 TlsTransport::read(char *buffer, qint64 max)
{
    const qint64 n = m_socket->read(buffer, max);
    if (n > 0)
        return n;
    return (m_socket->state() == QAbstractSocket::UnconnectedState && m_encrypted) ? -1 : 0;
}

void TlsTransport::write(const char *data, qint64 size)
{
    m_socket->write(data, size);
}

qint64 TlsTransport::bytesToWrite() const
{
    return m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite();
}

qint64 TlsTransport::bytesNotAcknowledged() const
{
    // The plain socket under QSslSocket: its descriptor is the one Qt writes the encrypted bytes
    // to.
    return bytesToWrite() + TcpTransport::kernelBytesNotAcknowledged(m_socket->socketDescriptor());
}

void TlsTransport::disconnectFromHost()
{
    setEnded(TransportEnd::LocalClose);
    // Sends close_notify after the queued data, then closes TCP; disconnected() follows.
    m_socket->disconnectFromHost();
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onDisconnected();
}

void TlsTransport::abort()
{
    m_aborted = true;
    m_endedEmitted = true;
    m_socket->abort();
}

void TlsTransport::reset()
{
    const qintptr fd = m_socket->socketDescriptor();
    if (fd >= 0) {
        const linger immediate {1, 0};
        ::setsockopt(int(fd), SOL_SOCKET, SO_LINGER, &immediate, sizeof(immediate));
    }
    abort();
}

void TlsTransport::setReadingPaused(bool paused)
{
    if (m_readingPaused == paused)
        return;
    m_readingPaused = paused;
    // While paused, QSslSocket stops reading from the kernel once this much is decrypted.
    m_socket->setReadBufferSize(paused ? 64 * 1024 : 0);
    if (!paused && m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &Transport::readyRead, Qt::QueuedConnection);
}

bool TlsTransport::isOpen() const
{
    return m_encrypted && m_socket->state() == QAbstractSocket::ConnectedState;
}

QString TlsTransport::peerText() const
{
    return QStringLiteral("%1:%2")
        .arg(m_socket->peerAddress().toString())
        .arg(m_socket->peerPort());
}

void TlsTransport::onSslErrors(const QList<QSslError> &errors)
{
    QStringList texts;
    for (const QSslError &e : errors)
        texts << e.errorString();
    if (m_ignoreErrors) {
        m_ignored << texts;
        m_socket->ignoreSslErrors();
        return;
    }
    m_sslErrors << texts;
}

void TlsTransport::onError()
{
    if (m_aborted)
        return;
    const QAbstractSocket::SocketError error = m_socket->error();
    if (!m_encrypted) {
        ConnectError kind = ConnectError::Other;
        QString message = m_socket->errorString();
        if (error == QAbstractSocket::ConnectionRefusedError) {
            kind = ConnectError::Refused;
            message = QStringLiteral("connection refused by %1:%2")
                          .arg(m_socket->peerName())
                          .arg(m_socket->peerPort());
        } else if (error == QAbstractSocket::HostNotFoundError) {
            kind = ConnectError::HostNotFound;
            message = QStringLiteral("host '%1' not found").arg(m_socket->peerName());
        } else if (error == QAbstractSocket::SslHandshakeFailedError || !m_sslErrors.isEmpty()) {
            kind = ConnectError::Tls;
            message = QStringLiteral("TLS handshake failed: %1")
                          .arg(m_sslErrors.isEmpty() ? m_socket->errorString()
                                                     : m_sslErrors.join(QStringLiteral("; ")));
        }
        m_aborted = true;
        m_socket->abort();
        Q_EMIT connectFailed(kind, message);
        return;
    }
    if (error == QAbstractSocket::RemoteHostClosedError) {
        // QSslSocket reports the peer's close_notify and a bare TCP close (or reset) with the same
        // error code and the same state; only its message tells them apart. It is compared with
        // Qt's own text through Qt's translation, so it holds in any language.
        const QString closeNotify
            = QCoreApplication::translate("QSslSocket", "The TLS/SSL connection has been closed");
        setEnded(m_socket->errorString() == closeNotify ? TransportEnd::TlsCloseNotify
                                                        : TransportEnd::Fin);
    } else {
        setEnded(TransportEnd::Reset, m_socket->errorString());
    }
    // QSslSocket stays "connected" after the peer's close_notify: the stream has ended all the
    // same.
    if (!m_endedEmitted) {
        m_endedEmitted = true;
        QMetaObject::invokeMethod(this, &Transport::ended, Qt::QueuedConnection);
    }
}

void TlsTransport::onDisconnected()
{
    if (m_aborted || m_endedEmitted || !m_encrypted)
        return;
    setEnded(TransportEnd::Fin);
    m_endedEmitted = true;
    QMetaObject::invokeMethod(this, &Transport::ended, Qt::QueuedConnection);
}
