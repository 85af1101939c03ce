#include "RecordingInput.h"

#include "RecordingReader.h"

#include <cstdio>

namespace RecordingInput {

bool read(const QString &path, RecordingReader *reader)
{
    const bool ok = reader->read(path);
    QStringList lines = reader->problemLines();
    if (!ok)
        lines << QStringLiteral("sockscope: %1").arg(reader->error());
    for (const QString &line : std::as_const(lines)) {
        const QByteArray bytes = line.toLocal8Bit() + '\n';
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    }
    return ok;
}

} // namespace RecordingInput
