#pragma once

#include "ScriptSource.h"
#include "ScriptWatchdog.h"
#include "TrafficEvent.h"

#include <QHash>
#include <QJSEngine>
#include <QJSValue>
#include <QObject>

#include <memory>

class ScriptApi;
class QTimer;

// Runs one script for one connection (or one mock server client), in that connection's thread:
// its own QJSEngine, created here, with the API of docs/scripting.md and nothing else (no
// console, no modules, no file or network access: ECMAScript built-ins and ctx). Every call into
// the script is watched: one that runs longer than the budget is interrupted and reported. A
// script error never reaches the connection: it is reported with its line, and the message the
// handler was given passes unchanged. What the script says (log(), errors, test results) goes to
// the Connection, which turns it into events of its normal batches.
class ScriptHost : public QObject
{
    Q_OBJECT
public:
    // What the script can do to the connection it runs on. Implemented by the connection worker,
    // the mock server's client and (later) each direction of a proxy pair.
    class Connection
    {
    public:
        virtual void scriptSend(bool binary, const QByteArray &payload) = 0;
        virtual void scriptClose(quint16 code, const QString &reason) = 0;
        virtual void scriptOutput(
            TrafficEvent::ScriptNote note, const QString &text, int line, const QString &detail)
            = 0;

    protected:
        ~Connection() = default;
    };

    // What onMessage decided for a message. An endpoint (connect, the window, serve) sends a
    // replacement back as a reply; a proxy forwards it instead of the message; Drop: a proxy
    // forwards nothing, an endpoint sends nothing back.
    struct Verdict
    {
        enum class Kind { Pass, Replace, Drop };
        Kind kind = Kind::Pass;
        bool binary = false;
        QByteArray payload;
    };

    static constexpr int MaxTimers = 1000;

    ScriptHost(const ScriptSource &source, Connection *connection, QObject *parent = nullptr);
    ~ScriptHost() override;

    // Whether the script compiles, found without running any of it (so it may be asked in any
    // thread): empty when it does, otherwise "NAME:LINE: message" (NAME: the source's name).
    static QString syntaxProblem(const ScriptSource &source);

    // Evaluates the script (its top level, tests included). False if it could not be loaded
    // (reported with its line); the host then does nothing.
    bool load();
    const ScriptSource &source() const { return m_source; }
    // False when the script defines no onMessage: the connection need not call message().
    bool handlesMessages() const { return m_handlesMessages; }

    void opened();
    Verdict message(TrafficEvent::Direction direction, bool binary, const char *data, qint64 size,
        qint64 wallMs);
    void closed(quint16 code, const QString &reason);

private:
    friend class ScriptApi;
    struct Timer
    {
        QTimer *timer;
        QJSValue function;
    };

    // Calls into the script under the watchdog; `what` names the call if it is interrupted.
    QJSValue guardedCall(const char *what, const QJSValue &function, const QJSValueList &args);
    void report(
        TrafficEvent::ScriptNote note, const QString &text, int line, const QString &detail = {});
    int addTimer(double ms, const QJSValue &function, bool repeat);
    void cancelTimer(int id);
    void stopTimers();

    ScriptSource m_source;
    Connection *m_connection;
    QJSEngine m_engine;
    std::unique_ptr<ScriptWatchdog::Watch> m_watch;
    ScriptApi *m_api;
    QJSValue m_prelude; // the object the prelude returned
    QJSValue m_open, m_close, m_message, m_timer, m_drop;
    QJSValue m_incoming, m_outgoing;
    QJSValueList m_messageArgs; // reused: no list allocated per message
    QHash<int, Timer> m_timers;
    int m_nextTimerId = 1;
    int m_depth = 0;
    bool m_loaded = false;
    bool m_handlesMessages = false;
};
