#pragma once

#include <QColor>
#include <QString>

class QPalette;
class QWidget;

namespace getbill::gui::Tint {

/// The tone of a message: information, warning, error, the demo's badge, or something that went well (a saved
/// download).
enum class Tone
{
    Information,
    Warning,
    Error,
    Demo,
    Success,
};

/// Backgrounds and borders for messages, made from the palette the user runs (light, dark, high contrast): the
/// window colour with a little of the tone's accent, and the palette's own text colour on it. A cream background
/// with a dark theme's white text, unreadable, cannot happen.
QColor background(const QPalette &palette, Tone tone);
QColor border(const QPalette &palette, Tone tone);
/// Text in the tone's colour on a list's rows (Base and AlternateBase): as much of the tone as still reads at 4.5:1
/// on both, down to the palette's own Text colour. For item delegates ("Failed" in red, "Saved" in green).
QColor text(const QPalette &palette, Tone tone);
/// WCAG contrast ratio of two colours (1 to 21).
double contrast(const QColor &a, const QColor &b);
/// Styles `widget` (selected by its object name) as a tinted box, its labels in the palette's window text.
void apply(QWidget *widget, Tone tone, const QString &extra = {});

} // namespace getbill::gui::Tint
