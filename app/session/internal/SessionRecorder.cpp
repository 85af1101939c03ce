#include "SessionRecorder.h"

#include <QFile>
#include <QThread>
#include <QTimer>

namespace {
// The writer finishes what it was given before its thread ends: a slow disk gets this long.
constexpr int WriterStopTimeoutMs = 30000;
} // namespace

SessionRecorder::SessionRecorder(
    const QString &path, const RecordingHeader &header, QObject *parent)
    : QObject(parent)
    , m_path(path)
    , m_thread(QStringLiteral("sockscope-recorder"))
    , m_pending(std::make_shared<std::atomic<qint64>>(0))
{
    m_backlogTimer = new QTimer(this);
    m_backlogTimer->setInterval(250);
    connect(m_backlogTimer, &QTimer::timeout, this, &SessionRecorder::checkBacklog);
    m_writer = new RecordingWriter(path, RecordingFormat::headerLine(header), m_pending);
    connect(m_writer, &RecordingWriter::failed, this, &SessionRecorder::failed);
    RecordingWriter *writer = m_writer;
    m_thread.start(
        m_writer, [writer] { writer->start(); }, false);
}

SessionRecorder::~SessionRecorder()
{
    RecordingWriter *writer = m_writer;
    m_thread.requestStop([writer] { writer->finish(); });
    m_thread.join(QDeadlineTimer(WriterStopTimeoutMs));
}

void SessionRecorder::record(const TrafficBatch &batch)
{
    if (batch.isEmpty())
        return;
    m_recorded += batch.events.size();
    m_pending->fetch_add(batch.events.size());
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, batch] { writer->write(batch); }, Qt::QueuedConnection);
    checkBacklog();
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

RecordingWriter::RecordingWriter(
    const QString &path, const QByteArray &headerLine, std::shared_ptr<std::atomic<qint64>> pending)
    : m_path(path), m_header(headerLine), m_pending(std::move(pending))
{ }

void RecordingWriter::start()
{
    m_file = new QFile(m_path, this);
    if (!m_file->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_failed = true;
        Q_EMIT failed(
            QStringLiteral("cannot write the recording %1: %2").arg(m_path, m_file->errorString()));
        return;
    }
    m_buffer = m_header;
    m_timer = new QTimer(this);
    m_timer->setInterval(FlushIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &RecordingWriter::flushToDisk);
    m_timer->start();
    flushToDisk();
}

void RecordingWriter::write(const TrafficBatch &batch)
{
    if (!m_failed) {
        RecordingFormat::appendEventLines(batch, m_buffer);
        if (m_buffer.size() >= FlushBytes)
            flushToDisk();
    }
    m_pending->fetch_sub(batch.events.size());
}

void RecordingWriter::flushToDisk()
{
    if (m_failed || !m_file || m_buffer.isEmpty())
        return;
    // Straight to the OS: what it holds survives the process being killed.
    if (m_file->write(m_buffer) != m_buffer.size() || !m_file->flush()) {
        m_failed = true;
        Q_EMIT failed(QStringLiteral("writing the recording %1 failed: %2")
                          .arg(m_path, m_file->errorString()));
        return;
    }
    m_buffer.clear();
}

void RecordingWriter::finish()
{
    flushToDisk();
    if (m_file)
        m_file->close();
    thread()->quit();
}
