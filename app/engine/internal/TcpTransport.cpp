#include "TcpTransport.h"

#include <QHostInfo>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef Q_OS_LINUX
#include <linux/sockios.h>
#endif

using TransportEnd = TrafficEvent::TransportEnd;

namespace {

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// The socket address for a QHostAddress; returns its length, 0 if the family is not IP.
socklen_t toSockAddr(const QHostAddress &address, quint16 port, sockaddr_storage *storage)
{
    std::memset(storage, 0, sizeof(*storage));
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *in = reinterpret_cast<sockaddr_in *>(storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(address.toIPv4Address());
        return sizeof(sockaddr_in);
    }
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR a = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, a.c, 16);
        bool ok = false;
        const uint scope = address.scopeId().toUInt(&ok);
        if (ok)
            in6->sin6_scope_id = scope;
        return sizeof(sockaddr_in6);
    }
    return 0;
}

QString addressText(const QHostAddress &address, quint16 port)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]:%2").arg(address.toString()).arg(port)
        : QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

} // namespace

TcpTransport::TcpTransport(QObject *parent) : Transport(parent) { }

TcpTransport::~TcpTransport()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    closeSocket();
}

void TcpTransport::connectToHost(const QString &host, quint16 port)
{
    m_host = host;
    m_port = port;
    QHostAddress literal;
    if (literal.setAddress(host)) {
        m_addresses = {literal};
        tryNextAddress();
        return;
    }
    m_lookupId = QHostInfo::lookupHost(host, this, &TcpTransport::onLookedUp);
}

void TcpTransport::onLookedUp(const QHostInfo &info)
{
    m_lookupId = -1;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        Q_EMIT connectFailed(
            ConnectError::HostNotFound, QStringLiteral("host '%1' not found").arg(m_host));
        return;
    }
    m_addresses = info.addresses();
    tryNextAddress();
}

void TcpTransport::tryNextAddress()
{
    closeSocket();
    while (!m_addresses.isEmpty()) {
        const QHostAddress address = m_addresses.takeFirst();
        sockaddr_storage storage;
        const socklen_t length = toSockAddr(address, m_port, &storage);
        if (length == 0)
            continue;
        m_fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (m_fd < 0) {
            m_lastConnectError = systemError(errno);
            continue;
        }
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        m_peerText = addressText(address, m_port);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&storage), length) == 0
            || errno == EINPROGRESS) {
            // Completion (or failure) shows as writability.
            m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
            connect(m_writeNotifier, &QSocketNotifier::activated, this, &TcpTransport::onWritable);
            return;
        }
        m_lastConnectError = errno == ECONNREFUSED
            ? QStringLiteral("connection refused by %1").arg(m_peerText)
            : QStringLiteral("cannot connect to %1: %2").arg(m_peerText, systemError(errno));
        closeSocket();
    }
    const bool refused = m_lastConnectError.startsWith(QLatin1String("connection refused"));
    Q_EMIT connectFailed(refused ? ConnectError::Refused : ConnectError::Other,
        m_lastConnectError.isEmpty() ? QStringLiteral("cannot connect to %1").arg(m_host)
                                     : m_lastConnectError);
}

bool TcpTransport::adopt(qintptr descriptor)
{
    m_fd = int(descriptor);
    const int flags = ::fcntl(m_fd, F_GETFL);
    ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_storage storage;
    socklen_t length = sizeof(storage);
    if (::getpeername(m_fd, reinterpret_cast<sockaddr *>(&storage), &length) == 0) {
        QHostAddress address(reinterpret_cast<sockaddr *>(&storage));
        quint16 port = storage.ss_family == AF_INET6
            ? ntohs(reinterpret_cast<sockaddr_in6 *>(&storage)->sin6_port)
            : ntohs(reinterpret_cast<sockaddr_in *>(&storage)->sin_port);
        m_peerText = addressText(address, port);
    }
    m_connected = true;
    startNotifiers();
    return true;
}

void TcpTransport::startNotifiers()
{
    if (!m_writeNotifier) {
        m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, &TcpTransport::onWritable);
    }
    m_writeNotifier->setEnabled(bytesToWrite() > 0);
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_readNotifier->setEnabled(!m_readingPaused);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &TcpTransport::onReadable);
}

void TcpTransport::onWritable()
{
    if (!m_connected) {
        int error = 0;
        socklen_t length = sizeof(error);
        ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            m_lastConnectError = error == ECONNREFUSED
                ? QStringLiteral("connection refused by %1").arg(m_peerText)
                : QStringLiteral("cannot connect to %1: %2").arg(m_peerText, systemError(error));
            tryNextAddress();
            return;
        }
        m_connected = true;
        startNotifiers();
        Q_EMIT connected();
        return;
    }
    flush();
}

void TcpTransport::onReadable()
{
    Q_EMIT readyRead();
}

qint64 TcpTransport::read(char *buffer, qint64 max)
{
    if (m_fd < 0 || !m_connected)
        return endReason() == TransportEnd::Unknown ? 0 : -1;
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, size_t(max), 0);
        if (n > 0)
            return n;
        if (n == 0) {
            endWith(TransportEnd::Fin, {});
            return -1;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        const int error = errno;
        endWith(
            error == ETIMEDOUT ? TransportEnd::Timeout : TransportEnd::Reset, systemError(error));
        return -1;
    }
}

void TcpTransport::write(const char *data, qint64 size)
{
    if (m_fd < 0 || size <= 0 || m_closing)
        return;
    if (bytesToWrite() == 0) {
        // Straight to the kernel; only what it does not take is queued.
        const ssize_t n = ::send(m_fd, data, size_t(size), MSG_NOSIGNAL);
        if (n == size)
            return;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            const int error = errno;
            endWith(
                error == EPIPE || error == ECONNRESET ? TransportEnd::Reset : TransportEnd::Unknown,
                systemError(error));
            return;
        }
        const qint64 sent = qMax<qint64>(0, n);
        if (m_pendingOffset > 0) {
            m_pending.clear();
            m_pendingOffset = 0;
        }
        m_pending.append(data + sent, size - sent);
    } else {
        m_pending.append(data, size);
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(true);
}

qint64 TcpTransport::bytesNotAcknowledged() const
{
    return bytesToWrite() + kernelBytesNotAcknowledged(m_fd);
}

qint64 TcpTransport::kernelBytesNotAcknowledged(qintptr descriptor)
{
#ifdef SIOCOUTQ
    int queued = 0;
    if (descriptor >= 0 && ::ioctl(int(descriptor), SIOCOUTQ, &queued) == 0)
        return qMax(0, queued);
#else
    Q_UNUSED(descriptor);
#endif
    return 0;
}

void TcpTransport::flush()
{
    while (m_fd >= 0 && bytesToWrite() > 0) {
        const ssize_t n = ::send(
            m_fd, m_pending.constData() + m_pendingOffset, size_t(bytesToWrite()), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return; // the notifier stays on
            const int error = errno;
            endWith(
                error == EPIPE || error == ECONNRESET ? TransportEnd::Reset : TransportEnd::Unknown,
                systemError(error));
            return;
        }
        m_pendingOffset += n;
    }
    if (m_fd < 0)
        return;
    m_pending.clear();
    m_pendingOffset = 0;
    m_writeNotifier->setEnabled(false);
    Q_EMIT bytesWritten();
    if (m_closing) {
        ::shutdown(m_fd, SHUT_WR);
        endWith(TransportEnd::LocalClose, {});
    }
}

void TcpTransport::disconnectFromHost()
{
    if (m_fd < 0 || m_closing)
        return;
    m_closing = true;
    if (!m_connected) {
        endWith(TransportEnd::LocalClose, {});
        return;
    }
    if (bytesToWrite() == 0) {
        ::shutdown(m_fd, SHUT_WR);
        endWith(TransportEnd::LocalClose, {});
    }
}

void TcpTransport::abort()
{
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    m_endedEmitted = true; // abort() reports nothing
    closeSocket();
}

void TcpTransport::reset()
{
    if (m_fd >= 0) {
        // A zero linger time makes close() send RST and drop what is queued.
        const linger immediate {1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &immediate, sizeof(immediate));
    }
    abort();
}

void TcpTransport::setReadingPaused(bool paused)
{
    m_readingPaused = paused;
    if (m_readNotifier)
        m_readNotifier->setEnabled(!paused);
}

void TcpTransport::endWith(TransportEnd reason, const QString &error)
{
    setEnded(reason, error);
    closeSocket();
    if (m_endedEmitted)
        return;
    m_endedEmitted = true;
    // Never from inside a call the owner made (read, write): the owner hears of it next.
    QMetaObject::invokeMethod(this, &Transport::ended, Qt::QueuedConnection);
}

void TcpTransport::closeSocket()
{
    // Later, not now: this may run inside one of the notifiers' own signals.
    for (QSocketNotifier *n : {m_readNotifier, m_writeNotifier}) {
        if (n) {
            n->setEnabled(false);
            n->disconnect(this);
            n->deleteLater();
        }
    }
    m_readNotifier = nullptr;
    m_writeNotifier = nullptr;
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    m_connected = false;
    m_pending.clear();
    m_pendingOffset = 0;
}
