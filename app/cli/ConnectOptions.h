#pragma once

#include "ConnectionSettings.h"

#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;

// The connection options shared by every subcommand that opens a connection (connect, record,
// replay): they are declared once and turned into ConnectionSettings in one place.
class ConnectOptions
{
public:
    ConnectOptions();

    void addTo(QCommandLineParser &parser) const;
    // Builds settings for urlText from the parsed options; on failure says what is wrong.
    bool toSettings(const QCommandLineParser &parser, const QString &urlText,
        ConnectionSettings *settings, QString *error) const;
    bool showPings(const QCommandLineParser &parser) const;

    // "0.05", "20", "250ms", "2s" -> milliseconds.
    static bool parseDuration(const QString &text, int *ms);
    // "65536", "64K", "64M", "1G" -> bytes.
    static bool parseSize(const QString &text, qint64 *bytes);

private:
    QCommandLineOption m_header;
    QCommandLineOption m_subprotocol;
    QCommandLineOption m_origin;
    QCommandLineOption m_pingInterval;
    QCommandLineOption m_pingTimeout;
    QCommandLineOption m_onPingTimeout;
    QCommandLineOption m_noPing;
    QCommandLineOption m_connectTimeout;
    QCommandLineOption m_insecure;
    QCommandLineOption m_caFile;
    QCommandLineOption m_showPings;
    QCommandLineOption m_maxSize;
    QCommandLineOption m_reconnect;
};
