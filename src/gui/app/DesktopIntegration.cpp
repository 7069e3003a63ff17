#include "DesktopIntegration.h"

#include "DesktopNotifier.h"
#include "FileLauncher.h"
#include "LauncherEntry.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "Settings.h"
#include "TrayIcon.h"
#include "download/DownloadProgressSummary.h"
#include "download/DownloadQueue.h"
#include "download/WatchScheduler.h"

#include <QDBusConnection>
#include <QDir>
#include <QFileInfo>
#include <QStatusBar>
#include <QSystemTrayIcon>

namespace getbill::gui {

DesktopIntegration::DesktopIntegration(MainWindow *window, DownloadQueue *queue, Settings *settings,
                                       FileLauncher *launcher, QObject *parent)
    : QObject(parent), m_window(window), m_queue(queue), m_settings(settings), m_launcher(launcher),
      m_summary(std::make_unique<DownloadProgressSummary>(queue)),
      m_notifier(std::make_unique<DesktopNotifier>(QDBusConnection::sessionBus()))
{
#ifdef Q_OS_LINUX
    m_launcherEntry = std::make_unique<LauncherEntry>(QDBusConnection::sessionBus());
#endif
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = std::make_unique<TrayIcon>();
        connect(m_tray.get(), &TrayIcon::showWindowRequested, this, &DesktopIntegration::showWindow);
        connect(m_tray.get(), &TrayIcon::quitRequested, this, &DesktopIntegration::quitRequested);
        connect(m_tray.get(), &TrayIcon::messageClicked, this, [this] { showFile(m_trayPath); });
    }
    connect(m_summary.get(), &DownloadProgressSummary::changed, this, &DesktopIntegration::onProgress);
    connect(m_queue, &DownloadQueue::itemFinished, this, &DesktopIntegration::onItemFinished);
    connect(m_queue, &DownloadQueue::idle, this, &DesktopIntegration::flushNotification);
    connect(m_notifier.get(), &DesktopNotifier::activated, this, &DesktopIntegration::showFile);
}

DesktopIntegration::~DesktopIntegration()
{
    if (m_launcherEntry)
        m_launcherEntry->clear();
}

bool DesktopIntegration::hideToTray(bool downloading)
{
    if (!m_tray || !m_settings->keepRunningInTray())
        return false;
    m_window->hide();
    if (!m_settings->trayNoticeShown()) {
        m_settings->setTrayNoticeShown(true);
        m_trayPath.clear();
        notify(downloading ? tr("GetBill Reports keeps downloading in the tray")
                           : tr("GetBill Reports keeps watching for new reports in the tray"),
               tr("Click its icon to bring the window back, or quit from its menu."), {});
    }
    return true;
}

QString DesktopIntegration::shortFolder(const QString &folder)
{
    const QString home = QDir::homePath();
    const QString clean = QDir::cleanPath(folder);
    if (clean.startsWith(home + u'/'))
        return QDir::toNativeSeparators(clean.mid(home.size() + 1));
    return QDir::toNativeSeparators(clean);
}

void DesktopIntegration::watchRunFinished(const WatchRun &run)
{
    if (run.error.isError())
        m_window->messageBar()->showMessage(MessageBar::Level::Error,
                                            tr("Watch rule “%1”: %2").arg(run.rule, run.error.message()));
    if (run.saved.isEmpty())
        return; // quiet when nothing is new
    // The folder the files share (a template may sort them into several under the rule's folder).
    QString folder = QFileInfo(run.saved.first()).absolutePath();
    for (const QString &path : run.saved) {
        const QString dir = QFileInfo(path).absolutePath();
        while (dir != folder && !dir.startsWith(folder + u'/') && folder.size() > run.folder.size())
            folder = QFileInfo(folder).absolutePath();
    }
    const int n = int(run.saved.size());
    if (isWatched()) {
        m_window->statusBar()->showMessage(
            tr("Watch rule “%1”: %n new report(s) saved to %2.", nullptr, n).arg(run.rule, shortFolder(folder)), 10000);
        return;
    }
    notify(tr("%n new report(s) saved to %1", nullptr, n).arg(shortFolder(folder)), tr("Watch rule “%1”").arg(run.rule),
           run.saved.last());
}

void DesktopIntegration::showWindow()
{
    m_window->showNormal();
    m_window->raise();
    m_window->activateWindow();
}

bool DesktopIntegration::isWatched() const
{
    return m_window->isVisible() && m_window->isActiveWindow();
}

void DesktopIntegration::onProgress()
{
    const int percent = m_summary->percent();
    m_window->setOverallProgress(percent);
    if (m_launcherEntry)
        m_launcherEntry->update(m_summary->fraction(), m_summary->runningCount());
    if (m_tray)
        m_tray->setRunning(m_summary->running());
}

void DesktopIntegration::onItemFinished(int row)
{
    // What the user watched finish needs no word.
    if (isWatched())
        return;
    const auto state = m_queue->state(row);
    if (state == ReportDownloadJob::State::Done) {
        ++m_done;
        m_lastPath = m_queue->targetPath(row);
    } else if (state == ReportDownloadJob::State::Failed) {
        ++m_failed;
        m_lastError = m_queue->error(row).message();
    } else {
        return; // cancelled or paused by the user: nothing to tell
    }
    m_lastTitle = m_queue->index(row).data(DownloadQueue::TitleRole).toString();
    if (m_lastTitle.isEmpty())
        m_lastTitle = m_queue->reportId(row);
    if (m_queue->isIdle())
        flushNotification();
}

void DesktopIntegration::flushNotification()
{
    const int done = std::exchange(m_done, 0);
    const int failed = std::exchange(m_failed, 0);
    // Back in front of the window by the end of the batch: the list already says it.
    if (done + failed == 0 || isWatched())
        return;
    if (done + failed == 1 && done == 1)
        notify(tr("Download finished"), m_lastTitle, m_lastPath);
    else if (done + failed == 1)
        notify(tr("Download failed"), tr("%1: %2").arg(m_lastTitle, m_lastError), {});
    else if (failed == 0)
        notify(tr("%n downloads finished", nullptr, done), QFileInfo(m_lastPath).absolutePath(), m_lastPath);
    else
        notify(tr("Downloads finished: %1 saved, %2 failed").arg(done).arg(failed), m_lastError, m_lastPath);
}

void DesktopIntegration::notify(const QString &summary, const QString &body, const QString &path)
{
    if (m_notifier->notify(summary, body, path))
        return;
    if (m_tray) {
        m_trayPath = path;
        m_tray->showMessage(summary, body);
    }
}

void DesktopIntegration::showFile(const QString &path)
{
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        showWindow();
        return;
    }
    if (!m_launcher->showInFolder(path)) {
        showWindow();
        m_window->messageBar()->showError(tr("The file manager could not be opened on %1.").arg(path));
    }
}

} // namespace getbill::gui
