#pragma once

#include <QWidget>

namespace getbill::gui {

/// Takes drops of report ids on a window: accepts what ReportLink can read (text, links, dashboard URLs), covers
/// `parent` while something droppable is dragged over (a highlighted frame and "Drop 3 report ids to download", so
/// the user sees where the drop lands; transparent to the mouse), and says what was dropped.
class DropOverlay : public QWidget
{
    Q_OBJECT
public:
    /// Shows over `parent`; takes the drops that reach `dropTarget` (the window).
    DropOverlay(QWidget *parent, QWidget *dropTarget);

    void setText(const QString &text);
    QString text() const { return m_text; }
    /// Shows the overlay over the whole parent, on top of its siblings.
    void showOver();

signals:
    /// Report ids were dropped.
    void idsDropped(const QStringList &ids);
    /// Something was dropped that holds no report id.
    void nothingToDrop();

protected:
    void paintEvent(QPaintEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool handleDrag(QEvent *event);

    QWidget *m_dropTarget;
    QString m_text;
};

} // namespace getbill::gui
