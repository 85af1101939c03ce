#pragma once

#include <QWidget>

class FilterBar;
class MessageLogModel;
class QHBoxLayout;
class QSpinBox;
class QToolButton;
class QLabel;
class TrafficLogView;

// The traffic log with everything around it: the filter bar, the table, and a toolbar with Clear,
// Pause (capture continues; the waiting rows are counted), Follow and the row cap with the count of
// dropped rows. Shared by live connections and opened recordings.
class TrafficLogPane : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficLogPane(MessageLogModel *model, QWidget *parent = nullptr);

    FilterBar *filterBar() const { return m_filter; }
    TrafficLogView *view() const { return m_view; }
    // Where a page puts its own buttons (left of the row cap).
    QHBoxLayout *toolbar() const { return m_toolbar; }
    void setPaused(bool paused);
    void setLive(bool live); // a recording has nothing to pause or follow
    void refresh(); // dropped-row count, from the page's UI clock
    // Clears the log after asking, when it is not empty; false when the user kept it.
    bool requestClear();

Q_SIGNALS:
    void cleared();

private:
    MessageLogModel *m_model;
    FilterBar *m_filter;
    TrafficLogView *m_view;
    QToolButton *m_clear;
    QToolButton *m_pause;
    QToolButton *m_follow;
    QSpinBox *m_cap;
    QLabel *m_dropped;
    QHBoxLayout *m_toolbar;
};
