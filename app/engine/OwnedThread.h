#pragma once

#include <QDeadlineTimer>
#include <QList>
#include <QPointer>
#include <QString>

#include <functional>

class QThread;

// One thread and the object that lives in it, ended the same way everywhere in the app
// (connections, the recording writer, the servers): request stop (a queued call into the
// thread), quit(), a bounded wait(), delete. The object is moved into the thread and deleted
// there when the thread ends, so its timers and sockets die where they were made. A thread that
// does not end in time is left running rather than deleted (deleting a running QThread aborts
// the process), and said so.
class OwnedThread
{
public:
    static constexpr int DefaultStopTimeoutMs = 5000;

    explicit OwnedThread(const QString &name);
    ~OwnedThread(); // stop()
    OwnedThread(const OwnedThread &) = delete;
    OwnedThread &operator=(const OwnedThread &) = delete;

    // Moves object into a new thread and runs inThread there first: the caller waits for it
    // when wait is set (a server learning at once whether it listens), or goes on.
    // Objects in alsoMove go to the thread too (each still owned by whoever owns it there).
    void start(QObject *object, const std::function<void()> &inThread = {}, bool wait = true,
        const QList<QObject *> &alsoMove = {});
    // Asks the thread to end: beforeQuit runs in it after what is already queued, then its loop
    // quits. Returns at once.
    void requestStop(const std::function<void()> &beforeQuit = {});
    // Waits for the thread to end until the deadline; then deletes it. False if it did not end.
    bool join(QDeadlineTimer deadline);
    bool stop(int timeoutMs = DefaultStopTimeoutMs);
    bool isRunning() const { return m_thread != nullptr; }

    // Ends many threads within one bound for all: every stop is requested first, then each is
    // joined against the same deadline.
    static bool stopAll(const QList<OwnedThread *> &threads, int totalTimeoutMs);

private:
    QString m_name;
    QThread *m_thread = nullptr;
    QPointer<QObject> m_object; // cleared when the object is deleted as its thread ends
    bool m_stopRequested = false;
};
