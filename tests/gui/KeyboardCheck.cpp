#include "KeyboardCheck.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QGroupBox>
#include <QHash>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QTabBar>
#include <QTest>

namespace getbill::test::keyboard {

namespace {

QString describe(const QWidget *w)
{
    return QString::fromLatin1(w->metaObject()->className()) + QLatin1Char(' ') + w->objectName();
}

/// The widget that really takes the focus for `w` (a spin box's or a combo box's line edit).
QWidget *focusTarget(QWidget *w)
{
    while (w->focusProxy())
        w = w->focusProxy();
    return w;
}

bool counts(const QWidget *w, const QWidget *window, Scope scope)
{
    return w->window() == window && (scope == Scope::All || w->isVisibleTo(window));
}

} // namespace

QList<QWidget *> tabChain(QWidget *window, int limit)
{
    QList<QWidget *> reached;
    // Nothing focused yet (a message box just opened): the first Tab gives the focus, as it does to a user.
    if (!QApplication::focusWidget() || QApplication::focusWidget()->window() != window)
        QTest::keyClick(window, Qt::Key_Tab);
    QWidget *start = QApplication::focusWidget();
    if (!start || start->window() != window)
        return reached;
    reached << start;
    for (int i = 0; i < limit; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QWidget *now = QApplication::focusWidget();
        if (!now || now == start)
            break;
        reached << now;
    }
    return reached;
}

QList<QWidget *> tabbable(QWidget *window)
{
    QList<QWidget *> widgets;
    for (QWidget *w : window->findChildren<QWidget *>()) {
        if (!counts(w, window, Scope::Shown) || !w->isEnabled() || !(w->focusPolicy() & Qt::TabFocus) ||
            w->focusProxy())
            continue;
        // A proxy's target is reached through its owner; the owner is what is listed.
        widgets << w;
    }
    return widgets;
}

QStringList mnemonicClashes(QWidget *window, Scope scope)
{
    QHash<int, QStringList> users;
    const auto note = [&users](const QString &text, const QString &who) {
        const QKeySequence key = QKeySequence::mnemonic(text);
        if (!key.isEmpty())
            users[key[0].toCombined()] << QString(text).remove(QLatin1Char('&')) + QStringLiteral(" (") + who +
                                              QLatin1Char(')');
    };
    for (QWidget *w : window->findChildren<QWidget *>()) {
        if (!counts(w, window, scope))
            continue;
        if (auto *button = qobject_cast<QAbstractButton *>(w))
            note(button->text(), describe(w));
        else if (auto *label = qobject_cast<QLabel *>(w); label && label->buddy())
            note(label->text(), describe(w));
        else if (auto *group = qobject_cast<QGroupBox *>(w))
            note(group->title(), describe(w));
        else if (auto *tabs = qobject_cast<QTabBar *>(w))
            for (int i = 0; i < tabs->count(); ++i)
                note(tabs->tabText(i), describe(w));
        else if (auto *bar = qobject_cast<QMenuBar *>(w))
            for (QAction *menu : bar->actions())
                if (menu->isVisible())
                    note(menu->text(), QStringLiteral("menu"));
    }
    QStringList clashes;
    for (auto it = users.cbegin(); it != users.cend(); ++it)
        if (it.value().size() > 1)
            clashes << QKeySequence(it.key()).toString() + QStringLiteral(": ") + it.value().join(QStringLiteral(", "));
    clashes.sort();
    return clashes;
}

QStringList check(QWidget *window, Scope scope)
{
    QStringList problems = mnemonicClashes(window, scope);
    const QList<QWidget *> reached = tabChain(window);
    if (reached.isEmpty())
        return problems << QStringLiteral("nothing in %1 has the focus").arg(describe(window));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    if (QApplication::focusWidget() != reached.value(1, reached.first()))
        problems << QStringLiteral("Tab does not go round: after %1 comes %2")
                        .arg(describe(reached.last()), QApplication::focusWidget()
                                                           ? describe(QApplication::focusWidget())
                                                           : QStringLiteral("nothing"));
    for (QWidget *w : tabbable(window))
        if (!reached.contains(w) && !reached.contains(focusTarget(w)))
            problems << QStringLiteral("Tab never reaches %1").arg(describe(w));
    return problems;
}

} // namespace getbill::test::keyboard
