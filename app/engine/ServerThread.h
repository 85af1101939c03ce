#pragma once

#include <QString>

#include <functional>

class QObject;
class QThread;

// A thread for a server object (the demo server, the mock server, the test servers): the object
// is moved into a new thread, which deletes it when it ends; setup runs in that thread while the
// caller waits, so the caller knows at once whether the server listens.
class ServerThread
{
public:
    explicit ServerThread(const QString &name);
    ~ServerThread(); // stops and joins
    ServerThread(const ServerThread &) = delete;
    ServerThread &operator=(const ServerThread &) = delete;

    void start(QObject *core, const std::function<void()> &setupInThread);
    void stop(); // ends the thread (deleting the object) and joins it
    bool isRunning() const { return m_thread != nullptr; }

private:
    QString m_name;
    QThread *m_thread = nullptr;
};
