#pragma once

#include <QMetaType>
#include <QString>

// A script to run on a connection or a mock server: its code, the name its errors and log() lines
// are reported under (the file, or "script.js" for one typed in the window), and how long one
// call into it may run before it is interrupted.
struct ScriptSource
{
    static constexpr int DefaultBudgetMs = 500;
    static constexpr int MinBudgetMs = 10;
    static constexpr int MaxBudgetMs = 60'000;
    // Larger files are refused before anything is evaluated.
    static constexpr qint64 MaxCodeMiB = 4;
    static constexpr qint64 MaxCodeBytes = MaxCodeMiB * 1024 * 1024;

    QString name;
    QString code;
    int budgetMs = DefaultBudgetMs;

    bool isEmpty() const { return code.trimmed().isEmpty(); }

    // The script in a file, named by its path (budget: the default): false, with what is wrong
    // naming the file, when it cannot be read, is too large or is not UTF-8 text.
    static bool read(const QString &path, ScriptSource *source, QString *error);
};

Q_DECLARE_METATYPE(ScriptSource)
