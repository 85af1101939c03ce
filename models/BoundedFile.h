#pragma once

#include <QByteArray>
#include <QString>

// A whole file read into memory up to a ceiling. The ceiling holds for what is actually read,
// not for the size the file claims: /dev/zero, a FIFO or a file still growing claim 0 bytes and
// never end, and a sparse file claims gigabytes it does not hold.
namespace BoundedFile {

// Reads path into *bytes when it holds at most maxBytes. Otherwise false, with *error naming
// what and the file and saying what is wrong: "cannot read the script x.js: No such file or
// directory", "the script x.js is larger than 4 MiB".
bool read(
    const QString &path, qint64 maxBytes, const QString &what, QByteArray *bytes, QString *error);

// "4 MiB", "512 KiB" or "100 bytes": the ceiling as the messages above say it.
QString sizeText(qint64 bytes);

} // namespace BoundedFile
