#include "OwnedThread.h"

#include <QObject>
#include <QThread>

OwnedThread::OwnedThread(const QString &name) : m_name(name) { }

OwnedThread::~OwnedThread()
{
    stop();
}

void OwnedThread::start(QObject *object, const std::function<void()> &inThread, bool wait,
    const QList<QObject *> &alsoMove)
{
    stop();
    m_thread = new QThread;
    m_thread->setObjectName(m_name);
    m_object = object;
    m_stopRequested = false;
    for (QObject *o : alsoMove)
        o->moveToThread(m_thread);
    object->moveToThread(m_thread);
    // deleteLater from finished() runs the delete inside the finishing thread.
    QObject::connect(m_thread, &QThread::finished, object, &QObject::deleteLater);
    m_thread->start();
    if (inThread)
        QMetaObject::invokeMethod(
            object, inThread, wait ? Qt::BlockingQueuedConnection : Qt::QueuedConnection);
}

void OwnedThread::requestStop(const std::function<void()> &beforeQuit)
{
    if (!m_thread || m_stopRequested)
        return;
    m_stopRequested = true;
    // A thread may end by itself (a one-off job); its object is gone with it.
    if (m_thread->isFinished() || !m_object)
        return;
    QThread *thread = m_thread;
    QMetaObject::invokeMethod(
        m_object.data(),
        [beforeQuit, thread] {
            if (beforeQuit)
                beforeQuit();
            thread->quit();
        },
        Qt::QueuedConnection);
}

bool OwnedThread::join(QDeadlineTimer deadline)
{
    if (!m_thread)
        return true;
    if (!m_thread->wait(deadline)) {
        qCritical("sockscope: thread %s did not stop in time; left running so the app can exit",
            qPrintable(m_name));
        m_thread = nullptr; // leaked on purpose
        m_object = nullptr;
        return false;
    }
    delete m_thread;
    m_thread = nullptr;
    m_object = nullptr;
    return true;
}

bool OwnedThread::stop(int timeoutMs)
{
    requestStop();
    return join(QDeadlineTimer(timeoutMs));
}

bool OwnedThread::stopAll(const QList<OwnedThread *> &threads, int totalTimeoutMs)
{
    for (OwnedThread *t : threads)
        t->requestStop();
    const QDeadlineTimer deadline(totalTimeoutMs);
    bool all = true;
    for (OwnedThread *t : threads)
        all = t->join(deadline) && all;
    return all;
}
