#include "StdinLineReader.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

StdinLineReader::StdinLineReader(QObject *parent) : QObject(parent) { }

StdinLineReader::~StdinLineReader()
{
    if (m_savedFlags >= 0)
        ::fcntl(STDIN_FILENO, F_SETFL, m_savedFlags);
}

void StdinLineReader::start()
{
    m_savedFlags = ::fcntl(STDIN_FILENO, F_GETFL);
    if (m_savedFlags < 0) { // no stdin at all: that is an immediate end of input
        QTimer::singleShot(0, this, [this] {
            m_ended = true;
            Q_EMIT endOfInput();
        });
        return;
    }
    ::fcntl(STDIN_FILENO, F_SETFL, m_savedFlags | O_NONBLOCK);
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinLineReader::onReadable);
}

void StdinLineReader::onReadable()
{
    char chunk[65536];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof(chunk));
        if (n > 0) {
            m_buffer.append(chunk, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            emitLines();
            return;
        }
        // End of input (or an error reading it, which ends it just the same).
        emitLines();
        if (!m_buffer.isEmpty())
            Q_EMIT lineRead(QString::fromUtf8(std::exchange(m_buffer, {})));
        m_notifier->setEnabled(false);
        if (!m_ended) {
            m_ended = true;
            Q_EMIT endOfInput();
        }
        return;
    }
}

void StdinLineReader::emitLines()
{
    qsizetype start = 0;
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n', start)) >= 0) {
        qsizetype end = newline;
        if (end > start && m_buffer.at(end - 1) == '\r')
            --end;
        Q_EMIT lineRead(QString::fromUtf8(m_buffer.constData() + start, end - start));
        start = newline + 1;
    }
    m_buffer.remove(0, start);
}
