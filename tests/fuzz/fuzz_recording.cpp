// The recording reader (RecordingReader over RecordingFormat::parseHeader/parseEvent) on any bytes:
// no crash, no undefined behaviour, and whatever it accepts writes back as a recording that reads
// back with the same events and no problems.
#include "FuzzCheck.h"
#include "RecordingFormat.h"
#include "RecordingReader.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    RecordingReader reader;
    if (reader.readData(bytes, QStringLiteral("fuzz.jsonl"))) {
        QByteArray written = RecordingFormat::headerLine(reader.header());
        for (const TrafficBatch &batch : reader.batches())
            RecordingFormat::appendEventLines(batch, written);
        RecordingReader again;
        FUZZ_CHECK(again.readData(written, QStringLiteral("again.jsonl")));
        FUZZ_CHECK(again.problems().isEmpty());
        FUZZ_CHECK(again.eventCount() == reader.eventCount());
    }
    // Each line through both record parsers directly, so events are reached without a header.
    for (const QByteArray &line : bytes.split('\n')) {
        const QJsonDocument document = QJsonDocument::fromJson(line);
        if (!document.isObject())
            continue;
        QString error;
        RecordingHeader header;
        RecordingFormat::parseHeader(document.object(), &header, &error);
        TrafficEvent event;
        if (!RecordingFormat::parseEvent(document.object(), &event, &error))
            FUZZ_CHECK(!error.isEmpty());
    }
    return 0;
}
