#pragma once

#include "JsonPointerPattern.h"

#include <QByteArray>
#include <QList>
#include <QString>

// Whether a message received now is the one a recording holds, and where they differ. JSON
// (an object or an array, on both sides) is compared structurally: key order does not matter and
// numbers compare by value (1, 1.0 and 1e0 are equal); values under an ignored pointer are not
// compared. Other text is compared exactly, binary byte for byte, and text never equals binary.
class MessageComparison
{
public:
    struct Message
    {
        bool binary = false;
        QByteArray payload; // UTF-8 for text
    };
    struct Difference
    {
        QString path; // JSON Pointer of the differing value, "" for the whole message
        QString recorded; // the values as a person reads them, shortened; "(absent)" when missing
        QString live;
    };

    static constexpr int MaxDifferences = 50; // per message; the last one says how many more
    static constexpr int MaxValueChars = 120;

    explicit MessageComparison(const QList<JsonPointerPattern> &ignore = {});

    // Empty when the messages match.
    QList<Difference> compare(const Message &recorded, const Message &live) const;
    bool matches(const Message &recorded, const Message &live) const
    {
        return compare(recorded, live).isEmpty();
    }
    // A message as a person reads it, shortened: text as it is, binary as "(N bytes) hex...".
    static QString describe(const Message &message, qsizetype fromByte = 0);

private:
    const QList<JsonPointerPattern> m_ignore;
};
