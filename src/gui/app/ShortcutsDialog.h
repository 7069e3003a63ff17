#pragma once

#include <QDialog>

class QTreeWidget;

namespace getbill::gui {

/// Help > Keyboard shortcuts: every action of a window that has keys, read from the actions themselves (their
/// text, their shortcuts, and where they work: the whole window, or one list or field), so that the list can never
/// fall behind the keys the window really has.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ShortcutsDialog(QWidget *window, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }

private:
    QTreeWidget *m_list;
};

} // namespace getbill::gui
