#pragma once

#include <QtGlobal>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

class QJSEngine;

// Stops runaway scripts. One thread for the whole process, running only while a script exists,
// looks every few milliseconds at each script's call in progress and interrupts the engine of one
// that has run longer than its budget (QJSEngine::setInterrupted may be called from any thread).
// A call costs its script two atomic operations and a clock reading: no lock, no wake-up.
class ScriptWatchdog
{
public:
    static constexpr int PollMs = 5;

    // One script's calls, as the watchdog sees them. Lives in the script's thread.
    class Watch
    {
    public:
        Watch(QJSEngine *engine, int budgetMs);
        ~Watch();
        Watch(const Watch &) = delete;
        Watch &operator=(const Watch &) = delete;

        void begin();
        // True when the call was interrupted; the engine is usable again afterwards.
        bool end();
        int budgetMs() const { return m_budgetMs; }

    private:
        friend class ScriptWatchdog;
        // 0: idle; > 0: when the call began (ns, steady clock); Interrupting/Interrupted.
        static constexpr qint64 Interrupting = -1;
        static constexpr qint64 Interrupted = -2;

        QJSEngine *m_engine;
        qint64 m_budgetNs;
        int m_budgetMs;
        std::atomic<qint64> m_began {0};
    };

    static ScriptWatchdog &instance();
    ~ScriptWatchdog();

private:
    ScriptWatchdog() = default;
    void add(Watch *watch);
    void remove(Watch *watch);
    void run();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<Watch *> m_watches;
    std::thread m_thread;
    bool m_stopping = false;
};
