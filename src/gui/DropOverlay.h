#pragma once

#include <QWidget>

namespace getbill::gui {

/// Covers the report list while something droppable is dragged over the window: a highlighted frame and
/// "Drop report ids to download", so the user sees where the drop lands. Transparent to the mouse.
class DropOverlay : public QWidget
{
    Q_OBJECT
public:
    explicit DropOverlay(QWidget *parent);

    void setText(const QString &text);
    QString text() const { return m_text; }
    /// Shows the overlay over the whole parent, on top of its siblings.
    void showOver();

protected:
    void paintEvent(QPaintEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QString m_text;
};

} // namespace getbill::gui
