#include "PemFiles.h"

#include "BoundedFile.h"

namespace PemFiles {

bool readCertificates(const QString &path, QList<QSslCertificate> *certificates, QString *error)
{
    QByteArray pem;
    if (!BoundedFile::read(path, MaxBytes, QStringLiteral("the CA file"), &pem, error))
        return false;
    *certificates = QSslCertificate::fromData(pem, QSsl::Pem);
    if (certificates->isEmpty()) {
        *error = QStringLiteral("the CA file '%1' holds no PEM certificate").arg(path);
        return false;
    }
    return true;
}

bool readCertificate(const QString &path, QSslCertificate *certificate, QString *error)
{
    QByteArray pem;
    if (!BoundedFile::read(path, MaxBytes, QStringLiteral("the TLS certificate"), &pem, error))
        return false;
    *certificate = QSslCertificate(pem, QSsl::Pem);
    if (certificate->isNull()) {
        *error = QStringLiteral("'%1' holds no PEM certificate").arg(path);
        return false;
    }
    return true;
}

bool readPrivateKey(const QString &path, QSslKey *key, QString *error)
{
    QByteArray pem;
    if (!BoundedFile::read(path, MaxBytes, QStringLiteral("the TLS key"), &pem, error))
        return false;
    *key = QSslKey(pem, QSsl::Rsa, QSsl::Pem);
    if (key->isNull())
        *key = QSslKey(pem, QSsl::Ec, QSsl::Pem);
    if (key->isNull()) {
        *error = QStringLiteral("'%1' holds no PEM private key (RSA or EC)").arg(path);
        return false;
    }
    return true;
}

} // namespace PemFiles
