#pragma once

#include "Transport.h"

#include <QHostAddress>
#include <QList>

class QSocketNotifier;
class QHostInfo;

// Plain TCP on a non-blocking socket of our own, watched by QSocketNotifiers in the worker's
// thread. Reading straight into the worker's buffer saves a copy per read, and the system call's
// own answer tells an orderly close (FIN) from a reset (RST), which QTcpSocket reports alike.
// Tries every address a name resolves to, in order.
class TcpTransport : public Transport
{
    Q_OBJECT
public:
    explicit TcpTransport(QObject *parent = nullptr);
    ~TcpTransport() override;

    void connectToHost(const QString &host, quint16 port) override;
    // Takes over an accepted connection (server side).
    bool adopt(qintptr descriptor);
    qint64 read(char *buffer, qint64 max) override;
    void write(const char *data, qint64 size) override;
    using Transport::write;
    qint64 bytesToWrite() const override { return m_pending.size() - m_pendingOffset; }
    qint64 bytesNotAcknowledged() const override;
    // What the kernel holds in the send queue of socket descriptor, not acknowledged by the
    // peer (0 where the system cannot say).
    static qint64 kernelBytesNotAcknowledged(qintptr descriptor);
    void disconnectFromHost() override;
    void abort() override;
    void reset() override;
    void setReadingPaused(bool paused) override;
    bool isOpen() const override { return m_fd >= 0 && m_connected; }
    QString peerText() const override { return m_peerText; }

private:
    void onLookedUp(const QHostInfo &info);
    void tryNextAddress();
    void onWritable();
    void onReadable();
    void flush();
    void closeSocket();
    void endWith(TrafficEvent::TransportEnd reason, const QString &error);
    void startNotifiers();

    int m_fd = -1;
    bool m_connected = false;
    bool m_closing = false; // disconnectFromHost() asked: end once the queue is written
    bool m_endedEmitted = false;
    bool m_readingPaused = false;
    QList<QHostAddress> m_addresses;
    quint16 m_port = 0;
    QString m_host;
    QString m_lastConnectError;
    int m_lookupId = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_pending; // bytes the kernel did not take yet
    qsizetype m_pendingOffset = 0;
    QString m_peerText;
};
