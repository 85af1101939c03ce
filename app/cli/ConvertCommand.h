#pragma once

#include <QString>

// `sockscope convert IN OUT`: a HAR file from browser devtools into recordings (one per WebSocket
// session: OUT, then OUT-2, OUT-3, ...), or a recording into a HAR file, by the extensions.
// Exits 0 when the input could be read, with skipped lines or entries reported on stderr.
namespace ConvertCommand {

int run(const QString &input, const QString &output, bool keepSecrets);

} // namespace ConvertCommand
