#pragma once

class QLineEdit;
class QWidget;

namespace getbill::gui::SearchEscape {

/// Escape in `search` clears it; Escape in an empty search field leaves it for `results` (the list it filters).
/// An action of the field, with a text, so that Help > Keyboard shortcuts lists it.
void install(QLineEdit *search, QWidget *results);

} // namespace getbill::gui::SearchEscape
