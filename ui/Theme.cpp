#include "Theme.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

#include <memory>

namespace Theme {

namespace {
Mode g_mode = Mode::System;

// What the desktop gave before any theme was applied, captured on first use (a function-local
// static: built after QApplication, not at load time).
struct SystemLook
{
    QPalette palette;
    QString style;
};

const SystemLook &systemLook()
{
    static const SystemLook look {QApplication::palette(), QApplication::style()->name()};
    return look;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2e), base(0x1f, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x27, 0x2a));
    p.setColor(QPalette::ToolTipBase, QColor(0x36, 0x36, 0x3a));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0xa0));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x39));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x48, 0x48, 0x4d));
    p.setColor(QPalette::Midlight, QColor(0x3c, 0x3c, 0x40));
    p.setColor(QPalette::Mid, QColor(0x55, 0x55, 0x5a));
    p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x1a));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x35, 0x84, 0xe4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x78, 0xae, 0xed));
    p.setColor(QPalette::LinkVisited, QColor(0xc0, 0x97, 0xf0));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x80, 0x80, 0x85));
    return p;
}

QPalette lightPalette()
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p = fusion->standardPalette();
    p.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x6e, 0x78));
    return p;
}
} // namespace

QPalette systemPalette()
{
    return systemLook().palette;
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

void apply(Mode mode)
{
    systemPalette();
    g_mode = mode;
    if (mode != Mode::System)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    switch (mode) {
    case Mode::System:
        // The desktop's style and an unset palette: Qt then follows the desktop's light or dark
        // preference, also when it changes while the app runs.
        if (QApplication::style()->name() != systemLook().style)
            QApplication::setStyle(QStyleFactory::create(systemLook().style));
        QApplication::setPalette(QPalette());
        break;
    case Mode::Light:
        QApplication::setPalette(lightPalette());
        break;
    case Mode::Dark:
        QApplication::setPalette(darkPalette());
        break;
    }
}

Mode mode()
{
    return g_mode;
}

QString modeName(Mode mode)
{
    switch (mode) {
    case Mode::System:
        return QStringLiteral("system");
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    }
    return {};
}

QColor color(Role role, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (role) {
    case Role::Error:
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x1c, 0x28);
    case Role::Warning:
        return dark ? QColor(0xf0, 0xb0, 0x4a) : QColor(0xa3, 0x4f, 0x00);
    case Role::Success:
        return dark ? QColor(0x57, 0xe3, 0x89) : QColor(0x1c, 0x7d, 0x4d);
    case Role::Muted:
        return palette.color(QPalette::PlaceholderText);
    case Role::Accent:
        return dark ? QColor(0x78, 0xae, 0xed) : QColor(0x1a, 0x5f, 0xb4);
    case Role::JsonKey:
        return dark ? QColor(0x8c, 0xc4, 0xff) : QColor(0x1a, 0x5f, 0xb4);
    case Role::JsonString:
        return dark ? QColor(0x8f, 0xdf, 0x9f) : QColor(0x1c, 0x7d, 0x4d);
    case Role::JsonNumber:
        return dark ? QColor(0xff, 0xb3, 0x6b) : QColor(0xa8, 0x3c, 0x00);
    case Role::JsonLiteral:
        return dark ? QColor(0xd7, 0xa6, 0xf5) : QColor(0x81, 0x36, 0x9c);
    case Role::MatchBackground:
        return dark ? QColor(0x80, 0x68, 0x00) : QColor(0xff, 0xe5, 0x6b);
    case Role::StallBackground: {
        QColor c = dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x1c, 0x28);
        c.setAlpha(50);
        return c;
    }
    case Role::Recording:
        return dark ? QColor(0xff, 0x5c, 0x5c) : QColor(0xe0, 0x1b, 0x24);
    }
    return palette.color(QPalette::Text);
}

} // namespace Theme
