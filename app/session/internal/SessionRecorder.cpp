#include "SessionRecorder.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QTimer>

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
    connect(m_timer, &QTimer::timeout, this, &RecordingWriter::flushToDisk);
    m_timer->start();
    m_buffer.reserve(2 * FlushBytes);
}

void RecordingWriter::write(const TrafficBatch &batch)
{
    if (!m_failed) {
        RecordingFormat::appendEventLines(batch, m_buffer, m_policy);
        if (m_buffer.size() >= FlushBytes)
            flushToDisk();
    }
    m_pending->fetch_sub(batch.events.size());
}

void RecordingWriter::flushToDisk()
{
    if (m_failed || m_buffer.isEmpty())
        return;
    // Straight to the OS: what it holds survives the process being killed.
    if (m_file->write(m_buffer) != m_buffer.size()) {
        m_failed = true;
        const QString message = writeError(m_file->fileName(), *m_file);
        m_buffer.clear();
        // A part of a line may have made it: cut the file back to its last complete line.
        if (m_file->size() > m_written)
            m_file->resize(m_written);
        if (m_timer)
            m_timer->stop();
        Q_EMIT failed(message);
        return;
    }
    m_written += m_buffer.size();
    m_buffer.truncate(0); // the capacity stays for the next lines
}

void RecordingWriter::finish()
{
    flushToDisk();
    m_file->close();
    thread()->quit();
}
