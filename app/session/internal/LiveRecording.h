#pragma once

#include "RecordingFormat.h"
#include "TrafficEvent.h"

#include <QObject>

#include <functional>

class EventBatcher;
class SessionRecorder;

// The recording of one live connection or proxy pair, started and stopped in the thread that
// owns its traffic: the owner hands it every batch, and it says in the owner's log what became
// of the file (recording to it, could not be written, the disk falling behind, how many events
// were written). One place for what a connection and a proxy pair do alike.
class LiveRecording : public QObject
{
    Q_OBJECT
public:
    // How a line reaches the owner's log (in its thread).
    using Note = std::function<void(TrafficEvent::Kind kind, const QString &text)>;

    LiveRecording(EventBatcher *batcher, Note note, QObject *parent);
    ~LiveRecording() override; // finishes the file

    // Records from now on to path (replacing a recording in progress); what happened before is
    // not part of it. False, with an Error line in the log, when the file cannot be written.
    bool start(const QString &path, const RecordingHeader &header, bool keepSecrets);
    // Writes the rest (this stop's own line included) and closes the file.
    void stop();
    bool isRecording() const { return m_recorder != nullptr; }
    QString path() const;
    // Called with every batch the owner sends, before it leaves the thread.
    void record(const TrafficBatch &batch);

Q_SIGNALS:
    // Where the traffic is recorded now; empty once stopped, or when a write failed.
    void pathChanged(const QString &path);

private:
    void onFailed(const QString &message);

    EventBatcher *m_batcher;
    Note m_note;
    SessionRecorder *m_recorder = nullptr;
};
