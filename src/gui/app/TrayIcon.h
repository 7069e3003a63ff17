#pragma once

#include "download/DownloadProgressSummary.h"

#include <QObject>
#include <memory>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace getbill::gui {

/// The icon in the system tray (where there is one): a click brings the window back; its menu lists the downloads
/// running (title and percent), then "Show window" and "Quit".
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    explicit TrayIcon(QObject *parent = nullptr);
    ~TrayIcon() override;

    void setRunning(const QList<DownloadProgressSummary::Item> &items);
    /// A balloon from the tray: the fallback of desktop notifications.
    void showMessage(const QString &title, const QString &body);

    QSystemTrayIcon *icon() const { return m_icon.get(); }
    QMenu *menu() const { return m_menu.get(); }

signals:
    void showWindowRequested();
    void quitRequested();
    void messageClicked();

private:
    std::unique_ptr<QMenu> m_menu;
    std::unique_ptr<QSystemTrayIcon> m_icon;
    QList<QAction *> m_running;
    QAction *m_separator = nullptr;
};

} // namespace getbill::gui
