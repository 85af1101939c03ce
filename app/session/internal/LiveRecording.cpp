#include "LiveRecording.h"

#include "EventBatcher.h"
#include "SessionRecorder.h"

#include <utility>

using Kind = TrafficEvent::Kind;

LiveRecording::LiveRecording(EventBatcher *batcher, Note note, QObject *parent)
    : QObject(parent), m_batcher(batcher), m_note(std::move(note))
{ }

LiveRecording::~LiveRecording()
{
    // Finishes the file without a word: the owner's log may already be gone.
    SessionRecorder *recorder = std::exchange(m_recorder, nullptr);
    if (recorder) {
        disconnect(recorder, nullptr, this, nullptr);
        delete recorder;
    }
}

QString LiveRecording::path() const
{
    return m_recorder ? m_recorder->path() : QString();
}

void LiveRecording::record(const TrafficBatch &batch)
{
    if (m_recorder)
        m_recorder->record(batch); // redacted by the recorder's policy
}

bool LiveRecording::start(const QString &path, const RecordingHeader &header, bool keepSecrets)
{
    if (m_recorder)
        stop();
    m_batcher->flush(); // what happened before is not part of this recording
    QString error;
    m_recorder = SessionRecorder::create(path, header, keepSecrets, this, &error);
    if (!m_recorder) {
        m_note(Kind::Error, error);
        return false;
    }
    connect(m_recorder, &SessionRecorder::failed, this, &LiveRecording::onFailed);
    connect(
        m_recorder, &SessionRecorder::backlogChanged, this, [this](bool behind, qint64 waiting) {
            m_note(behind ? Kind::Error : Kind::Note,
                behind ? QStringLiteral(
                    "the disk is not keeping up with the recording: %L1 events waiting to be "
                    "written (none will be lost)")
                             .arg(waiting)
                       : QStringLiteral("the recording caught up with the traffic"));
        });
    m_note(Kind::Note, QStringLiteral("recording to %1").arg(path));
    Q_EMIT pathChanged(path);
    return true;
}

void LiveRecording::stop()
{
    if (!m_recorder)
        return;
    const QString path = m_recorder->path();
    m_note(Kind::Note, QStringLiteral("recording stopped: %1").arg(path));
    m_batcher->flush(); // the last events, this note included, go into the file
    const qint64 recorded = m_recorder->eventsRecorded();
    // Writes the rest and closes the file; a failure of the last write is still said (onFailed).
    delete std::exchange(m_recorder, nullptr);
    m_note(Kind::Note, QStringLiteral("%L1 events written to %2").arg(recorded).arg(path));
    Q_EMIT pathChanged({});
}

void LiveRecording::onFailed(const QString &message)
{
    m_note(Kind::Error, message);
    if (!m_recorder)
        return;
    m_recorder->deleteLater();
    m_recorder = nullptr;
    Q_EMIT pathChanged({});
}
