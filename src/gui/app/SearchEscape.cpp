#include "SearchEscape.h"

#include <QAction>
#include <QCoreApplication>
#include <QKeyEvent>
#include <QLineEdit>

namespace getbill::gui::SearchEscape {

namespace {

/// Gives the field's Escape presses to the action. A key event rather than a shortcut: a shortcut follows the focus
/// widget, and would take an Escape meant for a dialog opened over the window before the dialog has the focus.
class EscapeFilter : public QObject
{
public:
    EscapeFilter(QAction *action, QObject *parent) : QObject(parent), m_action(action) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const auto *key = static_cast<QKeyEvent *>(event);
            if (key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier) {
                m_action->trigger();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QAction *m_action;
};

} // namespace

void install(QLineEdit *search, QWidget *results)
{
    // The action is what Help > Keyboard shortcuts lists (its text, its key, its field); the filter delivers the key.
    auto *action = new QAction(
        QCoreApplication::translate("getbill::gui::SearchEscape", "Clear the search, then go back to the list"),
        search);
    action->setObjectName(QStringLiteral("actionSearchEscape"));
    action->setShortcut(QKeySequence(Qt::Key_Escape));
    action->setShortcutContext(Qt::WidgetShortcut);
    search->installEventFilter(new EscapeFilter(action, search));
    QObject::connect(search, &QLineEdit::textChanged, search, [search](const QString &text) {
        if (!text.isEmpty() && !search->isClearButtonEnabled())
            search->setClearButtonEnabled(true);
    });
    QObject::connect(action, &QAction::triggered, search, [search, results] {
        if (!search->text().isEmpty())
            search->clear();
        else if (results->isVisible())
            results->setFocus(Qt::ShortcutFocusReason);
    });
}

} // namespace getbill::gui::SearchEscape
