#pragma once

#include <QString>

// Checks JSON typed by a person and says what is wrong in their words, at the character that is
// wrong (Qt's parser reports the position just past it, and one wording for objects and lists).
struct JsonCheck
{
    bool ok = true;
    int position = -1; // index of the offending character in the text
    int line = 0; // from 1
    int column = 0; // from 1
    QString problem; // "expected “,” or “]” after a value in this list"

    static JsonCheck check(const QString &text);
    // "line 3, column 8: expected a value here"
    QString describe() const;
    // The same JSON without whitespace outside strings; keys and numbers stay as typed.
    static QString compact(const QString &text);
};
