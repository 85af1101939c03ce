#pragma once

#include "RecordingFormat.h"

#include <QList>

#include <atomic>
#include <functional>

// Reads a recording file into batches ready for a MessageLogModel. A malformed line is reported
// with its number and skipped, and everything else still loads; a file that is empty, binary,
// JSON of another kind, or from a newer major version gets one clear error instead.
class RecordingReader
{
public:
    struct Problem
    {
        qint64 line;
        QString message;
    };
    // (bytes read, bytes in all) as reading goes on.
    using Progress = std::function<void(qint64, qint64)>;

    // False when nothing usable could be read; error() says why.
    bool read(const QString &path, const Progress &progress = {},
        const std::atomic<bool> *cancel = nullptr);
    bool readData(const QByteArray &data, const QString &name, const Progress &progress = {},
        const std::atomic<bool> *cancel = nullptr);

    QString error() const { return m_error; }
    const RecordingHeader &header() const { return m_header; }
    const QList<TrafficBatch> &batches() const { return m_batches; }
    qint64 eventCount() const { return m_events; }
    const QList<Problem> &problems() const { return m_problems; }
    // "FILE:LINE: message" for each problem.
    QStringList problemLines() const;

private:
    QString m_name;
    QString m_error;
    RecordingHeader m_header;
    QList<TrafficBatch> m_batches;
    qint64 m_events = 0;
    QList<Problem> m_problems;
};
