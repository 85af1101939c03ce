#pragma once

#include "Transport.h"

#include <QSslConfiguration>
#include <QStringList>

class QSslSocket;
class QSslError;

// TLS over TCP through QSslSocket, created in the worker's thread. Certificate errors are
// refused unless the user chose to ignore them; either way they are named.
class TlsTransport : public Transport
{
    Q_OBJECT
public:
    TlsTransport(const QSslConfiguration &configuration, bool ignoreCertificateErrors,
        QObject *parent = nullptr);

    void connectToHost(const QString &host, quint16 port) override;
    // Takes over an accepted connection and runs the server side of the TLS handshake with the
    // configuration's certificate and key; connected() follows once it is done.
    bool adoptEncrypted(qintptr descriptor);
    qint64 read(char *buffer, qint64 max) override;
    void write(const char *data, qint64 size) override;
    using Transport::write;
    qint64 bytesToWrite() const override;
    qint64 bytesNotAcknowledged() const override;
    void disconnectFromHost() override;
    void abort() override;
    void reset() override;
    void setReadingPaused(bool paused) override;
    bool isOpen() const override;
    QString peerText() const override;
    // Certificate problems that were ignored as the user asked (for the log).
    QStringList ignoredErrors() const { return m_ignored; }

private:
    void onSslErrors(const QList<QSslError> &errors);
    void onError();
    void onDisconnected();

    QSslSocket *m_socket;
    bool m_ignoreErrors;
    bool m_encrypted = false;
    bool m_aborted = false;
    bool m_endedEmitted = false;
    bool m_readingPaused = false;
    QStringList m_sslErrors;
    QStringList m_ignored;
};
