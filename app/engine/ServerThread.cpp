#include "ServerThread.h"

#include <QThread>

ServerThread::ServerThread(const QString &name) : m_name(name) { }

ServerThread::~ServerThread()
{
    stop();
}

void ServerThread::start(QObject *core, const std::function<void()> &setupInThread)
{
    stop();
    m_thread = new QThread;
    m_thread->setObjectName(m_name);
    core->moveToThread(m_thread);
    QObject::connect(m_thread, &QThread::finished, core, &QObject::deleteLater);
    m_thread->start();
    QMetaObject::invokeMethod(core, setupInThread, Qt::BlockingQueuedConnection);
}

void ServerThread::stop()
{
    if (!m_thread)
        return;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}
