#include "ElidingLabel.h"

#include "Theme.h"

#include <QPainter>

ElidingLabel::ElidingLabel(QWidget *parent) : QFrame(parent)
{
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
}

void ElidingLabel::setText(const QString &text)
{
    if (m_text == text)
        return;
    m_text = text;
    setToolTip(text);
    setAccessibleName(text);
    updateGeometry();
    update();
}

bool ElidingLabel::isElided() const
{
    return sizeHint().width() > contentsRect().width();
}

QSize ElidingLabel::sizeHint() const
{
    int width = 0;
    for (const QString &line : m_text.split(QLatin1Char('\n')))
        width = qMax(width, fontMetrics().horizontalAdvance(line));
    return {qMin(width, 400), minimumSizeHint().height()};
}

QSize ElidingLabel::minimumSizeHint() const
{
    return {0, fontMetrics().height() * int(m_text.count(QLatin1Char('\n')) + 1) + 4};
}

void ElidingLabel::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event);
    QPainter p(this);
    const QRect r = contentsRect();
    p.setPen(m_role >= 0 ? Theme::color(Theme::Role(m_role), palette())
                         : palette().color(QPalette::WindowText));
    // Each line is cut on its own; the whole text is in the tooltip.
    const QStringList lines = m_text.split(QLatin1Char('\n'));
    const int lineHeight = fontMetrics().height();
    int y = r.top() + (r.height() - lineHeight * int(lines.size())) / 2;
    for (const QString &line : lines) {
        p.drawText(QRect(r.left(), y, r.width(), lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
            fontMetrics().elidedText(line, Qt::ElideRight, r.width()));
        y += lineHeight;
    }
}
