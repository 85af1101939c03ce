// The composer's input parsers and the detail view's formatters (PayloadFormat) on any text.
// The first byte picks the parser, the rest is the text (UTF-8, as typed or pasted). Properties:
// parsed hex and base64 give back the bytes they describe when written out again.
#include "FuzzCheck.h"
#include "PayloadFormat.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray rest
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const QString text = QString::fromUtf8(rest);
    QString error;
    switch (data[0] % 5) {
    case 0: {
        int position = -1;
        const QByteArray bytes = PayloadFormat::parseHex(text, &error, &position);
        if (error.isEmpty()) {
            QString again;
            FUZZ_CHECK(
                PayloadFormat::parseHex(QString::fromLatin1(bytes.toHex(' ')), &again) == bytes);
            FUZZ_CHECK(again.isEmpty());
        } else {
            FUZZ_CHECK(bytes.isEmpty());
            FUZZ_CHECK(position >= 0 && position <= text.size());
        }
        break;
    }
    case 1: {
        const QByteArray bytes = PayloadFormat::parseBase64(text, &error);
        if (error.isEmpty()) {
            QString again;
            FUZZ_CHECK(
                PayloadFormat::parseBase64(QString::fromLatin1(bytes.toBase64()), &again) == bytes);
            FUZZ_CHECK(again.isEmpty());
        }
        break;
    }
    case 2: {
        // Any bytes, at any offset, dump to whole lines of at most 16 bytes each.
        const qint64 offset = size > 1 ? qint64(data[1]) << 24 : 0;
        const QString dump = PayloadFormat::hexDump(rest, offset);
        FUZZ_CHECK(rest.isEmpty() || !dump.isEmpty());
        break;
    }
    case 3: {
        if (PayloadFormat::looksLikeJson(text)) {
            const QString pretty = PayloadFormat::prettyJson(text, &error);
            if (error.isEmpty()) {
                QString again;
                PayloadFormat::compactJson(pretty, &again);
                FUZZ_CHECK(again.isEmpty());
            }
        } else {
            PayloadFormat::compactJson(text, &error);
        }
        break;
    }
    default: {
        int position = -1;
        const int offset = size > 1 ? int(data[1]) * 4 - 8 : 0;
        PayloadFormat::describeJsonError(text, offset, QStringLiteral("fuzzed"), &position);
        break;
    }
    }
    return 0;
}
