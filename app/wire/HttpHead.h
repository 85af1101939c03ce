#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

// The head of an HTTP/1.1 message as it arrives on a socket: a start line, then header fields,
// ending with an empty line. Fed in pieces; bounded, so an endless line or header block from a
// hostile peer costs no more than MaxSize bytes.
class HttpHead
{
public:
    static constexpr qsizetype MaxSize = 64LL * 1024;
    static constexpr int MaxFields = 256;

    struct Field
    {
        QByteArray name; // as sent
        QByteArray value; // trimmed
    };

    enum class Status { NeedMore, Complete, Invalid };

    // Takes bytes; returns Complete once the empty line arrived, with *consumed saying how many
    // of these bytes belonged to the head (the rest is what follows it: WebSocket frames).
    Status feed(const char *data, qsizetype size, qsizetype *consumed);
    QString error() const { return m_error; }

    // The three parts of the start line ("HTTP/1.1", "101", "Switching Protocols" or
    // "GET", "/path", "HTTP/1.1").
    const QByteArray &startPart(int i) const { return m_start[i]; }
    const QList<Field> &fields() const { return m_fields; }
    // The raw head as received, empty line included.
    const QByteArray &raw() const { return m_raw; }

    // Every value of a field (case-insensitive name), joined with ", " as RFC 7230 §3.2.2 allows.
    QByteArray value(const QByteArray &name) const;
    bool has(const QByteArray &name) const;
    int count(const QByteArray &name) const;
    // True when a comma-separated field holds this token (case-insensitive): "Connection:
    // keep-alive, Upgrade".
    bool hasToken(const QByteArray &name, const QByteArray &token) const;

private:
    bool parse();

    QByteArray m_raw;
    QByteArray m_start[3];
    QList<Field> m_fields;
    QString m_error;
    bool m_complete = false;
};
