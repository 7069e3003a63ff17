#pragma once

#include "ReportsView.h"

#include <QMainWindow>
#include <functional>
#include <memory>

class QDockWidget;
class QLabel;
class QProgressBar;
class QTableView;

namespace Ui {
class MainWindow;
}

namespace getbill {
class ApiClient;
class ApiError;
class DownloadController;
class DownloadHistory;
class DownloadListModel;
class Settings;
class WatchScheduler;
} // namespace getbill

namespace getbill::gui {

class DialogSaveLocation;
class DownloadsPanel;
class DropOverlay;
class FileLauncher;
class MessageBar;
class ReportDetailPanel;
class ReportFilterModel;
class ReportTableModel;
class SaveLocationChooser;

/// The application's window: the welcome page (sign in, or demo data), the reports page, the downloads panel,
/// the message bar and the menus. It turns clicks, keys, drops, pastes and handed-over ids into requests to the
/// DownloadController and renders what the controller, its queue and the ReportsView say; it owns none of the
/// services (the Application passes them in) and never sees a network reply.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ApiClient *api, DownloadController *downloads, Settings *settings, SaveLocationChooser *chooser,
               FileLauncher *launcher, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// First run without an account: the choice between signing in and demo data.
    void showWelcome();
    /// The report list; loads it when it was never loaded (unless `load` is false: the address is not known yet).
    void showReports(bool load = true);
    bool isShowingWelcome() const;
    /// "Demo data" in the title and status bar.
    void setDemoMode(bool demo);
    /// Whether File > Back to demo data is offered (a build or a start without the demo host has none).
    void setDemoAvailable(bool available);
    /// The overall download progress in the title ("42% — GetBill Reports"); -1 when nothing runs.
    void setOverallProgress(int percent);
    bool isDemoMode() const { return m_demo; }
    /// What is already saved (the history the CLI shares), shown on the report rows.
    void setHistory(DownloadHistory *history);
    bool isLoading() const { return m_reports->isLoading(); }
    /// Another account: the list is emptied and loads anew on showReports().
    void clearReports();
    /// The watch rules' runner: the settings' Watch page edits and runs its rules (not owned; may be null).
    void setWatch(WatchScheduler *watch) { m_watch = watch; }
    /// Asked when the window is closed: false keeps it (the guard hides it or asks first), true lets it close.
    void setCloseGuard(std::function<bool()> guard) { m_closeGuard = std::move(guard); }

    ReportsView *reportsView() const { return m_reports; }
    QStringList selectedReportIds() const { return m_reports->selectedReportIds(); }
    ReportTableModel *reportModel() const { return m_reports->model(); }
    ReportFilterModel *filterModel() const { return m_reports->filterModel(); }
    QTableView *reportTable() const { return m_reports->table(); }
    ReportDetailPanel *detailPanel() const { return m_reports->detailPanel(); }
    DownloadsPanel *downloadsPanel() const { return m_downloads; }
    MessageBar *messageBar() const { return m_messages; }
    DropOverlay *dropOverlay() const { return m_overlay; }

public slots:
    void refresh();
    /// Report ids from a drop, a paste, the command line or a second launch. Before an account is chosen they wait
    /// for its list.
    void openReportIds(const QStringList &ids);
    /// Ids or links in free text (the clipboard, a second launch's arguments).
    void openReportText(const QString &text);
    void pasteReportIds();
    void downloadSelected(bool chooseLocation);
    void openSettings();

signals:
    void signInRequested();
    void demoRequested();
    /// The settings dialog was accepted: the Application re-applies API address and certificates.
    void settingsChanged();
    /// A report list finished loading (successfully or not).
    void listLoaded(bool ok);
    /// File > Quit (Ctrl+Q): the Application decides what happens to running downloads.
    void quitRequested();
    /// Help > Save diagnostics…: the Application writes the report.
    void saveDiagnosticsRequested();
    /// File > Run watch rules now.
    void watchRunRequested();
    /// The window was closed and the close guard let it.
    void closed();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    /// Download, Find and Refresh act on the list: off on the welcome page, where they could do nothing.
    void enableReportActions(bool enabled);
    void connectDownloads();
    void restoreWindowState();
    void saveWindowState();
    void download(const QStringList &ids, bool chooseLocation);
    void onListLoadFailed(const ApiError &error);
    void onDownloadFinished(int row);
    void showNoIdFound(const QString &where);

    std::unique_ptr<Ui::MainWindow> m_ui;
    ApiClient *m_api;
    DownloadController *m_controller;
    Settings *m_settings;
    WatchScheduler *m_watch = nullptr;
    SaveLocationChooser *m_chooser;
    FileLauncher *m_launcher;
    DialogSaveLocation *m_saveLocation;
    ReportsView *m_reports;
    DownloadListModel *m_downloadList;
    DownloadsPanel *m_downloads;
    QDockWidget *m_downloadsDock;
    MessageBar *m_messages;
    DropOverlay *m_overlay;
    QProgressBar *m_busy;
    QLabel *m_modeLabel;
    bool m_demo = false;
    int m_progress = -1;
    QStringList m_idsWaitingForList;
    std::function<bool()> m_closeGuard;
};

} // namespace getbill::gui
