// Comparing a live message with a recorded one (`sockscope test`, models/MessageComparison) with
// an ignore file (JsonPointerPattern), on any bytes. The first byte says which message is binary;
// the rest is the ignore file, the recorded payload and the live payload, separated by NUL bytes.
// Properties: every ignore line is a pattern or a problem naming its line; a pointer written for
// a path parses back and matches that path; a message equals itself and a compact rewrite of its
// JSON; whether two messages match does not depend on which is the recorded one; differences are
// bounded and none lies under an ignored pointer; ignoring "" ignores every text difference.
#include "FuzzCheck.h"
#include "JsonPointerPattern.h"
#include "MessageComparison.h"

#include <QJsonDocument>

#include <cstdint>

namespace {

// The unescaped tokens of a JSON Pointer MessageComparison reported ("" is the whole message).
QStringList tokensOf(const QString &pointer)
{
    if (pointer.isEmpty())
        return {};
    QStringList tokens = pointer.mid(1).split(QLatin1Char('/'));
    for (QString &token : tokens)
        token.replace(QLatin1String("~1"), QLatin1String("/"))
            .replace(QLatin1String("~0"), QLatin1String("~"));
    return tokens;
}

void checkDifferences(const QList<MessageComparison::Difference> &differences,
    const QList<JsonPointerPattern> &ignore)
{
    FUZZ_CHECK(differences.size() <= MessageComparison::MaxDifferences);
    for (qsizetype i = 0; i < differences.size(); ++i) {
        const MessageComparison::Difference &d = differences.at(i);
        const bool overflowLine = i == MessageComparison::MaxDifferences - 1
            && i == differences.size() - 1 && d.recorded.isEmpty() && d.live.isEmpty();
        if (overflowLine)
            continue;
        JsonPointerPattern parsed;
        QString error;
        FUZZ_CHECK(JsonPointerPattern::parse(d.path, &parsed, &error));
        FUZZ_CHECK(!JsonPointerPattern::anyMatches(ignore, tokensOf(d.path)));
        FUZZ_CHECK(d.recorded.size() <= MessageComparison::MaxValueChars + 40);
        FUZZ_CHECK(d.live.size() <= MessageComparison::MaxValueChars + 40);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > size_t {256} * 1024)
        return 0;
    const quint8 setup = data[0];
    const QList<QByteArray> parts
        = QByteArray(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1)).split('\0');
    const QString ignoreFile = QString::fromUtf8(parts.value(0));
    const MessageComparison::Message recorded {bool(setup & 1), parts.value(1)};
    const MessageComparison::Message live {bool(setup & 2), parts.value(2)};

    QStringList problems;
    const QList<JsonPointerPattern> ignore
        = JsonPointerPattern::parseLines(ignoreFile, QStringLiteral("ignore"), &problems);
    FUZZ_CHECK(ignore.size() + problems.size() <= ignoreFile.count(QLatin1Char('\n')) + 1);
    for (const QString &problem : std::as_const(problems))
        FUZZ_CHECK(problem.startsWith(QLatin1String("ignore:")));
    for (const JsonPointerPattern &pattern : ignore) {
        JsonPointerPattern again;
        QString error;
        FUZZ_CHECK(JsonPointerPattern::parse(pattern.text(), &again, &error) && error.isEmpty());
    }

    // Any path (here the lines of the ignore file) written as a pointer parses back and matches
    // that path, and not a path one step shorter.
    const QStringList path = ignoreFile.split(QLatin1Char('\n'));
    JsonPointerPattern pointer;
    QString error;
    FUZZ_CHECK(JsonPointerPattern::parse(JsonPointerPattern::pointerFor(path), &pointer, &error));
    FUZZ_CHECK(pointer.matches(path));
    FUZZ_CHECK(!pointer.matches(path.mid(0, path.size() - 1)));

    const MessageComparison comparison(ignore);
    FUZZ_CHECK(comparison.matches(recorded, recorded));
    FUZZ_CHECK(comparison.matches(live, live));
    const QList<MessageComparison::Difference> forward = comparison.compare(recorded, live);
    const QList<MessageComparison::Difference> backward = comparison.compare(live, recorded);
    FUZZ_CHECK(forward.isEmpty() == backward.isEmpty());
    checkDifferences(forward, ignore);
    checkDifferences(backward, ignore);

    // The same JSON written compactly is the same message.
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(recorded.payload, &parseError);
    if (!recorded.binary && parseError.error == QJsonParseError::NoError && !doc.isNull()) {
        const MessageComparison::Message compact {false, doc.toJson(QJsonDocument::Compact)};
        FUZZ_CHECK(MessageComparison().matches(recorded, compact));
    }

    // Ignoring the whole document ignores every difference between two texts.
    JsonPointerPattern root;
    FUZZ_CHECK(JsonPointerPattern::parse(QString(), &root, &error));
    if (!recorded.binary && !live.binary)
        FUZZ_CHECK(MessageComparison({root}).matches(recorded, live));
    return 0;
}
