#pragma once

#include <QByteArray>
#include <QRect>
#include <QSize>

class QWidget;

namespace getbill::gui {

/// Where the window opens: the saved geometry when it still fits the screen it is on, else moved and shrunk into
/// that screen's available area (a geometry saved on a larger screen, or at another scale, must never open larger
/// than the screen or off it); a first start gets a size that fits a 1280x800 screen.
namespace WindowPlacement {

/// The size of a first start, for the available area `available`: 1200x740 at most (fits 1280x800 with a panel),
/// less on a smaller screen.
QSize defaultSize(const QRect &available);
/// `wanted` moved and shrunk into `available`, keeping as much of it as possible.
QRect fitted(const QRect &wanted, const QRect &available);
/// Restores `geometry` (QWidget::saveGeometry()) on `window`, then fits it into its screen; a first start (empty
/// or unreadable geometry) gets defaultSize() centred.
void restore(QWidget *window, const QByteArray &geometry);

} // namespace WindowPlacement
} // namespace getbill::gui
