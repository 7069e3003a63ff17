#pragma once

#include <QLayout>
#include <QList>

namespace getbill::gui {

/// Lays its items out left to right and starts a new line when the next one would not fit, like words in a
/// paragraph: a row of buttons that wraps instead of being cut when the panel is narrow or the font is large. Each
/// item keeps its size hint, so no button text is ever squeezed; heightForWidth() tells the parent how tall the
/// wrapped lines are. Right-to-left layouts mirror it.
class FlowLayout : public QLayout
{
    Q_OBJECT
public:
    explicit FlowLayout(QWidget *parent = nullptr);
    ~FlowLayout() override;

    void addItem(QLayoutItem *item) override;
    int count() const override;
    QLayoutItem *itemAt(int index) const override;
    QLayoutItem *takeAt(int index) override;
    Qt::Orientations expandingDirections() const override;
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect &rect) override;

private:
    /// Places the items in `rect` (only when `apply`); returns the height used.
    int arrange(const QRect &rect, bool apply) const;
    int horizontalGap() const;
    int verticalGap() const;

    QList<QLayoutItem *> m_items;
};

} // namespace getbill::gui
