#include "RecordingInput.h"

#include "RecordingReader.h"
#include "TerminalText.h"

#include <cstdio>

namespace RecordingInput {

bool read(const QString &path, RecordingReader *reader)
{
    const bool ok = reader->read(path);
    QStringList lines = reader->problemLines();
    if (!ok)
        lines << QStringLiteral("sockscope: %1").arg(reader->error());
    for (const QString &line : std::as_const(lines)) // they quote the file's own text
        TerminalText::writeLine(stderr, line);
    return ok;
}

} // namespace RecordingInput
