#pragma once

#include "OwnedThread.h"
#include "RecordingFormat.h"

#include <QObject>

#include <atomic>
#include <memory>

class QFile;
class RecordingWriter;

// Records a live connection to a file. The file is opened and its header written when the
// recorder is made, so a file that cannot be written is known at once (isOpen(), error()); after
// that, lines are formatted and written by a RecordingWriter in a thread of its own, so neither the
// socket thread nor the GUI thread ever waits on the disk. Batches travel to the writer as they
// are (one queued call per batch); none is ever dropped: when the disk falls behind,
// backlogChanged says how far. When a write fails (disk full), the recording ends: failed() says
// why, and the file keeps every complete line written before.
class SessionRecorder : public QObject
{
    Q_OBJECT
public:
    // Past this many events waiting for the disk, the user is told.
    static constexpr qint64 BacklogWarningEvents = 1'000'000;

    // The redaction policy (SecretRedaction) is applied to the header and to every event written.
    SessionRecorder(const QString &path, const RecordingHeader &header,
        SecretRedaction::Policy policy, QObject *parent = nullptr);
    ~SessionRecorder() override; // finish()es
    // A recorder whose file is open, or nullptr with the reason in *error (the file cannot be
    // written). Secrets are redacted unless keepSecrets.
    static SessionRecorder *create(const QString &path, const RecordingHeader &header,
        bool keepSecrets, QObject *parent, QString *error);

    // Writes what is left, closes the file and joins the writer thread; false when the file
    // could not be written (error() says why). Nothing is recorded after.
    bool finish();

    QString path() const { return m_path; }
    bool isOpen() const { return m_error.isEmpty(); }
    QString error() const { return m_error; } // why the file could not be opened or written
    void record(const TrafficBatch &batch);
    qint64 eventsRecorded() const { return m_recorded; }
    qint64 backlog() const { return m_pending->load(); }

Q_SIGNALS:
    void failed(const QString &message);
    // Emitted when the backlog crosses BacklogWarningEvents either way.
    void backlogChanged(bool fallingBehind, qint64 waitingEvents);

private:
    void start(const QByteArray &headerLine, SecretRedaction::Policy eventPolicy);
    void checkBacklog();
    void onWriterFailed(const QString &message);

    QString m_path;
    QString m_error;
    OwnedThread m_thread;
    class QTimer *m_backlogTimer
        = nullptr; // while behind, notices the catching up even when traffic stops
    RecordingWriter *m_writer = nullptr;
    std::shared_ptr<std::atomic<qint64>> m_pending;
    qint64 m_recorded = 0;
    bool m_fallingBehind = false;
};

// Formats batches as recording lines and writes them; flushes to the OS at least every
// FlushIntervalMs, so a killed process leaves what came until a moment before (the last line may
// be cut off). Writes go straight to the OS (no buffering in QFile), so after a failed write the
// file can be cut back to the last complete line.
//
// The kernel's share of a flood is as large as the formatting (docs/architecture.md): writes
// between two flushes end at a page boundary of the file, where the page cache copies at full
// speed (an unaligned end costs 20% to 2.5x more), and while lines pour in the file is allocated
// ahead of them.
class RecordingWriter : public QObject
{
    Q_OBJECT
public:
    static constexpr int FlushIntervalMs = 200;
    // Lines are handed to the OS once this many are formatted: the buffer stays small enough to
    // be in the CPU's cache when the kernel copies it, and its pages are reused, not faulted in.
    static constexpr qsizetype FlushBytes = 256 * 1024;
    // The page size writes are aligned to; what is past the last boundary waits for the next write.
    static constexpr qsizetype PageBytes = 4096;
    // While lines pour in (a flush of FlushBytes or more), disk space is reserved ahead of the
    // writes (Linux: fallocate, the size unchanged): as much again as the file holds, from
    // MinPreallocateBytes to MaxPreallocateBytes, given back when the recording ends. A quiet
    // recording reserves nothing; a killed one leaves at most that much allocated past its end.
    static constexpr qint64 MinPreallocateBytes = 4 * FlushBytes;
    static constexpr qint64 MaxPreallocateBytes = 8 * 1024 * 1024;

    // Takes the open file, whose first writtenBytes bytes are complete lines; events are written
    // with the redaction policy applied.
    RecordingWriter(std::unique_ptr<QFile> file, qint64 writtenBytes,
        SecretRedaction::Policy policy, std::shared_ptr<std::atomic<qint64>> pending);
    ~RecordingWriter() override;

    // Opens path for writing (truncating it) and writes bytes: the file, or nullptr and why not.
    static std::unique_ptr<QFile> create(
        const QString &path, const QByteArray &bytes, QString *error);
    static QString writeError(const QString &path, const QFile &file);

public Q_SLOTS:
    void start();
    void write(const TrafficBatch &batch);
    void finish();

Q_SIGNALS:
    void failed(const QString &message);

private:
    enum class Flush { ToPageBoundary, Everything };
    void flushToDisk(Flush what);
    void preallocate(qint64 end);
    void releasePreallocated();

    std::unique_ptr<QFile> m_file;
    qint64 m_written; // bytes in the file
    qint64 m_complete; // bytes of complete lines in the file
    qint64 m_allocated = 0; // where the space allocated ahead may end
    bool m_preallocating = true; // false once the file system said no
    SecretRedaction::Policy m_policy;
    std::shared_ptr<std::atomic<qint64>> m_pending;
    class QTimer *m_timer = nullptr;
    QByteArray m_buffer;
    bool m_failed = false;
};
