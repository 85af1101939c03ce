#include "JsonHighlighter.h"

#include "Theme.h"

#include <QApplication>

JsonHighlighter::JsonHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
    , m_token(QStringLiteral(
          R"(("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b)"))
{
    m_key.setFontWeight(QFont::DemiBold);
    setPalette(QApplication::palette());
}

void JsonHighlighter::setPalette(const QPalette &palette)
{
    m_key.setForeground(Theme::color(Theme::Role::JsonKey, palette));
    m_string.setForeground(Theme::color(Theme::Role::JsonString, palette));
    m_number.setForeground(Theme::color(Theme::Role::JsonNumber, palette));
    m_literal.setForeground(Theme::color(Theme::Role::JsonLiteral, palette));
    if (m_enabled)
        rehighlight();
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
