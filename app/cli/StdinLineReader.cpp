#include "StdinLineReader.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

StdinLineReader::StdinLineReader(QObject *parent) : StdinLineReader(STDIN_FILENO, parent) { }

StdinLineReader::StdinLineReader(int descriptor, QObject *parent)
    : QObject(parent), m_descriptor(descriptor)
{ }

StdinLineReader::~StdinLineReader()
{
    if (m_savedFlags >= 0)
        ::fcntl(m_descriptor, F_SETFL, m_savedFlags);
}

void StdinLineReader::start()
{
    m_savedFlags = ::fcntl(m_descriptor, F_GETFL);
    if (m_savedFlags < 0) { // no stdin at all: that is an immediate end of input
        QTimer::singleShot(0, this, [this] {
            m_ended = true;
            Q_EMIT endOfInput();
        });
        return;
    }
    ::fcntl(m_descriptor, F_SETFL, m_savedFlags | O_NONBLOCK);
    m_notifier = new QSocketNotifier(m_descriptor, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinLineReader::onReadable);
}

void StdinLineReader::onReadable()
{
    char chunk[65536];
    for (qsizetype taken = 0; taken < ReadBytesPerTurn;) {
        const ssize_t n = ::read(m_descriptor, chunk, sizeof(chunk));
        if (n > 0) {
            take(chunk, n);
            taken += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        // End of input (or an error reading it, which ends it just the same).
        if (!m_line.isEmpty())
            emitLine();
        m_notifier->setEnabled(false);
        if (!m_ended) {
            m_ended = true;
            Q_EMIT endOfInput();
        }
        return;
    }
    // More is waiting: the notifier fires again on the next turn of the loop.
}

void StdinLineReader::take(const char *data, qsizetype size)
{
    const char *p = data;
    const char *const end = data + size;
    while (p < end) {
        const auto *newline = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
        const char *const lineEnd = newline ? newline : end;
        if (!m_skippingLine) {
            // One byte more than the longest line: the '\r' of a "\r\n" is not part of it.
            if (m_line.size() + (lineEnd - p) > MaxLineBytes + 1) {
                m_line = QByteArray();
                m_skippingLine = true;
                Q_EMIT lineSkipped();
            } else {
                m_line.append(p, lineEnd - p);
            }
        }
        if (!newline)
            return;
        if (m_skippingLine)
            m_skippingLine = false;
        else
            emitLine();
        p = newline + 1;
    }
}

void StdinLineReader::emitLine()
{
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    if (m_line.size() > MaxLineBytes)
        Q_EMIT lineSkipped();
    else
        Q_EMIT lineRead(QString::fromUtf8(m_line));
    m_line.clear();
}
