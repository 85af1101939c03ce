#include "BoundedFile.h"

#include <QFile>

namespace BoundedFile {

QString sizeText(qint64 bytes)
{
    constexpr qint64 KiB = 1024;
    if (bytes % (KiB * KiB) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (KiB * KiB));
    if (bytes % KiB == 0)
        return QStringLiteral("%1 KiB").arg(bytes / KiB);
    return QStringLiteral("%1 bytes").arg(bytes);
}

bool read(
    const QString &path, qint64 maxBytes, const QString &what, QByteArray *bytes, QString *error)
{
    QFile file(path);
    const auto cannotRead = [&] {
        *error = QStringLiteral("cannot read %1 %2: %3").arg(what, path, file.errorString());
        return false;
    };
    if (!file.open(QIODevice::ReadOnly))
        return cannotRead();
    const QString tooLarge
        = QStringLiteral("%1 %2 is larger than %3").arg(what, path, sizeText(maxBytes));
    if (file.size() > maxBytes) { // said before anything is read
        *error = tooLarge;
        return false;
    }
    // Read in blocks, not as one read of maxBytes: that would reserve the whole ceiling for
    // every small file.
    QByteArray content;
    char block[64 * 1024];
    for (;;) {
        const qint64 n = file.read(block, sizeof block);
        if (n < 0) // an I/O error
            return cannotRead();
        if (n == 0)
            break;
        if (content.size() + n > maxBytes) {
            *error = tooLarge;
            return false;
        }
        content.append(block, n);
    }
    *bytes = std::move(content);
    return true;
}

} // namespace BoundedFile
