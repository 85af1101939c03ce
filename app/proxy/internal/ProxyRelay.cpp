#include "ProxyRelay.h"

#include "EventBatcher.h"
#include "FrameWriter.h"
#include "ProxyPair.h"
#include "Transport.h"

#include <QRandomGenerator>
#include <QTimer>
#include <QtEndian>

#include <cstring>

using Kind = TrafficEvent::Kind;

namespace {
// A bandwidth limit sends in slices of this much of a second, so the rate holds over short spans.
constexpr qint64 SliceUs = 10'000;
// Pings forwarded and not answered yet that are remembered for timing their pongs.
constexpr int MaxPendingPings = 64;
// Consecutive forwarded bytes with the same release time share one queued segment up to this.
constexpr qsizetype MaxSegmentBytes = 256LL * 1024;
// How long an armed cut waits for the destination to acknowledge the part before it.
constexpr qint64 CutFlushBoundMs = 1000;
// How often it looks meanwhile (a loopback peer acknowledges within a few of these).
constexpr int CutPollMs = 2;
} // namespace

ProxyRelay::ProxyRelay(ProxySide from, Transport *source, Transport *destination, ProxyPair *pair,
    qint64 maxMessageSize)
    : QObject(pair)
    , m_from(from)
    , m_source(source)
    , m_destination(destination)
    , m_pair(pair)
    , m_parser(
          from == ProxySide::Client ? FrameParser::Role::Server : FrameParser::Role::Client, this)
    , m_timer(new QTimer(this))
    , m_cutPoll(new QTimer(this))
{
    m_parser.setMaxMessageSize(maxMessageSize);
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &ProxyRelay::release);
    m_cutPoll->setInterval(CutPollMs);
    connect(m_cutPoll, &QTimer::timeout, this, &ProxyRelay::cutIfDelivered);
    connect(m_destination, &Transport::bytesWritten, this, &ProxyRelay::onDestinationWritten);
}

ProxyRelay::~ProxyRelay() = default;

qint64 ProxyRelay::nowUs() const
{
    return m_pair->clock().elapsedUs();
}

void ProxyRelay::fault(const QString &text)
{
    m_pair->postFault(m_from, text);
}

void ProxyRelay::setFaults(const DirectionFaults &faults)
{
    const bool interceptEnded = m_faults.intercept && !faults.intercept;
    m_faults = faults;
    if (interceptEnded && !m_held.empty()) {
        // Nothing waits for a decision any more: what was held goes on, in order.
        fault(QStringLiteral("intercept off: %1 held messages forwarded").arg(m_held.size()));
        for (Held &h : m_held) {
            if (h.decision == Decision::None)
                h.decision = Decision::Forward;
        }
        releaseDecided();
    }
    m_nowUs = nowUs();
    release(); // a shorter latency or a lifted limit applies to what waits
}

bool ProxyRelay::receive(const char *data, qint64 size, qint64 nowUs)
{
    if (!m_cutPending.isEmpty())
        return true; // read before the source was paused: lost in the cut, as on the network
    m_nowUs = nowUs;
    const qint64 base = m_parser.bytesParsed();
    // The parser unmasks in place: a client's frames are parsed in a copy, as they must be
    // forwarded masked. A server's are read where they are: the parser refuses a masked server
    // frame before it writes a byte of it.
    char *parsed = const_cast<char *>(data);
    if (m_from == ProxySide::Client) {
        m_copy.resize(size);
        std::memcpy(m_copy.data(), data, size_t(size));
        parsed = m_copy.data();
    }
    m_holdContinuing = m_inMessage ? m_holdingMessage : holdsMessages();
    m_firstParsed = true;
    const bool ok = m_parser.feed(parsed, size);
    // Only the frames before the one that broke the rules are forwarded.
    route(data, ok ? size : qBound<qint64>(0, m_parser.errorOffset() - base, size));
    if (!ok)
        m_pair->protocolFailed(
            m_from, m_parser.errorCode(), m_parser.errorText(), m_parser.errorOffset());
    return ok;
}

void ProxyRelay::messageReceived(
    quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info)
{
    const bool held = m_firstParsed ? m_holdContinuing : holdsMessages();
    m_firstParsed = false;
    ++m_messages;
    m_payloadBytes += size;
    m_wireBytes += info.wireSize;
    EventBatcher *batcher = m_pair->batcher();
    const qint64 wallMs = m_pair->clock().wallMsAt(m_nowUs);
    TrafficEvent &e = batcher->appendRaw(opcode == WireOpcode::Text ? Kind::Text : Kind::Binary,
        direction(), m_nowUs, wallMs, data, size);
    info.applyTo(e);
    batcher->commit();
    if (!held || m_stopped)
        return;
    Decoded d;
    d.binary = opcode == WireOpcode::Binary;
    d.compressed = info.compressed;
    if (m_script) {
        d.scripted = true;
        d.verdict = m_script->message(direction(), d.binary, data, size, wallMs);
    }
    // Only a message the user decides on needs its decoded payload kept.
    if (m_faults.intercept && d.verdict.kind == ScriptHost::Verdict::Kind::Pass)
        d.payload = QByteArray(data, size);
    m_heldDecoded.push_back(std::move(d));
}

void ProxyRelay::controlReceived(
    quint8 opcode, const char *data, qint64 size, const WireFrameInfo &info)
{
    m_wireBytes += info.wireSize;
    const qint64 wallMs = m_pair->clock().wallMsAt(m_nowUs);
    EventBatcher *batcher = m_pair->batcher();
    switch (opcode) {
    case WireOpcode::Ping: {
        TrafficEvent &e = batcher->appendRaw(Kind::Ping, direction(), m_nowUs, wallMs, data, size);
        info.applyTo(e);
        batcher->commit();
        if (m_faults.dropPings) {
            fault(QStringLiteral("ping from the %1 dropped").arg(proxySideName(m_from)));
        } else {
            if (m_pings.size() >= MaxPendingPings)
                m_pings.removeFirst();
            // Its departure is known once it is routed (its own jittered delay, behind what is
            // queued): until then, the time it arrived.
            m_pings.append({QByteArray(data, size), m_nowUs, false});
        }
        break;
    }
    case WireOpcode::Pong: {
        const qint64 rtt = m_pair->pingAnswered(m_from, QByteArrayView(data, size), m_nowUs);
        TrafficEvent &e = batcher->appendRaw(Kind::Pong, direction(), m_nowUs, wallMs, data, size);
        info.applyTo(e);
        e.durationUs = rtt;
        batcher->commit();
        if (m_faults.dropPongs)
            fault(QStringLiteral("pong from the %1 dropped").arg(proxySideName(m_from)));
        break;
    }
    case WireOpcode::Close: {
        const quint16 code = size >= 2 ? qFromBigEndian<quint16>(data) : 1005;
        const QString reason = size > 2 ? QString::fromUtf8(data + 2, size - 2) : QString();
        TrafficEvent e;
        e.kind = Kind::CloseFrame;
        e.direction = direction();
        e.timeUs = m_nowUs;
        e.wallMs = wallMs;
        e.code = code;
        e.text = reason;
        info.applyTo(e);
        batcher->append(std::move(e));
        m_pair->closeFrameSeen(m_from, code, reason);
        break;
    }
    default:
        break;
    }
}

void ProxyRelay::pingRouted(qint64 delayUs)
{
    // When it leaves: its own delay, never before what is queued ahead of it, nor a stall's end.
    qint64 due = m_nowUs + delayUs;
    if (!m_queue.empty())
        due = qMax(due, m_queue.back().dueUs);
    due = qMax(due, m_stalledUntilUs);
    for (PendingPing &ping : m_pings) {
        if (!ping.routed) {
            ping.forwardedUs = due;
            ping.routed = true;
            return;
        }
    }
}

qint64 ProxyRelay::answerPing(QByteArrayView payload, qint64 nowUs)
{
    for (qsizetype i = m_pings.size() - 1; i >= 0; --i) {
        if (m_pings.at(i).payload == payload) {
            const qint64 rtt = qMax<qint64>(0, nowUs - m_pings.at(i).forwardedUs);
            m_pings.remove(0, i + 1);
            return rtt;
        }
    }
    return -1;
}

ProxyRelay::Route ProxyRelay::decide(const FrameHeader &frame)
{
    if (m_stopped || m_sourceClosed)
        return Route::Drop;
    if (frame.opcode == WireOpcode::Close && m_closeAnswersProxy) {
        m_sourceClosed = true;
        return Route::Drop;
    }
    if (WireOpcode::isControl(frame.opcode)) {
        if ((frame.opcode == WireOpcode::Ping && m_faults.dropPings)
            || (frame.opcode == WireOpcode::Pong && m_faults.dropPongs))
            return Route::Drop;
        return Route::Forward;
    }
    if (frame.opcode != WireOpcode::Continuation) {
        m_messageBytes = 0;
        m_holdingMessage = holdsMessages();
    }
    if (m_holdingMessage)
        return Route::Hold;
    if (m_cutOver >= 0 && m_messageBytes + frame.length > m_cutOver) {
        // This frame takes the message over the limit: its header and the payload bytes up to
        // the limit go on (never its last byte), then both connections are reset.
        m_cutLeft = qBound<qint64>(0, m_cutOver - m_messageBytes, frame.length - 1);
        m_cutInFrame = m_cutLeft;
        return Route::Cut;
    }
    m_messageBytes += frame.length;
    return Route::Forward;
}

void ProxyRelay::cutHere()
{
    m_cutPending = QStringLiteral("cut in the middle of a message from the %1 over %2 bytes: "
                                  "%3 bytes of it forwarded, %4 of its %5-byte frame")
                       .arg(proxySideName(m_from))
                       .arg(m_cutOver)
                       .arg(m_messageBytes + m_cutInFrame)
                       .arg(m_cutInFrame)
                       .arg(m_splitter.frame().length);
    m_cutOver = -1;
    // Nothing after the cut point is relayed: the source waits, unread, for the reset.
    m_sourcePaused = true;
    m_source->setReadingPaused(true);
    cutIfDelivered();
}

void ProxyRelay::cutIfDelivered()
{
    if (m_cutPending.isEmpty() || !m_queue.empty())
        return;
    // A reset drops what the destination has not acknowledged, the kernel's send queue
    // included: the part before the cut reaches it first, within a bound (a destination that
    // reads nothing more, or a shutdown, is not waited for longer).
    if (m_destination->bytesNotAcknowledged() > 0) {
        const qint64 now = nowUs();
        if (m_cutDeadlineUs < 0)
            m_cutDeadlineUs = now + CutFlushBoundMs * 1000;
        if (now < m_cutDeadlineUs) {
            if (!m_cutPoll->isActive())
                m_cutPoll->start();
            return;
        }
    }
    m_cutPoll->stop();
    m_pair->cutNow(std::exchange(m_cutPending, {}));
}

void ProxyRelay::route(const char *data, qint64 size)
{
    // Consecutive forwarded pieces with the same delay go out as one run: no per-frame write on
    // a flood (without jitter, every frame of a read has the same delay).
    const char *runStart = nullptr;
    qint64 runSize = 0;
    bool runEndsFrame = true;
    qint64 runDelayUs = m_frameDelayUs;
    const auto flushRun = [&] {
        if (runSize > 0)
            forward(runStart, runSize, runEndsFrame, runDelayUs);
        runSize = 0;
    };
    qint64 at = 0;
    while (at < size && !m_stopped) {
        FrameSplitter::Piece piece;
        at += m_splitter.next(data + at, size - at, &piece);
        if (piece.size == 0)
            continue;
        if (piece.isHeader) {
            m_route = decide(m_splitter.frame());
            // Each frame draws its own delay; the pieces of a frame split across reads keep it.
            m_frameDelayUs = delayUs();
            if (m_splitter.frame().opcode == WireOpcode::Ping && m_route == Route::Forward)
                pingRouted(m_frameDelayUs);
            if (m_frameDelayUs != runDelayUs) {
                flushRun();
                runDelayUs = m_frameDelayUs;
            }
        }
        switch (m_route) {
        case Route::Forward:
            if (runSize > 0 && piece.data == runStart + runSize) {
                runSize += piece.size;
            } else {
                flushRun();
                runStart = piece.data;
                runSize = piece.size;
            }
            runEndsFrame = piece.endsFrame;
            break;
        case Route::Drop:
            flushRun();
            break;
        case Route::Hold:
            flushRun();
            m_heldRaw.append(piece.data, piece.size);
            break;
        case Route::Cut: {
            flushRun();
            const qint64 n = piece.isHeader ? piece.size : qMin(piece.size, m_cutLeft);
            forward(piece.data, n, false, m_frameDelayUs);
            if (!piece.isHeader)
                m_cutLeft -= n;
            if (m_cutLeft <= 0) {
                cutHere();
                return;
            }
            break;
        }
        }
        if (piece.endsFrame) {
            frameEnded(m_splitter.frame());
            if (!m_pendingOwn.isEmpty()) {
                flushRun();
                sendPendingOwn();
            }
        }
    }
    flushRun();
}

void ProxyRelay::frameEnded(const FrameHeader &frame)
{
    if (WireOpcode::isControl(frame.opcode))
        return;
    m_inMessage = !frame.fin;
    if (m_route == Route::Forward)
        m_forwardedInMessage = !frame.fin;
    if (frame.fin && m_route == Route::Hold) {
        completeHeld();
        m_holdingMessage = false;
    }
}

qint64 ProxyRelay::delayUs() const
{
    if (m_faults.latencyMs <= 0)
        return 0;
    qint64 us = m_faults.latencyMs * 1000LL;
    if (m_faults.jitterMs > 0) {
        const qint64 j = m_faults.jitterMs * 1000LL;
        us += qint64(QRandomGenerator::global()->bounded(quint64(2 * j + 1))) - j;
    }
    return qMax<qint64>(0, us);
}

void ProxyRelay::forward(const char *data, qint64 size, bool endsFrame, qint64 delay)
{
    if (m_stopped || size <= 0)
        return;
    if (m_queue.empty() && delay == 0 && m_stalledUntilUs <= m_nowUs
        && m_faults.bandwidthKiBps == 0) {
        m_destination->write(data, size);
        m_destinationAtBoundary = endsFrame;
        checkBackpressure();
        return;
    }
    // Never earlier than what is queued before it: jitter does not reorder frames.
    qint64 due = m_nowUs + delay;
    if (!m_queue.empty())
        due = qMax(due, m_queue.back().dueUs);
    if (!m_queue.empty() && m_queue.back().dueUs == due && m_queue.back().offset == 0
        && m_queue.back().bytes.size() + size <= MaxSegmentBytes) {
        m_queue.back().bytes.append(data, size);
        m_queue.back().endsFrame = endsFrame;
    } else {
        m_queue.push_back({QByteArray(data, size), due, endsFrame});
    }
    m_queuedBytes += size;
    if (m_stallActive)
        m_stallHeldBytes += size;
    checkBackpressure();
    if (!m_timer->isActive())
        release();
}

void ProxyRelay::arm(qint64 dueUs)
{
    const qint64 waitUs = dueUs - nowUs();
    m_timer->start(
        int(qBound<qint64>(0, (waitUs + 999) / 1000, qint64(ProxyFaults::MaxLatencyMs))));
}

void ProxyRelay::release()
{
    const qint64 now = nowUs();
    if (m_stallActive && now >= m_stalledUntilUs) {
        m_stallActive = false;
        fault(QStringLiteral("%1->%2 released: %3 bytes had been held")
                  .arg(proxySideName(m_from),
                      proxySideName(
                          m_from == ProxySide::Client ? ProxySide::Server : ProxySide::Client))
                  .arg(m_stallHeldBytes));
        m_stallHeldBytes = 0;
    }
    while (!m_queue.empty() && !m_stopped) {
        if (m_stalledUntilUs > now) {
            arm(m_stalledUntilUs);
            return;
        }
        Segment &s = m_queue.front();
        if (s.dueUs > now) {
            arm(s.dueUs);
            return;
        }
        qint64 n = s.bytes.size() - s.offset;
        if (m_faults.bandwidthKiBps > 0) {
            if (m_nextSendUs > now) {
                arm(m_nextSendUs);
                return;
            }
            const qint64 bytesPerSecond = m_faults.bandwidthKiBps * 1024LL;
            n = qMin(n, qMax<qint64>(1, bytesPerSecond * SliceUs / 1'000'000));
            m_nextSendUs = qMax(m_nextSendUs, now - SliceUs) + n * 1'000'000 / bytesPerSecond;
        }
        m_destination->write(s.bytes.constData() + s.offset, n);
        s.offset += n;
        m_queuedBytes -= n;
        const bool whole = s.offset == s.bytes.size();
        m_destinationAtBoundary = whole && s.endsFrame;
        if (whole)
            m_queue.pop_front();
    }
    if (m_stallActive)
        arm(m_stalledUntilUs);
    onDestinationWritten();
}

void ProxyRelay::checkBackpressure()
{
    if (m_sourcePaused || m_stopped)
        return;
    if (m_queuedBytes + m_heldBytes + m_destination->bytesToWrite() > HighWaterBytes) {
        m_sourcePaused = true;
        m_source->setReadingPaused(true);
    }
}

void ProxyRelay::onDestinationWritten()
{
    if (!m_cutPending.isEmpty()) {
        cutIfDelivered();
        return;
    }
    if (m_sourcePaused
        && m_queuedBytes + m_heldBytes + m_destination->bytesToWrite() <= HighWaterBytes / 2) {
        m_sourcePaused = false;
        m_source->setReadingPaused(false);
    }
    if (m_queue.empty() && m_destination->bytesToWrite() == 0)
        Q_EMIT drained();
}

void ProxyRelay::stall(int forMs)
{
    m_nowUs = nowUs();
    m_stalledUntilUs = qMax(m_stalledUntilUs, m_nowUs + forMs * 1000LL);
    m_stallActive = true;
    m_stallHeldBytes = 0;
    fault(
        QStringLiteral("%1->%2 stalled for %3 ms")
            .arg(proxySideName(m_from),
                proxySideName(m_from == ProxySide::Client ? ProxySide::Server : ProxySide::Client))
            .arg(forMs));
    arm(m_stalledUntilUs);
}

bool ProxyRelay::destinationMidFrame() const
{
    // The frame being split is partly written (or queued) to the destination.
    return m_splitter.remaining() > 0 && (m_route == Route::Forward || m_route == Route::Cut);
}

void ProxyRelay::sendOwnFrame(const QByteArray &frame, bool isData)
{
    m_nowUs = nowUs();
    if (destinationMidFrame() || (isData && m_forwardedInMessage) || !m_pendingOwn.isEmpty()) {
        m_pendingOwn.append({frame, isData});
        return;
    }
    forward(frame.constData(), frame.size(), true, delayUs());
}

void ProxyRelay::sendPendingOwn()
{
    while (!m_pendingOwn.isEmpty()) {
        const auto &[frame, isData] = m_pendingOwn.first();
        if (destinationMidFrame() || (isData && m_forwardedInMessage))
            return;
        forward(frame.constData(), frame.size(), true, delayUs());
        m_pendingOwn.removeFirst();
    }
}

void ProxyRelay::completeHeld()
{
    Held h;
    h.id = m_nextHeldId++;
    h.raw = std::exchange(m_heldRaw, {});
    if (m_heldDecoded.empty()) {
        // Not decoded as held (intercept changed in the middle of it): it goes on as it came.
        forward(h.raw.constData(), h.raw.size(), true, delayUs());
        return;
    }
    Decoded d = std::move(m_heldDecoded.front());
    m_heldDecoded.pop_front();
    h.binary = d.binary;
    h.compressed = d.compressed;
    m_heldBytes += h.raw.size();
    if (d.scripted && (d.verdict.kind != ScriptHost::Verdict::Kind::Pass || !m_faults.intercept)) {
        // The script decided (a message it passed under intercept still waits for the user).
        using VerdictKind = ScriptHost::Verdict::Kind;
        h.decision = d.verdict.kind == VerdictKind::Pass ? Decision::Forward
            : d.verdict.kind == VerdictKind::Replace     ? Decision::Replace
                                                         : Decision::Drop;
        h.replacement = std::move(d.verdict.payload);
        h.replacementBinary = d.verdict.binary;
        if (h.decision == Decision::Drop) // a replacement shows as its own (edited) row
            fault(QStringLiteral("the script dropped a message from the %1")
                      .arg(proxySideName(m_from)));
        warnIfCompressed(h);
        m_held.push_back(std::move(h));
        releaseDecided();
        return;
    }
    m_held.push_back(h);
    m_pair->announceHeld(m_from, h.id, d.binary, d.payload);
    checkBackpressure();
}

void ProxyRelay::decideHeld(
    quint64 heldId, Decision decision, bool binary, const QByteArray &payload)
{
    for (Held &h : m_held) {
        if (h.id != heldId || h.decision != Decision::None)
            continue;
        h.decision = decision;
        h.replacement = payload;
        h.replacementBinary = binary;
        fault(QStringLiteral("held message #%1 from the %2 %3")
                  .arg(heldId)
                  .arg(proxySideName(m_from),
                      decision == Decision::Forward ? QStringLiteral("forwarded")
                          : decision == Decision::Replace
                          ? QStringLiteral("replaced (%1 bytes)").arg(payload.size())
                          : QStringLiteral("dropped")));
        warnIfCompressed(h);
        releaseDecided();
        return;
    }
}

void ProxyRelay::warnIfCompressed(const Held &held)
{
    if (held.decision != Decision::Forward && held.compressed)
        fault(QStringLiteral("the message was compressed: with context takeover, the %1's "
                             "later messages may no longer inflate")
                  .arg(proxySideName(
                      m_from == ProxySide::Client ? ProxySide::Server : ProxySide::Client)));
}

void ProxyRelay::releaseDecided()
{
    m_nowUs = nowUs();
    while (!m_held.empty() && m_held.front().decision != Decision::None) {
        Held h = std::move(m_held.front());
        m_held.pop_front();
        m_heldBytes -= h.raw.size();
        if (h.decision == Decision::Forward) {
            sendOwnFrame(h.raw, true);
        } else if (h.decision == Decision::Replace) {
            m_pair->logOwnMessage(
                m_from, h.replacementBinary, h.replacement, TrafficEvent::Origin::Edited);
            QByteArray frame;
            FrameWriter::appendFrame(frame,
                h.replacementBinary ? WireOpcode::Binary : WireOpcode::Text, true, h.replacement,
                m_from == ProxySide::Client);
            sendOwnFrame(frame, true);
        }
    }
    onDestinationWritten();
}

bool ProxyRelay::stopRelaying()
{
    m_stopped = true;
    m_timer->stop();
    // Queued segments were never written: the stream ends where the last write ended.
    m_queue.clear();
    m_queuedBytes = 0;
    m_held.clear();
    m_heldBytes = 0;
    m_pendingOwn.clear();
    m_cutPending.clear();
    m_cutPoll->stop();
    // Nothing waits any more: the source is read again (what it sends now is only logged).
    if (m_sourcePaused) {
        m_sourcePaused = false;
        m_source->setReadingPaused(false);
    }
    return m_destinationAtBoundary;
}
