#include "ScriptHost.h"

#include "ScriptApi.h"
#include "ScriptPrelude.h"

#include <QTimer>

using Note = TrafficEvent::ScriptNote;

namespace {
constexpr double MaxTimerMs = 24.0 * 60 * 60 * 1000;
} // namespace

ScriptHost::ScriptHost(const ScriptSource &source, Connection *connection, QObject *parent)
    : QObject(parent)
    , m_source(source)
    , m_connection(connection)
    , m_watch(std::make_unique<ScriptWatchdog::Watch>(
          &m_engine, qBound(ScriptSource::MinBudgetMs, source.budgetMs, ScriptSource::MaxBudgetMs)))
    , m_api(new ScriptApi(this))
{
    // No extensions (console, gc, qsTr): the script sees ECMAScript and the prelude's API only.
    m_messageArgs.reserve(4);
    for (int i = 0; i < 4; ++i)
        m_messageArgs.append(QJSValue());
}

ScriptHost::~ScriptHost()
{
    stopTimers();
    m_watch.reset(); // before the engine goes: the watchdog must not interrupt a dead engine
}

QJSValue ScriptHost::guardedCall(
    const char *what, const QJSValue &function, const QJSValueList &args)
{
    const bool outermost = m_depth++ == 0;
    if (outermost)
        m_watch->begin();
    QJSValue result = function.call(args);
    --m_depth;
    if (outermost && m_watch->end()) {
        report(Note::Error,
            QStringLiteral("%1 ran longer than %2 ms and was interrupted")
                .arg(QLatin1String(what))
                .arg(m_watch->budgetMs()),
            0);
        return QJSValue();
    }
    return result;
}

QString ScriptHost::syntaxProblem(const ScriptSource &source)
{
    if (source.code.size() > ScriptSource::MaxCodeBytes)
        return QStringLiteral("%1: the script is larger than %2 MiB")
            .arg(source.name)
            .arg(ScriptSource::MaxCodeMiB);
    // A script is parsed whole before its first statement runs: one that throws at once, on
    // the script's first line, keeps the line numbers and runs nothing of the user's.
    QJSEngine engine;
    const QJSValue result
        = engine.evaluate(QStringLiteral("throw 0;") + source.code, source.name, 1);
    if (!result.isError())
        return {};
    const int line = result.property(QStringLiteral("lineNumber")).toInt();
    return line > 0 ? QStringLiteral("%1:%2: %3").arg(source.name).arg(line).arg(result.toString())
                    : QStringLiteral("%1: %2").arg(source.name, result.toString());
}

bool ScriptHost::load()
{
    if (m_source.code.size() > ScriptSource::MaxCodeBytes) {
        report(Note::LoadFailed,
            QStringLiteral("the script is larger than %1 MiB: not loaded")
                .arg(ScriptSource::MaxCodeMiB),
            0);
        return false;
    }
    const QJSValue factory = m_engine.evaluate(ScriptPrelude::source(), ScriptPrelude::fileName());
    if (!factory.isCallable()) { // a bug of ours, not the user's
        report(Note::LoadFailed,
            QStringLiteral("internal error in the script API: %1").arg(factory.toString()), 0);
        return false;
    }
    // Qt 6.4's engine has no globalThis: the global object is handed in.
    m_prelude = factory.call({m_engine.newQObject(m_api), m_engine.globalObject()});
    if (m_prelude.isError() || !m_prelude.isObject()) {
        report(Note::LoadFailed,
            QStringLiteral("internal error in the script API: %1 (line %2)")
                .arg(m_prelude.toString())
                .arg(m_prelude.property(QStringLiteral("lineNumber")).toInt()),
            0);
        return false;
    }
    m_open = m_prelude.property(QStringLiteral("open"));
    m_close = m_prelude.property(QStringLiteral("close"));
    m_message = m_prelude.property(QStringLiteral("message"));
    m_timer = m_prelude.property(QStringLiteral("timer"));
    m_drop = m_prelude.property(QStringLiteral("DROP"));
    m_incoming = QJSValue(QStringLiteral("incoming"));
    m_outgoing = QJSValue(QStringLiteral("outgoing"));

    // The top level runs under the budget too: an endless loop there is interrupted as well.
    m_depth = 1;
    m_watch->begin();
    QStringList trace;
    const QJSValue result
        = m_engine.evaluate(m_source.code, ScriptPrelude::scriptFileName(), 1, &trace);
    m_depth = 0;
    if (m_watch->end()) {
        report(Note::LoadFailed,
            QStringLiteral("the script's top level ran longer than %1 ms and was interrupted")
                .arg(m_watch->budgetMs()),
            0);
        return false;
    }
    if (result.isError() || !trace.isEmpty()) {
        const int line
            = result.isError() ? result.property(QStringLiteral("lineNumber")).toInt() : 0;
        report(Note::LoadFailed,
            result.isError() ? result.toString()
                             : QStringLiteral("uncaught %1").arg(result.toString()),
            line);
        return false;
    }
    m_loaded = true;
    m_handlesMessages = m_prelude.property(QStringLiteral("handles"))
                            .callWithInstance(m_prelude, {QJSValue(QStringLiteral("onMessage"))})
                            .toBool();
    return true;
}

void ScriptHost::opened()
{
    if (m_loaded)
        guardedCall("onOpen", m_open, {});
}

ScriptHost::Verdict ScriptHost::message(
    TrafficEvent::Direction direction, bool binary, const char *data, qint64 size, qint64 wallMs)
{
    Verdict verdict;
    if (!m_handlesMessages)
        return verdict;
    m_messageArgs[0] = binary ? m_engine.toScriptValue(QByteArray(data, qsizetype(size)))
                              : QJSValue(QString::fromUtf8(data, qsizetype(size)));
    m_messageArgs[1] = direction == TrafficEvent::Direction::Outgoing ? m_outgoing : m_incoming;
    m_messageArgs[2] = QJSValue(double(wallMs));
    m_messageArgs[3] = QJSValue(double(size));
    const QJSValue result = guardedCall("onMessage", m_message, m_messageArgs);
    m_messageArgs[0] = QJSValue(); // the payload is not kept alive until the next message
    if (result.isUndefined() || result.isNull())
        return verdict;
    if (result.strictlyEquals(m_drop)) {
        verdict.kind = Verdict::Kind::Drop;
    } else if (result.isString()) {
        verdict.kind = Verdict::Kind::Replace;
        verdict.payload = result.toString().toUtf8();
    } else {
        verdict.kind = Verdict::Kind::Replace;
        verdict.binary = true;
        verdict.payload = m_engine.fromScriptValue<QByteArray>(result);
    }
    return verdict;
}

void ScriptHost::closed(quint16 code, const QString &reason)
{
    // Timers belong to the connection that closed: a heartbeat must not outlive it.
    stopTimers();
    if (m_loaded)
        guardedCall("onClose", m_close, {QJSValue(int(code)), QJSValue(reason)});
}

void ScriptHost::report(Note note, const QString &text, int line, const QString &detail)
{
    m_connection->scriptOutput(note, text, line, detail);
}

int ScriptHost::addTimer(double ms, const QJSValue &function, bool repeat)
{
    const char *name = repeat ? "ctx.every" : "ctx.after";
    if (!function.isCallable()) {
        m_engine.throwError(QJSValue::TypeError,
            QStringLiteral("%1(ms, fn): fn is not a function").arg(QLatin1String(name)));
        return 0;
    }
    if (!(ms >= (repeat ? 1 : 0) && ms <= MaxTimerMs)) {
        m_engine.throwError(QJSValue::RangeError,
            QStringLiteral("%1: %2 ms is out of range (%3 to 86400000)")
                .arg(QLatin1String(name))
                .arg(ms)
                .arg(repeat ? 1 : 0));
        return 0;
    }
    if (m_timers.size() >= MaxTimers) {
        m_engine.throwError(QJSValue::RangeError,
            QStringLiteral("%1: at most %2 timers may be pending")
                .arg(QLatin1String(name))
                .arg(MaxTimers));
        return 0;
    }
    const int id = m_nextTimerId++;
    auto *timer = new QTimer(this);
    timer->setSingleShot(!repeat);
    timer->setTimerType(Qt::PreciseTimer);
    connect(timer, &QTimer::timeout, this, [this, id, repeat] {
        const auto it = m_timers.constFind(id);
        if (it == m_timers.cend())
            return;
        const QJSValue function = it->function;
        if (!repeat)
            cancelTimer(id);
        guardedCall(repeat ? "a ctx.every timer" : "a ctx.after timer", m_timer, {function});
    });
    m_timers.insert(id, {timer, function});
    timer->start(int(ms));
    return id;
}

void ScriptHost::cancelTimer(int id)
{
    const auto it = m_timers.constFind(id);
    if (it == m_timers.cend())
        return;
    it->timer->deleteLater();
    m_timers.erase(it);
}

void ScriptHost::stopTimers()
{
    for (const Timer &t : std::as_const(m_timers)) {
        t.timer->stop();
        t.timer->deleteLater();
    }
    m_timers.clear();
}
