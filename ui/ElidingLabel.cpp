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
    return fontMetrics().horizontalAdvance(m_text) > contentsRect().width();
}

QSize ElidingLabel::sizeHint() const
{
    return {qMin(fontMetrics().horizontalAdvance(m_text), 400), fontMetrics().height() + 4};
}

QSize ElidingLabel::minimumSizeHint() const
{
    return {0, fontMetrics().height() + 4};
}

void ElidingLabel::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event);
    QPainter p(this);
    const QRect r = contentsRect();
    p.setPen(m_role >= 0 ? Theme::color(Theme::Role(m_role), palette())
                         : palette().color(QPalette::WindowText));
    p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter,
        fontMetrics().elidedText(m_text, Qt::ElideRight, r.width()));
}
