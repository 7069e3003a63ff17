#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>

class QHeaderView;
class QMenu;
class QTableView;

namespace getbill::gui {

/// The report list's columns. Widths come from the font and from what the columns show (the longest type name, a
/// month's period, the header's own label), never from pixels that fit one font at one scale. The Title column
/// stretches and is never narrower than titleMinimumChars characters: when the list is too narrow for it and every
/// column, the least useful ones step aside (Generated, then Size, Type, Period) and come back when there is room.
/// A column chooser on the header (its context menu: checkable columns) hides and shows them for good; those
/// choices, the order, widths and sort go into the header's state, the columns stepped aside for room do not.
class ReportColumns : public QObject
{
    Q_OBJECT
public:
    /// The Title column's least width, in average characters of the list's font.
    static constexpr int titleMinimumChars = 24;

    explicit ReportColumns(QTableView *table);

    /// The header's state with the user's choices (QHeaderView::saveState, columns stepped aside shown).
    QByteArray saveState() const;
    /// Restores what saveState() gave; widths never below what the current font needs.
    bool restoreState(const QByteArray &state);

    /// The chooser's doing: hides or shows a column for good. The Title column is always shown.
    void setHiddenByUser(int column, bool hidden);
    bool isHiddenByUser(int column) const { return m_hiddenByUser.contains(column); }
    /// The columns hidden for lack of room just now, the least useful first.
    QList<int> steppedAside() const { return m_steppedAside; }
    /// The column chooser (the header's context menu): one checkable action per column but Title.
    QMenu *menu() const { return m_menu; }

    /// The Title column's least width in the list's font.
    int titleMinimumWidth() const;
    /// How wide the list must be for the title and the columns that matter most (Status, Type, Period) that the
    /// user shows: below it, the reports page puts the detail panel under the list.
    int comfortableWidth() const;
    /// The types the list holds (Format::typeText of each is what the Type column must fit).
    void setTypes(const QStringList &types);

    /// Decides again which columns step aside, for the list's width now.
    void fit();

signals:
    /// The user hid or showed a column.
    void columnsChosen();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    int fontWidth(int column) const;
    int widthOf(int column) const;
    void apply();
    void updateMenu();

    QTableView *m_table;
    QObject *m_viewport = nullptr; ///< compared only, never called: see eventFilter()
    QHeaderView *m_header;
    QMenu *m_menu;
    QSet<int> m_hiddenByUser;
    QList<int> m_steppedAside;
    QHash<int, int> m_widths; ///< each column's width while shown (a hidden section's size reads 0)
    QStringList m_typeNames;
    bool m_applying = false;
};

} // namespace getbill::gui
