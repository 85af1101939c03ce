#pragma once

#include <QString>

class RecordingReader;

// Reads a recording for a command: skipped lines are reported on stderr as FILE:LINE: what is
// wrong, and when nothing usable could be read, why. Returns false in that case.
namespace RecordingInput {

bool read(const QString &path, RecordingReader *reader);

} // namespace RecordingInput
