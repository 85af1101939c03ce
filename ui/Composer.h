#pragma once

#include <QWidget>

class ElidingLabel;
class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class SavedMessages;

// Writes and sends messages: text, JSON (checked as you type, the error underlined where it is and
// said in plain words; sent as typed, or compacted on request; Format is a separate action),
// binary typed as hex or base64, or a file. Ctrl+Enter sends. Saved messages
// (named templates) can be inserted or sent with one click.
class Composer : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Text, Json, Hex, Base64, File };

    explicit Composer(SavedMessages *saved, QWidget *parent = nullptr);

    void setMode(Mode mode);
    Mode mode() const;
    void setContent(const QString &content);
    QString content() const;
    void setFilePath(const QString &path);
    void setSendEnabled(bool enabled);
    // What the Send button says, and why sending is off (for a composer that sends elsewhere than
    // on a connection: an edited message, a message injected into a proxied pair).
    void setSendWording(const QString &button, const QString &toolTip, const QString &whyDisabled);
    QString errorText() const;
    void setCompactJson(bool compact);
    int markedErrorPosition() const; // -1 when nothing is underlined

public Q_SLOTS:
    bool send(); // false (with the reason shown) when the input is not valid
    void formatJson(); // indents the JSON in the editor
    // The saved messages (the Saved button's menu and the Edit menu): the one chosen in the list
    // is put in the editor (and sent), the editor's message is saved by a name asked for, or the
    // chosen one is deleted.
    void insertSaved(bool andSend);
    void saveCurrent();
    void deleteSaved();

public:
    bool hasSavedChoice() const; // a saved message is chosen in the list

Q_SIGNALS:
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);

private:
    void validate();
    void showError(const QString &message, int position = -1);
    void markError(int position); // underlines the character; -1 clears
    void chooseFile();
    void reloadSaved();

    SavedMessages *m_saved;
    QComboBox *m_mode;
    QPlainTextEdit *m_editor;
    ElidingLabel *m_error;
    QCheckBox *m_compact;
    QPushButton *m_format;
    QPushButton *m_chooseFile;
    QPushButton *m_send;
    QComboBox *m_savedList;
    QString m_filePath;
    bool m_sendEnabled = false;
    QString m_sendToolTip;
    QString m_whyDisabled;
};
