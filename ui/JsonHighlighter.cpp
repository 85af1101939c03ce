#include "JsonHighlighter.h"

JsonHighlighter::JsonHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
    , m_token(QStringLiteral(
          R"(("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b)"))
{
    m_key.setForeground(QColor(0x1a, 0x5f, 0xb4));
    m_key.setFontWeight(QFont::DemiBold);
    m_string.setForeground(QColor(0x26, 0xa2, 0x69));
    m_number.setForeground(QColor(0xc6, 0x46, 0x00));
    m_literal.setForeground(QColor(0x91, 0x41, 0xac));
}

void JsonHighlighter::setEnabled(bool enabled)
{
    if (m_enabled == enabled)
        return;
    m_enabled = enabled;
    rehighlight();
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    if (!m_enabled)
        return;
    for (auto it = m_token.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedLength(1) > 0)
            setFormat(int(m.capturedStart(1)), int(m.capturedLength(1)),
                m.capturedLength(2) > 0 ? m_key : m_string);
        else if (m.capturedLength(3) > 0)
            setFormat(int(m.capturedStart(3)), int(m.capturedLength(3)), m_number);
        else if (m.capturedLength(4) > 0)
            setFormat(int(m.capturedStart(4)), int(m.capturedLength(4)), m_literal);
    }
}
