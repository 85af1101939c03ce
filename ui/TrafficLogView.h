#pragma once

#include <QTableView>

class MessageLogModel;

// The traffic log table: fixed row heights (variable heights cost ~35x at high rates), colours by
// event kind, and follow-tail: new rows scroll into view while the user is at the bottom; scrolling
// up pauses that, scrolling back to the bottom resumes it.
class TrafficLogView : public QTableView
{
    Q_OBJECT
public:
    explicit TrafficLogView(QWidget *parent = nullptr);

    void setLogModel(MessageLogModel *model);
    bool isFollowingTail() const { return m_following; }
    void setFollowingTail(bool follow);

Q_SIGNALS:
    void followingTailChanged(bool following);
    void currentRowChanged(int row); // -1 when nothing is selected

private:
    void onRangeChanged(int min, int max);
    void onValueChanged(int value);

    bool m_following = true;
    bool m_adjusting = false;
};
