#pragma once

#include "RecordingFormat.h"

#include <QList>

#include <atomic>
#include <functional>

class QIODevice;

// Reads a recording into batches ready for a MessageLogModel. The file is read as a stream, a
// chunk at a time, so memory stays bounded by the events kept plus one line, and no line may be
// longer than MaxLineBytes. A malformed line is reported with its number and skipped, and
// everything else still loads; a file that is empty, binary, JSON of another kind, a HAR file, or
// from a newer major version gets one clear error instead.
class RecordingReader
{
public:
    // A 64 MiB binary message takes 86 MiB in base64, a text message of control characters up to
    // six times its size: 256 MiB leaves room for both at the default message limit.
    static constexpr qsizetype MaxLineBytes = 256LL * 1024 * 1024;

    struct Problem
    {
        qint64 line;
        QString message;
    };
    // (bytes read, bytes in all; 0 when not known) as reading goes on.
    using Progress = std::function<void(qint64, qint64)>;

    // False when nothing usable could be read; error() says why.
    bool read(const QString &path, const Progress &progress = {},
        const std::atomic<bool> *cancel = nullptr);
    bool readData(const QByteArray &data, const QString &name, const Progress &progress = {},
        const std::atomic<bool> *cancel = nullptr);
    bool readDevice(QIODevice &device, const QString &name, const Progress &progress = {},
        const std::atomic<bool> *cancel = nullptr);
    // Lowers the line limit (tests).
    void setMaxLineBytes(qsizetype bytes) { m_maxLineBytes = bytes; }

    QString error() const { return m_error; }
    const RecordingHeader &header() const { return m_header; }
    const QList<TrafficBatch> &batches() const { return m_batches; }
    qint64 eventCount() const { return m_events; }
    const QList<Problem> &problems() const { return m_problems; }
    // "FILE:LINE: message" for each problem.
    QStringList problemLines() const;

private:
    bool readHeader(QIODevice &device, const QByteArray &line, QByteArray &start);
    void readEvent(QByteArrayView line, qint64 lineNumber, bool complete);
    bool fail(const QString &why);
    // Reports a line past the limit; false (and the error set) when it is the first line.
    bool skipLongLine(qint64 lineNumber, bool headerRead);

    QString m_name;
    QString m_error;
    RecordingHeader m_header;
    QList<TrafficBatch> m_batches;
    qint64 m_events = 0;
    QList<Problem> m_problems;
    qsizetype m_maxLineBytes = MaxLineBytes;
    class TrafficBatchBuilder *m_builder = nullptr;
};
