#include "WindowPlacement.h"

#include <QGuiApplication>
#include <QScreen>
#include <QWidget>

namespace getbill::gui::WindowPlacement {

QSize defaultSize(const QRect &available)
{
    return QSize(1200, 740).boundedTo(available.size() * 0.95);
}

QRect fitted(const QRect &wanted, const QRect &available)
{
    if (available.isEmpty())
        return wanted;
    QRect rect(wanted.topLeft(), wanted.size().boundedTo(available.size()));
    if (rect.right() > available.right())
        rect.moveRight(available.right());
    if (rect.bottom() > available.bottom())
        rect.moveBottom(available.bottom());
    if (rect.left() < available.left())
        rect.moveLeft(available.left());
    if (rect.top() < available.top())
        rect.moveTop(available.top());
    return rect;
}

void restore(QWidget *window, const QByteArray &geometry)
{
    const bool restored = !geometry.isEmpty() && window->restoreGeometry(geometry);
    // The screen the saved geometry is on (restoreGeometry() already picks it when it still exists), else the
    // primary one.
    QScreen *screen = QGuiApplication::screenAt(window->geometry().center());
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    const QRect available = screen ? screen->availableGeometry() : QRect();
    if (!restored) {
        const QSize size = defaultSize(available);
        window->resize(size);
        if (!available.isEmpty())
            window->move(available.center() - QPoint(size.width() / 2, size.height() / 2));
        return;
    }
    if (window->isMaximized() || window->isFullScreen())
        return;
    // The frame is not known before the window shows: fit the client area with room for a title bar.
    const QRect frameless = fitted(window->geometry(), available.adjusted(0, 30, 0, 0));
    if (frameless != window->geometry())
        window->setGeometry(frameless);
}

} // namespace getbill::gui::WindowPlacement
