#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

// Certificates and keys from PEM files the user names (--ca-file, --tls-cert, --tls-key), read
// with a ceiling: a PEM file is kilobytes, and /dev/zero or a sparse file must not fill memory.
namespace PemFiles {

// Far more than the system's whole CA bundle (about 200 KiB).
constexpr qint64 MaxBytes = 16LL * 1024 * 1024;

// The certificates in a CA file; false with *error naming the file when it cannot be read, is
// too large or holds none.
bool readCertificates(const QString &path, QList<QSslCertificate> *certificates, QString *error);
// The first certificate in path, for a server to present.
bool readCertificate(const QString &path, QSslCertificate *certificate, QString *error);
// An RSA or EC private key.
bool readPrivateKey(const QString &path, QSslKey *key, QString *error);

} // namespace PemFiles
