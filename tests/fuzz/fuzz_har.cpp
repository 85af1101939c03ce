// HAR import on any bytes: no crash, no undefined behaviour, and the sessions it imports export
// to a HAR that imports again into as many sessions with as many messages.
#include "FuzzCheck.h"
#include "HarFormat.h"

#include <cstdint>

static qsizetype messageCount(const HarFormat::Session &session)
{
    qsizetype count = 0;
    for (const TrafficEvent &event : session.events.events)
        count += event.isMessage() ? 1 : 0;
    return count;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const HarFormat::ImportResult result = HarFormat::import(bytes);
    if (!result.error.isEmpty()) {
        FUZZ_CHECK(result.sessions.isEmpty());
        return 0;
    }
    if (result.sessions.isEmpty())
        return 0;
    const HarFormat::ImportResult again
        = HarFormat::import(HarFormat::exportSessions(result.sessions, true));
    FUZZ_CHECK(again.error.isEmpty());
    FUZZ_CHECK(again.sessions.size() == result.sessions.size());
    for (qsizetype i = 0; i < result.sessions.size(); ++i)
        FUZZ_CHECK(messageCount(again.sessions.at(i)) == messageCount(result.sessions.at(i)));
    return 0;
}
