#pragma once

class QLineEdit;
class QWidget;

namespace getbill::gui::SearchEscape {

/// Escape in `search` clears it; Escape in an empty search field leaves it for `results` (the list it filters).
/// An action of the field, with a text, so that Help > Keyboard shortcuts lists it.
/// The field's clear button comes with its first text (it shows only then anyway): its icon is the style's first
/// look-up in the icon theme, which would cost the window's start-up a few milliseconds.
void install(QLineEdit *search, QWidget *results);

} // namespace getbill::gui::SearchEscape
