#pragma once

#include "TrafficEvent.h"

#include <QWidget>

class JsonHighlighter;
class MessageLogModel;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

// The selected row in full: text (JSON pretty-printed with colours), a hex dump (offset, hex,
// ASCII), base64 and how it arrived on the wire (Frames), with copy and save. A huge payload opens
// at once: the first part is shown, with how much is left and a button to load more; nothing a
// click does scales with the size of the message.
class MessageDetailView : public QWidget
{
    Q_OBJECT
public:
    // What a click shows at once: enough to read, small enough to lay out within a frame.
    static constexpr qsizetype TextChunkChars = 8LL * 1024;
    static constexpr qsizetype BinaryChunkBytes = 64LL * 1024;
    static constexpr qsizetype MaxPrettyJsonBytes = 4LL * 1024 * 1024;

    explicit MessageDetailView(QWidget *parent = nullptr);

    void showRow(const MessageLogModel *model, int row);
    void clear();
    // Marks where the log's filter matches in the text shown.
    void highlightMatches();

    // For tests and the status line.
    QString displayedText() const;
    QString displayedHex() const;
    QString displayedBase64() const;
    QString displayedFrames() const;
    QString headerText() const;
    int highlightedMatches() const;
    bool isShowingJson() const { return m_json; }
    bool hasMore() const;
    void loadMore();

public Q_SLOTS:
    void copyCurrent();
    void savePayload();

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();
    QByteArray fullPayload() const;

    TrafficEvent m_event;
    qint64 m_wallMs = 0;
    int m_number = 0;
    qsizetype m_shown = 0; // characters (text) or bytes (binary) shown so far
    bool m_json = false;
    QLabel *m_header;
    QLabel *m_more;
    QPushButton *m_loadMore;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_text;
    QPlainTextEdit *m_hex;
    QPlainTextEdit *m_base64;
    QPlainTextEdit *m_frames;
    const MessageLogModel *m_model = nullptr;
    JsonHighlighter *m_highlighter;
};
