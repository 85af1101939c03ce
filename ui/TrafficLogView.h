#pragma once

#include <QTableView>

class MessageLogModel;

// The traffic log table: fixed row heights (variable heights cost ~35x at high rates), colours by
// what a row means (taken from the palette), filter matches highlighted, separators between
// connection attempts, and follow-tail: new rows scroll into view while following; selecting a row
// or scrolling up stops that, End or the Follow button resumes it. The selection stays on its
// message as rows arrive, old rows are dropped or the filter changes. Ctrl+C copies the selected
// payloads, one per line; copyAsJson() gives them with their metadata.
class TrafficLogView : public QTableView
{
    Q_OBJECT
public:
    explicit TrafficLogView(QWidget *parent = nullptr);

    void setLogModel(MessageLogModel *model);
    MessageLogModel *logModel() const { return m_model; }
    bool isFollowingTail() const { return m_following; }
    void setFollowingTail(bool follow);
    // What an empty log says when nothing was filtered away.
    void setEmptyText(const QString &text)
    {
        m_emptyText = text;
        viewport()->update();
    }
    QString emptyText() const; // what the empty view says now

    QList<int> selectedRowNumbers() const; // sorted
    QString selectedPayloads() const;
    QString selectedAsJson() const;

public Q_SLOTS:
    void copySelection();
    void copyAsJson();

Q_SIGNALS:
    void followingTailChanged(bool following);
    void currentRowChanged(int row); // -1 when nothing is selected

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void onRangeChanged(int min, int max);
    void onValueChanged(int value);

    MessageLogModel *m_model = nullptr;
    QString m_emptyText;
    qint64 m_currentIdBeforeReset = -1;
    bool m_following = true;
    bool m_adjusting = false;
};
