#pragma once

#include "TrafficEvent.h"

#include <QByteArray>
#include <QObject>
#include <QString>

// The byte stream under one WebSocket connection (TCP, or TLS over TCP), as the connection's
// worker uses it: connect, read into the worker's own buffer, write, end gracefully or at once,
// and say exactly how the stream ended (FIN, RST, TLS close_notify). Lives in the worker's thread.
class Transport : public QObject
{
    Q_OBJECT
public:
    enum class ConnectError { Refused, HostNotFound, Tls, Other };

    using QObject::QObject;

    virtual void connectToHost(const QString &host, quint16 port) = 0;
    // Up to max bytes into buffer: > 0 bytes read, 0 nothing available now, -1 the stream has
    // ended (endReason() says how; ended() is emitted as well).
    virtual qint64 read(char *buffer, qint64 max) = 0;
    virtual void write(const char *data, qint64 size) = 0;
    virtual qint64 bytesToWrite() const = 0;
    // Bytes written that the peer has not acknowledged yet: bytesToWrite() and the kernel's send
    // queue (not sent, or sent and not acknowledged). A reset drops all of them; the kernel tells
    // nobody when the count falls, so whoever waits for zero polls.
    virtual qint64 bytesNotAcknowledged() const = 0;
    // Sends what is queued, then ends our side of the stream; finished() follows.
    virtual void disconnectFromHost() = 0;
    // Ends the stream at once, dropping what is queued. Emits nothing.
    virtual void abort() = 0;
    // Like abort(), but the peer sees a reset (RST) rather than an orderly close (FIN).
    virtual void reset() = 0;
    // Stops (or resumes) reading from the peer: what it sends waits in the kernel, and TCP flow
    // control slows it down. readyRead() follows a resume when bytes are waiting.
    virtual void setReadingPaused(bool paused) = 0;
    virtual bool isOpen() const = 0;
    virtual QString peerText() const = 0; // "127.0.0.1:8080"

    TrafficEvent::TransportEnd endReason() const { return m_endReason; }
    QString endError() const { return m_endError; }

    void write(const QByteArray &data) { write(data.constData(), data.size()); }

Q_SIGNALS:
    void connected(); // ready for the upgrade request (TLS handshake done for wss)
    void connectFailed(Transport::ConnectError error, const QString &message);
    void readyRead();
    void bytesWritten();
    // The stream ended, by the peer or by an error (endReason() says which), or after our
    // disconnectFromHost() (LocalClose). Emitted once.
    void ended();

protected:
    void setEnded(TrafficEvent::TransportEnd reason, const QString &error = {})
    {
        if (m_endReason == TrafficEvent::TransportEnd::Unknown) {
            m_endReason = reason;
            m_endError = error;
        }
    }

private:
    TrafficEvent::TransportEnd m_endReason = TrafficEvent::TransportEnd::Unknown;
    QString m_endError;
};
