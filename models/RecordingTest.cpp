#include "RecordingTest.h"

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

const QChar CheckMark(0x2713);
const QChar CrossMark(0x2717);

RecordingTest::Message messageOf(const TrafficBatch &batch, const TrafficEvent &e, qint64 index)
{
    return {{e.kind == Kind::Binary, batch.payload(e)}, e.timeUs, index};
}

// The same without copying the payload: it points into the batch's buffer, which the caller keeps
// alive (and never changes).
RecordingTest::Message borrowedMessageOf(
    const TrafficBatch &batch, const TrafficEvent &e, qint64 index)
{
    if (e.payloadOffset < 0)
        return messageOf(batch, e, index);
    const QByteArrayView bytes = batch.payloadView(e);
    return {{e.kind == Kind::Binary, QByteArray::fromRawData(bytes.data(), bytes.size())}, e.timeUs,
        index};
}

QString padded(const QString &text, qsizetype width)
{
    return text + QString(std::max<qsizetype>(0, width - text.size()), QLatin1Char(' '));
}

QString plural(qsizetype n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

} // namespace

RecordingTest::RecordingTest(const QList<TrafficBatch> &recorded, const Options &options)
    : m_recordedBatches(recorded)
    , m_plan(ReplayPlan::fromBatches(recorded))
    , m_options(options)
    , m_comparison(options.ignore)
{
    m_recorded.append(Step {});
    qint64 index = 0;
    for (const TrafficBatch &batch : std::as_const(m_recordedBatches)) {
        for (const TrafficEvent &e : batch.events) {
            const qint64 at = index++;
            if (!e.isMessage())
                continue;
            if (e.direction == Direction::Outgoing) {
                Step step;
                step.hasSent = true;
                step.sent = borrowedMessageOf(batch, e, at);
                m_recorded.append(step);
            } else if (e.direction == Direction::Incoming) {
                m_recorded.last().replies.append(borrowedMessageOf(batch, e, at));
            }
        }
    }
    // The plan's items are the same client messages, in the same order.
    for (qsizetype i = 0; i < m_plan.items.size() && i + 1 < m_recorded.size(); ++i)
        m_plan.items[i].replies = int(m_recorded.at(i + 1).replies.size());
    m_plan.initialReplies = int(m_recorded.first().replies.size());
    m_plan.waitForReply = true;
    m_plan.waitAfterLast = true;
}

ReplayPlan RecordingTest::plan(double speed, int timeoutMs) const
{
    ReplayPlan plan = m_plan;
    plan.speed = speed;
    plan.replyTimeoutMs = timeoutMs;
    return plan;
}

void RecordingTest::addLive(const TrafficBatch &batch)
{
    if (m_finished)
        return;
    for (const TrafficEvent &e : batch.events) {
        if (!e.isMessage())
            continue;
        if (e.direction == Direction::Outgoing) {
            endLiveStep(e.timeUs);
            m_live.hasSent = true;
            m_live.sent = messageOf(batch, e, -1);
        } else if (e.direction == Direction::Incoming) {
            const qsizetype expected
                = m_liveStep < m_recorded.size() ? m_recorded.at(m_liveStep).replies.size() : 0;
            if (m_live.replies.size() < expected + MaxExtraKept)
                m_live.replies.append(messageOf(batch, e, -1));
            else
                ++m_live.repliesNotKept;
        }
    }
}

void RecordingTest::endLiveStep(qint64 endUs)
{
    m_live.endUs = endUs;
    // Step 0 counts only when the recording or the server has something in it.
    if (m_liveStep > 0 || !m_recorded.first().replies.isEmpty() || !m_live.replies.isEmpty()
        || m_live.repliesNotKept > 0)
        m_results.append(compareStep(m_liveStep, m_live));
    m_live = Step {};
    ++m_liveStep;
}

void RecordingTest::finish(qint64 endUs)
{
    if (m_finished)
        return;
    endLiveStep(endUs);
    for (; m_liveStep < m_recorded.size(); ++m_liveStep) {
        StepResult result = compareStep(m_liveStep, Step {});
        result.reached = false;
        result.passed = false;
        m_results.append(result);
    }
    m_finished = true;
}

RecordingTest::StepResult RecordingTest::compareStep(int number, const Step &live) const
{
    StepResult result;
    result.number = number;
    result.reached = number == 0 || live.hasSent;
    result.extraNotKept = live.repliesNotKept;
    if (live.hasSent && live.endUs >= live.sent.timeUs)
        result.durationUs = live.endUs - live.sent.timeUs;
    const Step recorded = number < m_recorded.size() ? m_recorded.at(number) : Step {};
    if (recorded.hasSent)
        result.sent = MessageComparison::describe(recorded.sent.content);

    const qsizetype nRecorded = recorded.replies.size();
    const qsizetype nLive = live.replies.size();
    QList<bool> liveUsed(nLive, false);
    QList<int> pairedWith(nRecorded, -1);
    if (m_options.unordered) {
        // Each recorded reply takes the first live reply of the step that matches it.
        for (qsizetype r = 0; r < nRecorded; ++r) {
            for (qsizetype l = 0; l < nLive; ++l) {
                if (!liveUsed.at(l)
                    && m_comparison.matches(
                        recorded.replies.at(r).content, live.replies.at(l).content)) {
                    liveUsed[l] = true;
                    pairedWith[r] = int(l);
                    break;
                }
            }
        }
    }
    // What is left is paired in order, so that a changed reply shows its differences.
    qsizetype nextLive = 0;
    for (qsizetype r = 0; r < nRecorded; ++r) {
        if (pairedWith.at(r) >= 0)
            continue;
        while (nextLive < nLive && liveUsed.at(nextLive))
            ++nextLive;
        if (nextLive < nLive) {
            liveUsed[nextLive] = true;
            pairedWith[r] = int(nextLive);
        }
    }
    for (qsizetype r = 0; r < nRecorded; ++r) {
        MessageResult m;
        m.recorded = int(r);
        m.live = pairedWith.at(r);
        if (m.live < 0) {
            m.outcome = Outcome::Missing;
        } else {
            m.differences = m_comparison.compare(
                recorded.replies.at(r).content, live.replies.at(m.live).content);
            m.outcome = m.differences.isEmpty() ? Outcome::Matched : Outcome::Differs;
        }
        result.messages.append(m);
    }
    for (qsizetype l = 0; l < nLive; ++l) {
        if (!liveUsed.at(l)) {
            MessageResult m;
            m.outcome = Outcome::Extra;
            m.live = int(l);
            m.differences.append(
                {QString(), QString(), MessageComparison::describe(live.replies.at(l).content)});
            result.messages.append(m);
        }
    }
    result.passed = result.reached && result.extraNotKept == 0
        && std::all_of(result.messages.cbegin(), result.messages.cend(),
            [](const MessageResult &m) { return m.outcome == Outcome::Matched; });
    // The missing replies' recorded text, for the report.
    for (MessageResult &m : result.messages) {
        if (m.outcome == Outcome::Missing)
            m.differences.append({QString(),
                MessageComparison::describe(recorded.replies.at(m.recorded).content), QString()});
    }
    return result;
}

QList<RecordingTest::StepResult> RecordingTest::takeNewResults()
{
    QList<StepResult> fresh = m_results.mid(m_reported);
    m_reported = m_results.size();
    return fresh;
}

int RecordingTest::passedSteps() const
{
    return int(std::count_if(
        m_results.cbegin(), m_results.cend(), [](const StepResult &r) { return r.passed; }));
}

int RecordingTest::failedSteps() const
{
    return int(m_results.size()) - passedSteps();
}

QString RecordingTest::StepResult::summary() const
{
    if (!reached)
        return QStringLiteral("not sent: the connection ended before this step");
    QStringList parts;
    int missing = 0, extra = extraNotKept;
    for (const MessageResult &m : messages) {
        if (m.outcome == Outcome::Missing)
            ++missing;
        else if (m.outcome == Outcome::Extra)
            ++extra;
        else if (m.outcome == Outcome::Differs) {
            QStringList paths;
            for (const MessageComparison::Difference &d : m.differences)
                paths.append(d.path.isEmpty() ? QStringLiteral("the message") : d.path);
            parts.append(QStringLiteral("reply %1 differs at %2")
                             .arg(m.recorded + 1)
                             .arg(paths.join(QStringLiteral(", "))));
        }
    }
    if (missing > 0)
        parts.append(plural(missing, "reply missing", "replies missing"));
    if (extra > 0)
        parts.append(plural(extra, "extra reply", "extra replies"));
    return parts.join(QStringLiteral("; "));
}

QStringList RecordingTest::StepResult::lines() const
{
    const int replies = int(std::count_if(messages.cbegin(), messages.cend(),
        [](const MessageResult &m) { return m.outcome != Outcome::Extra; }));
    QString head = QStringLiteral("%1 step %2").arg(passed ? CheckMark : CrossMark).arg(number);
    head += number == 0 ? QStringLiteral("  (before the first message)")
                        : QStringLiteral("  ") + sent;
    head += QStringLiteral("  (%1)").arg(plural(replies, "reply", "replies"));
    QStringList out {head};
    if (passed)
        return out;
    if (!reached) {
        out.append(QStringLiteral("    ") + summary());
        return out;
    }
    // Side by side: label, path, recorded, live, in aligned columns.
    struct Row
    {
        QString label, path, recorded, live;
    };
    QList<Row> rows;
    for (const MessageResult &m : messages) {
        QString label;
        switch (m.outcome) {
        case Outcome::Matched:
            continue;
        case Outcome::Differs:
            label = QStringLiteral("reply %1").arg(m.recorded + 1);
            break;
        case Outcome::Missing:
            label = QStringLiteral("reply %1 missing").arg(m.recorded + 1);
            break;
        case Outcome::Extra:
            label = QStringLiteral("extra");
            break;
        }
        for (const MessageComparison::Difference &d : m.differences) {
            rows.append({label, d.path, d.recorded, d.live});
            label.clear();
        }
    }
    if (extraNotKept > 0)
        rows.append({QStringLiteral("extra"), QString(), QString(),
            QStringLiteral("(%1 more)").arg(extraNotKept)});
    qsizetype labelWidth = 0, pathWidth = 0, recordedWidth = 0;
    const QString recordedTag = QStringLiteral("recorded: ");
    for (const Row &r : rows) {
        labelWidth = std::max(labelWidth, r.label.size());
        pathWidth = std::max(pathWidth, r.path.size());
        if (!r.recorded.isEmpty())
            recordedWidth = std::max(recordedWidth, recordedTag.size() + r.recorded.size());
    }
    for (const Row &r : rows) {
        QString line = QStringLiteral("    ") + padded(r.label, labelWidth);
        if (pathWidth > 0)
            line += QStringLiteral("  ") + padded(r.path, pathWidth);
        const QString recorded = r.recorded.isEmpty() ? QString() : recordedTag + r.recorded;
        if (r.live.isEmpty())
            line += QStringLiteral("  ") + recorded;
        else if (recordedWidth > 0)
            line += QStringLiteral("  ") + padded(recorded, recordedWidth)
                + QStringLiteral("  live: ") + r.live;
        else
            line += QStringLiteral("  live: ") + r.live;
        while (line.endsWith(QLatin1Char(' ')))
            line.chop(1);
        out.append(line);
    }
    return out;
}

JUnitReport RecordingTest::junit(const QString &suiteName, const QString &url) const
{
    JUnitReport report;
    JUnitReport::Suite &suite = report.addSuite(suiteName);
    suite.properties.append({QStringLiteral("url"), url});
    suite.properties.append({QStringLiteral("unordered"),
        m_options.unordered ? QStringLiteral("true") : QStringLiteral("false")});
    for (const JsonPointerPattern &p : m_options.ignore)
        suite.properties.append({QStringLiteral("ignore"), p.text()});
    for (const StepResult &r : m_results) {
        JUnitReport::TestCase c;
        c.name = QStringLiteral("step %1").arg(r.number);
        if (!r.sent.isEmpty())
            c.name += QStringLiteral(": ") + r.sent;
        c.className = suiteName;
        c.seconds = double(r.durationUs) / 1e6;
        if (!r.passed) {
            c.outcome = r.reached ? JUnitReport::Outcome::Failed : JUnitReport::Outcome::Error;
            c.type = r.reached ? QStringLiteral("mismatch") : QStringLiteral("not-reached");
            c.message = r.summary();
            c.details = r.lines().join(QLatin1Char('\n'));
        }
        suite.cases.append(c);
    }
    return report;
}
