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
struct WatchRun;
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

    /// The window is closing while downloads run (or watch rules are on: `downloading` false): hides it to the tray
    /// when there is one and the setting allows it (saying so the first time). False: the caller decides.
    bool hideToTray(bool downloading = true);
    void showWindow();
    /// A watch rule's run ended: its new files are told in a notification while the window is not active ("3 new
    /// reports saved to Reports/2026"; a click shows the last one), nothing when there is nothing new, and a
    /// failure in the message bar.
    void watchRunFinished(const getbill::WatchRun &run);
    /// How a folder is named in notifications: under the home folder, relative to it.
    static QString shortFolder(const QString &folder);

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
