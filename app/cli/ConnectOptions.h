#pragma once

#include "ConnectionSettings.h"
#include "MessagePrinter.h"

#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;

// The connection options shared by every subcommand that opens a connection (connect, record,
// replay, test): they are declared once and turned into ConnectionSettings and printer options in
// one place.
class ConnectOptions
{
public:
    // A session prints messages and may reconnect; a test prints its own results and treats a lost
    // connection as a failure, so it takes neither the printing options nor --reconnect.
    enum class Use { Session, Test };
    explicit ConnectOptions(Use use = Use::Session);

    const QList<QCommandLineOption> &options() const { return m_options; }
    // Builds settings for urlText from the parsed options; on failure says what is wrong.
    bool toSettings(const QCommandLineParser &parser, const QString &urlText,
        ConnectionSettings *settings, QString *error) const;
    // --raw, also taken by show.
    static QCommandLineOption rawOption();
    // --show-pings, --show-frames, --raw.
    static MessagePrinter::Options printerOptions(const QCommandLineParser &parser);

    // "0.05", "20", "250ms", "2s" -> milliseconds.
    static bool parseDuration(const QString &text, int *ms);
    // "65536", "64K", "64M", "1G" -> bytes.
    static bool parseSize(const QString &text, qint64 *bytes);

private:
    Use m_use;
    QList<QCommandLineOption> m_options;
};
