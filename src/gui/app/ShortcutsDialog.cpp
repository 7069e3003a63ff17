#include "ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace getbill::gui {

namespace {

/// Where an action's keys work: the window, or the widget it belongs to (named as a screen reader names it).
QString whereOf(const QAction *action)
{
    if (action->shortcutContext() == Qt::WindowShortcut || action->shortcutContext() == Qt::ApplicationShortcut)
        return ShortcutsDialog::tr("Anywhere in the window");
    QList<QObject *> owners = action->associatedObjects();
    owners << action->parent(); // an action a widget keeps for its own keys (SearchEscape)
    for (const QObject *object : std::as_const(owners)) {
        for (auto *widget = qobject_cast<const QWidget *>(object); widget && !widget->isWindow();
             widget = widget->parentWidget()) {
            if (!widget->accessibleName().isEmpty())
                return ShortcutsDialog::tr("In “%1”").arg(widget->accessibleName());
        }
    }
    return ShortcutsDialog::tr("Where it is shown");
}

QString plain(QString text)
{
    // "&Download" reads "Download"; a literal "&&" stays one "&".
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
    return text;
}

} // namespace

ShortcutsDialog::ShortcutsDialog(QWidget *window, QWidget *parent) : QDialog(parent), m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard shortcuts"));
    setAccessibleName(tr("Keyboard shortcuts"));
    auto *intro = new QLabel(tr("Every menu also opens with Alt and its underlined letter; Tab moves between the "
                                "window's parts."),
                             this);
    intro->setWordWrap(true);

    m_list->setObjectName(QStringLiteral("shortcutsList"));
    m_list->setAccessibleName(tr("Shortcuts"));
    m_list->setHeaderLabels({tr("Action"), tr("Keys"), tr("Where")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setUniformRowHeights(true);
    // The menus' items first, in the menus' order, as the menu bar shows them; then every other action.
    QList<QAction *> actions;
    for (const QMenuBar *bar : window->findChildren<QMenuBar *>())
        for (const QAction *menu : bar->actions())
            if (menu->menu())
                actions += menu->menu()->actions();
    actions += window->findChildren<QAction *>();
    actions += window->actions();
    // The window's own keys first, in the order its menus were made; then those of one list or field.
    std::stable_partition(actions.begin(), actions.end(), [](const QAction *action) {
        return action->shortcutContext() == Qt::WindowShortcut || action->shortcutContext() == Qt::ApplicationShortcut;
    });
    QSet<QAction *> seen;
    for (QAction *action : std::as_const(actions)) {
        if (seen.contains(action) || action->shortcuts().isEmpty() || action->text().isEmpty())
            continue;
        seen.insert(action);
        QStringList keys;
        for (const QKeySequence &key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText);
        auto *item = new QTreeWidgetItem(
            m_list, {plain(action->text()).remove(QStringLiteral("…")), keys.join(tr(" or ")), whereOf(action)});
        item->setData(0, Qt::UserRole, action->objectName());
    }
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("shortcutsClose"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    // Wide enough for the longest line in the user's font, within reason.
    const QFontMetrics metrics = fontMetrics();
    resize(qMin(metrics.averageCharWidth() * 110, 1000), metrics.height() * 26);
    m_list->setFocus();
}

} // namespace getbill::gui
