#pragma once

#include <QWidget>

class HeartbeatTracker;

// A live chart of round-trip times over the last minutes: the RTT line, missed pings as marks on
// the axis, and a shaded span for each time pongs were overdue.
class RttChart : public QWidget
{
    Q_OBJECT
public:
    explicit RttChart(QWidget *parent = nullptr);

    void setData(const HeartbeatTracker *tracker, qint64 nowUs);
    QSize sizeHint() const override { return {320, 140}; }
    QSize minimumSizeHint() const override { return {160, 110}; }
    // The y-axis label for the chart's top: the scale in the unit that suits it.
    QString topLabel() const;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    qint64 scaleTopUs() const;

    const HeartbeatTracker *m_tracker = nullptr;
    qint64 m_nowUs = 0;
};
