#include "RttChart.h"

#include "HeartbeatTracker.h"
#include "Theme.h"
#include "Units.h"

#include <QPainter>
#include <QPainterPath>

RttChart::RttChart(QWidget *parent) : QWidget(parent)
{
    setMinimumHeight(110);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
    setAccessibleName(tr("Round-trip time chart"));
    setToolTip(tr("Round-trip times of the pongs; shaded: pongs overdue; red marks: missed pings"));
}

void RttChart::setData(const HeartbeatTracker *tracker, qint64 nowUs)
{
    m_tracker = tracker;
    m_nowUs = nowUs;
    update();
}

qint64 RttChart::scaleTopUs() const
{
    qint64 maxRtt = 1000; // at least 1 ms of scale
    if (m_tracker) {
        for (const RttSeries::Sample &s : m_tracker->series().samples())
            maxRtt = qMax(maxRtt, s.rttUs);
    }
    return qint64(maxRtt * 1.15);
}

QString RttChart::topLabel() const
{
    return Units::duration(scaleTopUs());
}

void RttChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const QString top = topLabel();
    // The axis makes room for its widest label, so "2.88 s" is never cut to "88 s".
    const int labelWidth
        = qMax(fm.horizontalAdvance(top), fm.horizontalAdvance(QStringLiteral("0"))) + 8;
    const QRectF area
        = QRectF(rect()).adjusted(labelWidth + 4, fm.height() / 2.0 + 2, -8, -fm.height() - 4);
    p.fillRect(rect(), palette().base());
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(area);

    // The span grows with the data, from 30 s up to the series' window (5 minutes).
    constexpr qint64 MinimumSpanUs = 30 * 1000000LL;
    const RttSeries *series = m_tracker ? &m_tracker->series() : nullptr;
    qint64 windowUs = MinimumSpanUs;
    if (series && !series->samples().isEmpty())
        windowUs
            = qBound(MinimumSpanUs, m_nowUs - series->samples().first().timeUs, series->windowUs());
    const qint64 startUs = m_nowUs - windowUs;
    const qint64 maxRtt = scaleTopUs();
    auto x = [&](qint64 t) {
        return qBound(area.left(),
            area.left() + area.width() * double(t - startUs) / double(windowUs), area.right());
    };
    auto y
        = [&](qint64 rtt) { return area.bottom() - area.height() * double(rtt) / double(maxRtt); };

    if (m_tracker) {
        const QColor shade = Theme::color(Theme::Role::StallBackground, palette());
        for (const HeartbeatTracker::Span &span : m_tracker->stalls()) {
            const qint64 end = span.endUs < 0 ? m_nowUs : span.endUs;
            if (end < startUs)
                continue;
            p.fillRect(QRectF(QPointF(x(span.startUs), area.top()), QPointF(x(end), area.bottom())),
                shade);
        }
    }

    p.setPen(Theme::color(Theme::Role::Muted, palette()));
    p.drawText(QRectF(0, area.top() - fm.height() / 2.0, area.left() - 4, fm.height()),
        Qt::AlignRight, top);
    p.drawText(QRectF(0, area.bottom() - fm.height() / 2.0, area.left() - 4, fm.height()),
        Qt::AlignRight, QStringLiteral("0"));
    p.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), fm.height()), Qt::AlignLeft,
        windowUs >= 120 * 1000000LL ? tr("-%1 min").arg(windowUs / 60000000)
                                    : tr("-%1 s").arg(windowUs / 1000000));
    p.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), fm.height()), Qt::AlignRight,
        tr("now"));

    if (!series || series->samples().isEmpty()) {
        p.drawText(area, Qt::AlignCenter, tr("No pongs yet"));
        return;
    }
    QPainterPath line;
    bool started = false;
    for (const RttSeries::Sample &s : series->samples()) {
        if (s.rttUs < 0) {
            started = false; // a gap where pings went unanswered
            continue;
        }
        const QPointF point(x(s.timeUs), y(s.rttUs));
        if (started)
            line.lineTo(point);
        else
            line.moveTo(point);
        started = true;
    }
    p.setPen(QPen(Theme::color(Theme::Role::Accent, palette()), 1.5));
    p.drawPath(line);
    p.setPen(QPen(Theme::color(Theme::Role::Error, palette()), 2));
    for (const RttSeries::Sample &s : series->samples()) {
        if (s.rttUs < 0)
            p.drawLine(
                QPointF(x(s.timeUs), area.bottom()), QPointF(x(s.timeUs), area.bottom() - 10));
    }
}
