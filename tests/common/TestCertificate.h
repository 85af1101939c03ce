#pragma once

#include <QString>

class QTemporaryDir;

// A self-signed certificate for 127.0.0.1 (and localhost) with its key, made by openssl into a
// folder: for the TLS servers the tests start (python peers, the proxy's listener).
class TestCertificate
{
public:
    // Writes cert.pem and key.pem into dir; false, with openssl's words in error(), if it failed.
    bool create(const QTemporaryDir &dir);

    QString certPath() const { return m_cert; }
    QString keyPath() const { return m_key; }
    QString error() const { return m_error; }

private:
    QString m_cert;
    QString m_key;
    QString m_error;
};
