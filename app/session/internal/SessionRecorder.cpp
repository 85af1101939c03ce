#include "SessionRecorder.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QTimer>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#endif

namespace {
// The writer finishes what it was given before its thread ends: a slow disk gets this long.
constexpr int WriterStopTimeoutMs = 30000;
} // namespace

SessionRecorder::SessionRecorder(const QString &path, const RecordingHeader &header,
    SecretRedaction::Policy policy, QObject *parent)
    : QObject(parent)
    , m_path(path)
    , m_thread(QStringLiteral("sockscope-recorder"))
    , m_pending(std::make_shared<std::atomic<qint64>>(0))
{
    start(RecordingFormat::headerLine(RecordingFormat::redacted(header, policy)), policy);
}

void SessionRecorder::start(const QByteArray &headerLine, SecretRedaction::Policy eventPolicy)
{
    m_backlogTimer = new QTimer(this);
    m_backlogTimer->setInterval(250);
    connect(m_backlogTimer, &QTimer::timeout, this, &SessionRecorder::checkBacklog);
    std::unique_ptr<QFile> file = RecordingWriter::create(m_path, headerLine, &m_error);
    if (!file) {
        // Said through the signal too, for owners that connect after construction.
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT failed(m_error); }, Qt::QueuedConnection);
        return;
    }
    QFile *openFile = file.get();
    m_writer = new RecordingWriter(std::move(file), headerLine.size(), eventPolicy, m_pending);
    connect(m_writer, &RecordingWriter::failed, this, &SessionRecorder::onWriterFailed);
    RecordingWriter *writer = m_writer;
    m_thread.start(m_writer, [writer] { writer->start(); }, false, {openFile});
}

SessionRecorder *SessionRecorder::create(const QString &path, const RecordingHeader &header,
    bool keepSecrets, QObject *parent, QString *error)
{
    auto *recorder = new SessionRecorder(path, header,
        keepSecrets ? SecretRedaction::Policy::Keep : SecretRedaction::Policy::Redact, parent);
    if (recorder->isOpen())
        return recorder;
    *error = recorder->error();
    delete recorder;
    return nullptr;
}

SessionRecorder::~SessionRecorder()
{
    finish();
}

bool SessionRecorder::finish()
{
    if (m_thread.isRunning()) {
        RecordingWriter *writer = m_writer;
        m_thread.requestStop([writer] { writer->finish(); });
        m_thread.join(QDeadlineTimer(WriterStopTimeoutMs));
        m_writer = nullptr; // deleted in its thread as it finished
        // A failure in the last write is queued to this thread: take it now.
        QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    }
    return isOpen();
}

void SessionRecorder::record(const TrafficBatch &batch)
{
    if (batch.isEmpty() || !m_writer)
        return;
    m_recorded += batch.events.size();
    m_pending->fetch_add(batch.events.size());
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, batch] { writer->write(batch); }, Qt::QueuedConnection);
    checkBacklog();
}

void SessionRecorder::onWriterFailed(const QString &message)
{
    m_error = message;
    Q_EMIT failed(message);
}

void SessionRecorder::checkBacklog()
{
    const qint64 pending = m_pending->load();
    const bool behind = pending > BacklogWarningEvents;
    if (behind == m_fallingBehind)
        return;
    m_fallingBehind = behind;
    if (behind)
        m_backlogTimer->start();
    else
        m_backlogTimer->stop();
    Q_EMIT backlogChanged(behind, pending);
}

RecordingWriter::RecordingWriter(std::unique_ptr<QFile> file, qint64 writtenBytes,
    SecretRedaction::Policy policy, std::shared_ptr<std::atomic<qint64>> pending)
    : m_file(std::move(file))
    , m_written(writtenBytes)
    , m_complete(writtenBytes)
    , m_policy(policy)
    , m_pending(std::move(pending))
{ }

RecordingWriter::~RecordingWriter() = default;

std::unique_ptr<QFile> RecordingWriter::create(
    const QString &path, const QByteArray &bytes, QString *error)
{
    if (QFileInfo(path).isDir()) {
        *error = QStringLiteral("cannot write the recording %1: it is a directory").arg(path);
        return nullptr;
    }
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
        *error = QStringLiteral("cannot write the recording %1: %2").arg(path, file->errorString());
        return nullptr;
    }
    if (file->write(bytes) != bytes.size()) {
        *error = writeError(path, *file);
        return nullptr;
    }
    return file;
}

QString RecordingWriter::writeError(const QString &path, const QFile &file)
{
    return QStringLiteral("writing the recording %1 failed: %2").arg(path, file.errorString());
}

void RecordingWriter::start()
{
    m_timer = new QTimer(this);
    m_timer->setInterval(FlushIntervalMs);
    connect(m_timer, &QTimer::timeout, this, [this] { flushToDisk(Flush::Everything); });
    m_timer->start();
    m_buffer.reserve(2 * FlushBytes);
}

void RecordingWriter::write(const TrafficBatch &batch)
{
    if (!m_failed) {
        RecordingFormat::appendEventLines(batch, m_buffer, m_policy);
        if (m_buffer.size() >= FlushBytes)
            flushToDisk(Flush::ToPageBoundary);
    }
    m_pending->fetch_sub(batch.events.size());
}

void RecordingWriter::flushToDisk(Flush what)
{
    if (m_failed || m_buffer.isEmpty())
        return;
    qsizetype bytes = m_buffer.size();
    if (what == Flush::ToPageBoundary) {
        bytes = qsizetype((m_written + bytes) / PageBytes * PageBytes - m_written);
        if (bytes <= 0)
            return;
        preallocate(m_written + bytes);
    }
    // Straight to the OS: what it holds survives the process being killed. A short write is
    // followed by another, which fails with the reason (a full disk, a file size limit).
    qsizetype written = 0;
    while (written < bytes) {
        const qint64 n = m_file->write(m_buffer.constData() + written, bytes - written);
        if (n <= 0)
            break;
        written += n;
    }
    if (written != bytes) {
        m_failed = true;
        const QString message = writeError(m_file->fileName(), *m_file);
        m_buffer.clear();
        // A part of a line may have made it: cut the file back to its last complete line.
        if (m_file->size() > m_complete || m_allocated > m_complete)
            m_file->resize(m_complete);
        if (m_timer)
            m_timer->stop();
        Q_EMIT failed(message);
        return;
    }
    const qsizetype lastNewline = QByteArrayView(m_buffer.constData(), bytes).lastIndexOf('\n');
    if (lastNewline >= 0)
        m_complete = m_written + lastNewline + 1;
    m_written += bytes;
    // What is past the page boundary (less than a page) starts the next write; the capacity stays.
    const qsizetype rest = m_buffer.size() - bytes;
    if (rest > 0)
        std::memmove(m_buffer.data(), m_buffer.constData() + bytes, size_t(rest));
    m_buffer.truncate(rest);
}

void RecordingWriter::preallocate(qint64 end)
{
#ifdef Q_OS_LINUX
    // Kept at least two flushes ahead, so every write of a flood lands in allocated space.
    if (!m_preallocating || end + 2 * FlushBytes <= m_allocated)
        return;
    const qint64 from = qMax(m_allocated, m_written);
    const qint64 to = end + qBound(MinPreallocateBytes, m_written, MaxPreallocateBytes);
    if (::fallocate(m_file->handle(), FALLOC_FL_KEEP_SIZE, from, to - from) != 0) {
        // Not every file system or file can (a pipe, a device): then the writes allocate as they
        // go. A full disk may have kept part of it: that is given back at the end all the same.
        if (errno != EOPNOTSUPP && errno != ENODEV && errno != ESPIPE)
            m_allocated = to;
        m_preallocating = false;
        return;
    }
    m_allocated = to;
#else
    Q_UNUSED(end);
#endif
}

void RecordingWriter::releasePreallocated()
{
    // Truncating at the size the file has gives back the blocks allocated past its end.
    if (m_allocated > m_written)
        m_file->resize(m_written);
    m_allocated = 0;
}

void RecordingWriter::finish()
{
    flushToDisk(Flush::Everything);
    if (!m_failed)
        releasePreallocated();
    m_file->close();
    thread()->quit();
}
