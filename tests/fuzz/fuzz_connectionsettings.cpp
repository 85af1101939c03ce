// Header and URL validation (ConnectionSettings::addHeaderLine, ConnectionSettings::parseUrl) on
// any text, as typed into the window or given to -H and the URL argument. Properties: a refused
// input says why and changes nothing; an accepted header never carries a line break or NUL onto
// the wire; an accepted URL is a ws:// or wss:// URL with a host.
#include "ConnectionSettings.h"
#include "FuzzCheck.h"

#include <cstdint>

static bool hasLineBreakOrNul(const QByteArray &bytes)
{
    return bytes.contains('\r') || bytes.contains('\n') || bytes.contains('\0');
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    QString error;
    const QUrl url = ConnectionSettings::parseUrl(text, &error);
    if (error.isEmpty()) {
        FUZZ_CHECK(url.isValid());
        FUZZ_CHECK(url.scheme() == QLatin1String("ws") || url.scheme() == QLatin1String("wss"));
        FUZZ_CHECK(!url.host().isEmpty());
    } else {
        FUZZ_CHECK(url.isEmpty());
    }

    ConnectionSettings settings;
    error.clear();
    if (settings.addHeaderLine(text, &error)) {
        FUZZ_CHECK(error.isEmpty());
        for (const HttpHeader &header : settings.headers) {
            FUZZ_CHECK(!header.name.isEmpty());
            FUZZ_CHECK(!hasLineBreakOrNul(header.name) && !hasLineBreakOrNul(header.value));
        }
        FUZZ_CHECK(!hasLineBreakOrNul(settings.origin.toUtf8()));
        for (const QString &protocol : settings.subprotocols)
            FUZZ_CHECK(ConnectionSettings::isValidToken(protocol));
    } else {
        FUZZ_CHECK(!error.isEmpty());
        FUZZ_CHECK(settings.headers.isEmpty() && settings.subprotocols.isEmpty());
    }
    return 0;
}
