#pragma once

#include "RttSeries.h"

#include <QWidget>

// A live chart of round-trip times over the last minutes; missed pings are red marks on the axis.
class RttChart : public QWidget
{
    Q_OBJECT
public:
    explicit RttChart(QWidget *parent = nullptr);

    void setSeries(const RttSeries *series, qint64 nowUs);
    QSize sizeHint() const override { return {320, 140}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const RttSeries *m_series = nullptr;
    qint64 m_nowUs = 0;
};
