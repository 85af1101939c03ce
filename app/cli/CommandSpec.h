#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>

class QCommandLineParser;

// What each subcommand takes, declared once: its parser is built from this, the general --help
// lists it, and tests check the man page and the bash completion against it.
struct CommandSpec
{
    struct Positional
    {
        QString name;
        QString description;
        QString syntax = {}; // as the usage line shows it, "[FILE]" when optional; name if empty
    };

    QString name; // "record"
    QString synopsis; // "URL -o FILE [options]"
    QString summary; // one paragraph for the general help
    QString description; // the command's own --help
    QList<Positional> positionals;
    QList<QCommandLineOption> options; // without -h/--help, which every command takes

    // Every subcommand, in the order the help lists them.
    static const QList<CommandSpec> &all();
    static const CommandSpec *find(const QString &name);

    // Sets up a parser with the description, positionals, options and -h/--help.
    void setUp(QCommandLineParser &parser) const;
    // "--header", "-H", ... for every option including --help.
    QStringList optionNames() const;
    static QCommandLineOption helpOption();
};
