#pragma once

#include <QFrame>

// A label that never widens its window: each line of its text that is longer than the space it
// gets is cut with an ellipsis, and the whole text is in the tooltip.
class ElidingLabel : public QFrame
{
    Q_OBJECT
public:
    explicit ElidingLabel(QWidget *parent = nullptr);

    void setText(const QString &text);
    QString text() const { return m_text; }
    // A colour role for the text (e.g. an error colour), taken from the palette when painted.
    void setTextRole(int semanticRole)
    {
        m_role = semanticRole;
        update();
    }
    bool isElided() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    int m_role = -1;
};
