#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class SavedMessages;

// Writes and sends messages: text, JSON (validated, with a format button and the error shown at
// its position), binary typed as hex or base64, or a file. Ctrl+Enter sends. Saved messages
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
    QString errorText() const;

public Q_SLOTS:
    bool send(); // false (with the reason shown) when the input is not valid

Q_SIGNALS:
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);

private:
    void validate();
    void formatJson();
    void showError(const QString &message, int position = -1);
    void chooseFile();
    void saveCurrent();
    void reloadSaved();
    void insertSaved(bool andSend);

    SavedMessages *m_saved;
    QComboBox *m_mode;
    QPlainTextEdit *m_editor;
    QLabel *m_error;
    QPushButton *m_format;
    QPushButton *m_chooseFile;
    QPushButton *m_send;
    QComboBox *m_savedList;
    QString m_filePath;
    bool m_sendEnabled = false;
};
