#include "TestCertificate.h"

#include <QProcess>
#include <QTemporaryDir>

bool TestCertificate::create(const QTemporaryDir &dir)
{
    m_cert = dir.filePath(QStringLiteral("cert.pem"));
    m_key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
            QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
            QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
            QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost"),
            QStringLiteral("-keyout"), m_key, QStringLiteral("-out"), m_cert});
    if (!openssl.waitForFinished(60000)) {
        m_error = QStringLiteral("openssl did not finish: %1").arg(openssl.errorString());
        return false;
    }
    m_error = QString::fromLocal8Bit(openssl.readAllStandardError());
    return openssl.exitStatus() == QProcess::NormalExit && openssl.exitCode() == 0;
}
