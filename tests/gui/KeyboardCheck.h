#pragma once

#include <QList>
#include <QStringList>

class QWidget;

namespace getbill::test::keyboard {

/// Which widgets count: the ones on screen now (a window whose pages take turns), or all of a dialog's, shown or
/// hidden (a dialog shows its error label and extra buttons only at times; their letters must not clash either).
enum class Scope
{
    Shown,
    All,
};

/// Presses Tab from the focused widget of `window` until the focus comes back to it (at most `limit` presses) and
/// returns the widgets that had the focus, in order.
QList<QWidget *> tabChain(QWidget *window, int limit = 300);

/// The widgets a keyboard user must be able to Tab to: shown, enabled, taking Tab focus (a spin box counts as its
/// line edit, which takes the focus for it).
QList<QWidget *> tabbable(QWidget *window);

/// The Alt+letter mnemonics of `window`'s buttons, check boxes, group boxes, buddied labels, tabs and menu bar
/// titles, and every letter used twice: "Alt+O: Sign out (signOutButton), Other (otherButton)".
QStringList mnemonicClashes(QWidget *window, Scope scope);

/// The whole check of one window: every tabbable widget is reached by Tab, Tab comes back round, and no mnemonic
/// is used twice. Returns the problems found (none: an empty list).
QStringList check(QWidget *window, Scope scope);

} // namespace getbill::test::keyboard
