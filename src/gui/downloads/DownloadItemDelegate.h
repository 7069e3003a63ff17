#pragma once

#include <QStyledItemDelegate>

namespace getbill::gui {

/// Paints one row of the DownloadQueue: title and state on the first line, a progress bar with percentage, speed
/// and time left (or the saved path, or the error) on the second.
class DownloadItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    /// The row's tooltip (a server's message, a path) shown literally, never as markup.
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;

    /// The second line as text (also the row's accessible description and what tests read).
    static QString detailText(const QModelIndex &index);
    static QString stateText(const QModelIndex &index);
    /// What a screen reader names the row: "title, state" and, while it runs, "42 %".
    static QString accessibleText(const QModelIndex &index);
    /// 0–100, or -1 while the size is unknown.
    static int percent(const QModelIndex &index);
};

} // namespace getbill::gui
