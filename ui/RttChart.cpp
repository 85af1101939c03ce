#include "RttChart.h"

#include <QPainter>
#include <QPainterPath>

RttChart::RttChart(QWidget *parent) : QWidget(parent)
{
    setMinimumHeight(110);
    setAccessibleName(tr("Round-trip time chart"));
}

void RttChart::setSeries(const RttSeries *series, qint64 nowUs)
{
    m_series = series;
    m_nowUs = nowUs;
    update();
}

void RttChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(44, 8, -8, -18);
    p.fillRect(rect(), palette().base());
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(area);

    // The span grows with the data, from 30 s up to the series' window (5 minutes).
    constexpr qint64 MinimumSpanUs = 30 * 1000000LL;
    qint64 windowUs = MinimumSpanUs;
    if (m_series && !m_series->samples().isEmpty())
        windowUs = qBound(
            MinimumSpanUs, m_nowUs - m_series->samples().first().timeUs, m_series->windowUs());
    const qint64 startUs = m_nowUs - windowUs;
    qint64 maxRtt = 1000; // at least 1 ms of scale
    if (m_series) {
        for (const RttSeries::Sample &s : m_series->samples())
            maxRtt = qMax(maxRtt, s.rttUs);
    }
    maxRtt = qint64(maxRtt * 1.15);
    auto x = [&](qint64 t) {
        return area.left() + area.width() * double(t - startUs) / double(windowUs);
    };
    auto y
        = [&](qint64 rtt) { return area.bottom() - area.height() * double(rtt) / double(maxRtt); };

    p.setPen(palette().color(QPalette::PlaceholderText));
    const QFontMetrics fm = fontMetrics();
    p.drawText(QRectF(0, area.top() - fm.height() / 2.0, area.left() - 4, fm.height()),
        Qt::AlignRight,
        QStringLiteral("%1 ms").arg(maxRtt / 1000.0, 0, 'f', maxRtt < 10000 ? 1 : 0));
    p.drawText(QRectF(0, area.bottom() - fm.height() / 2.0, area.left() - 4, fm.height()),
        Qt::AlignRight, QStringLiteral("0"));
    p.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), fm.height()), Qt::AlignLeft,
        windowUs >= 120 * 1000000LL ? tr("-%1 min").arg(windowUs / 60000000)
                                    : tr("-%1 s").arg(windowUs / 1000000));
    p.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), fm.height()), Qt::AlignRight,
        tr("now"));

    if (!m_series || m_series->samples().isEmpty()) {
        p.drawText(area, Qt::AlignCenter, tr("No pongs yet"));
        return;
    }
    QPainterPath line;
    bool started = false;
    for (const RttSeries::Sample &s : m_series->samples()) {
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
    p.setPen(QPen(QColor(0x1a, 0x5f, 0xb4), 1.5));
    p.drawPath(line);
    p.setPen(QPen(QColor(0xc0, 0x1c, 0x28), 2));
    for (const RttSeries::Sample &s : m_series->samples()) {
        if (s.rttUs < 0)
            p.drawLine(
                QPointF(x(s.timeUs), area.bottom()), QPointF(x(s.timeUs), area.bottom() - 10));
    }
}
