#pragma once

#include <QColor>
#include <QPalette>

// Light, dark, or whatever the desktop prefers, and the colours that carry meaning (errors,
// warnings, JSON tokens, the chart) chosen to read on the current palette. Nothing in the window
// hard-codes a colour: it asks here, with the palette it paints on.
namespace Theme {

enum class Mode { System, Light, Dark };
enum class Role {
    Error,
    Warning,
    Success,
    Muted,
    Accent, // the RTT line, links
    JsonKey,
    JsonString,
    JsonNumber,
    JsonLiteral,
    MatchBackground, // filter matches
    StallBackground, // the chart's overdue spans
    Recording, // the red dot
};

void apply(Mode mode);
Mode mode();
QString modeName(Mode mode);
bool isDark(const QPalette &palette);
QColor color(Role role, const QPalette &palette);
// The palette the desktop gave the application before any theme was applied.
QPalette systemPalette();

} // namespace Theme
