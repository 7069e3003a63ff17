#pragma once

#include <QObject>
#include <QString>
#include <memory>

namespace getbill {
class DesktopNotifier;
class DownloadProgressSummary;
class DownloadQueue;
class LauncherEntry;
class Settings;
} // namespace getbill

namespace getbill::gui {

class FileLauncher;
class MainWindow;
class TrayIcon;

/// How the application shows itself outside its window while it downloads: the overall progress in the window's
/// title and the launcher entry, the tray icon and its menu (where a tray exists), and a notification when a
/// download or a batch ends while the window is not active (clicking it shows the file in the file manager).
/// Notifications go over org.freedesktop.Notifications, else to the tray's balloon.
class DesktopIntegration : public QObject
{
    Q_OBJECT
public:
    DesktopIntegration(MainWindow *window, DownloadQueue *queue, Settings *settings, FileLauncher *launcher,
                       QObject *parent = nullptr);
    ~DesktopIntegration() override;

    /// Null when there is no system tray.
    TrayIcon *tray() const { return m_tray.get(); }
    DownloadProgressSummary *summary() const { return m_summary.get(); }

    /// The window is closing while downloads run: hides it to the tray when there is one and the setting allows it
    /// (saying so the first time). False: the caller asks what to do.
    bool hideToTray();
    void showWindow();

signals:
    void quitRequested();

private:
    bool isWatched() const; ///< the window is in front of the user
    void onProgress();
    void onItemFinished(int row);
    void flushNotification();
    void notify(const QString &summary, const QString &body, const QString &path);
    void showFile(const QString &path);

    MainWindow *m_window;
    DownloadQueue *m_queue;
    Settings *m_settings;
    FileLauncher *m_launcher;
    std::unique_ptr<DownloadProgressSummary> m_summary;
    std::unique_ptr<DesktopNotifier> m_notifier;
    std::unique_ptr<LauncherEntry> m_launcherEntry;
    std::unique_ptr<TrayIcon> m_tray;
    // The batch ending while the window is not active: told in one notification once nothing runs.
    int m_done = 0;
    int m_failed = 0;
    QString m_lastTitle;
    QString m_lastPath;  ///< the last saved file of the batch: what a click shows
    QString m_lastError; ///< the message of the only failure
    QString m_trayPath;  ///< what a click on the tray's balloon shows
};

} // namespace getbill::gui
