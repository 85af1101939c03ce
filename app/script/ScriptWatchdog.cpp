#include "ScriptWatchdog.h"

#include <QJSEngine>

#include <algorithm>
#include <chrono>

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

ScriptWatchdog::Watch::Watch(QJSEngine *engine, int budgetMs)
    : m_engine(engine), m_budgetNs(qint64(budgetMs) * 1'000'000), m_budgetMs(budgetMs)
{
    ScriptWatchdog::instance().add(this);
}

ScriptWatchdog::Watch::~Watch()
{
    ScriptWatchdog::instance().remove(this);
}

void ScriptWatchdog::Watch::begin()
{
    m_began.store(std::max<qint64>(nowNs(), 1), std::memory_order_release);
}

bool ScriptWatchdog::Watch::end()
{
    qint64 began = m_began.load(std::memory_order_acquire);
    for (;;) {
        if (began == Interrupting) { // the watchdog is between its decision and the interrupt
            std::this_thread::yield();
            began = m_began.load(std::memory_order_acquire);
            continue;
        }
        if (m_began.compare_exchange_weak(began, 0, std::memory_order_acq_rel))
            break;
    }
    if (began != Interrupted)
        return false;
    m_engine->setInterrupted(false);
    return true;
}

ScriptWatchdog &ScriptWatchdog::instance()
{
    static ScriptWatchdog watchdog;
    return watchdog;
}

ScriptWatchdog::~ScriptWatchdog()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void ScriptWatchdog::add(Watch *watch)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_watches.push_back(watch);
        if (!m_thread.joinable())
            m_thread = std::thread([this] { run(); });
    }
    m_wake.notify_all();
}

void ScriptWatchdog::remove(Watch *watch)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_watches.erase(std::remove(m_watches.begin(), m_watches.end(), watch), m_watches.end());
}

void ScriptWatchdog::run()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_stopping) {
        if (m_watches.empty()) {
            m_wake.wait(lock, [this] { return m_stopping || !m_watches.empty(); });
            continue;
        }
        m_wake.wait_for(lock, std::chrono::milliseconds(PollMs));
        const qint64 now = nowNs();
        // Under the lock: a script cannot go away while its engine is being interrupted.
        for (Watch *watch : m_watches) {
            qint64 began = watch->m_began.load(std::memory_order_acquire);
            if (began <= 0 || now - began <= watch->m_budgetNs)
                continue;
            if (!watch->m_began.compare_exchange_strong(
                    began, Watch::Interrupting, std::memory_order_acq_rel))
                continue; // the call ended meanwhile
            watch->m_engine->setInterrupted(true);
            watch->m_began.store(Watch::Interrupted, std::memory_order_release);
        }
    }
}
