#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

// Colours JSON: keys, strings, numbers, true/false/null, in colours that suit the palette.
class JsonHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit JsonHighlighter(QTextDocument *document);
    void setEnabled(bool enabled);
    // Token colours chosen to read on this palette (light or dark).
    void setPalette(const QPalette &palette);

protected:
    void highlightBlock(const QString &text) override;

private:
    bool m_enabled = false;
    QRegularExpression m_token;
    QTextCharFormat m_key;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_literal;
};
