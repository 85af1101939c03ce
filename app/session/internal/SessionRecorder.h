#pragma once

#include "OwnedThread.h"

#include "RecordingFormat.h"

#include <QObject>

#include <atomic>
#include <memory>

class RecordingWriter;

// Records a live connection to a file. Lives in the connection's thread; the file is written by a
// RecordingWriter in a thread of its own, so neither the socket thread nor the GUI thread ever
// waits on the disk. Batches travel to the writer as they are (one queued call per batch); none is
// ever dropped: when the disk falls behind, backlogChanged says how far.
class SessionRecorder : public QObject
{
    Q_OBJECT
public:
    // Past this many events waiting for the disk, the user is told.
    static constexpr qint64 BacklogWarningEvents = 1'000'000;

    SessionRecorder(const QString &path, const RecordingHeader &header, QObject *parent = nullptr);
    ~SessionRecorder() override; // writes what is left, closes the file, joins the writer thread

    QString path() const { return m_path; }
    void record(const TrafficBatch &batch);
    qint64 eventsRecorded() const { return m_recorded; }
    qint64 backlog() const { return m_pending->load(); }

Q_SIGNALS:
    void failed(const QString &message);
    // Emitted when the backlog crosses BacklogWarningEvents either way.
    void backlogChanged(bool fallingBehind, qint64 waitingEvents);

private:
    void checkBacklog();

    QString m_path;
    OwnedThread m_thread;
    class QTimer *m_backlogTimer; // while behind, notices the catching up even when traffic stops
    RecordingWriter *m_writer;
    std::shared_ptr<std::atomic<qint64>> m_pending;
    qint64 m_recorded = 0;
    bool m_fallingBehind = false;
};

// Formats batches as recording lines and writes them; flushes to the OS at least every
// FlushIntervalMs, so a killed process leaves every record but the last line or so.
class RecordingWriter : public QObject
{
    Q_OBJECT
public:
    static constexpr int FlushIntervalMs = 200;
    static constexpr qsizetype FlushBytes = 4 * 1024 * 1024;

    RecordingWriter(const QString &path, const QByteArray &headerLine,
        std::shared_ptr<std::atomic<qint64>> pending);

public Q_SLOTS:
    void start();
    void write(const TrafficBatch &batch);
    void finish();

Q_SIGNALS:
    void failed(const QString &message);

private:
    void flushToDisk();

    QString m_path;
    QByteArray m_header;
    std::shared_ptr<std::atomic<qint64>> m_pending;
    class QFile *m_file = nullptr;
    class QTimer *m_timer = nullptr;
    QByteArray m_buffer;
    bool m_failed = false;
};
