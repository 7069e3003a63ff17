#pragma once

#include "api/ApiClient.h"
#include "api/Report.h"
#include "api/ReportJobs.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <deque>
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
class DownloadHistory;
class DownloadQueue;
class ReportListJob;
class Settings;
class TicketJob;
struct DownloadTarget;
} // namespace getbill

namespace getbill::gui {

class DownloadsPanel;
class DropOverlay;
class FileLauncher;
class MessageBar;
class ReportDetailPanel;
class ReportFilterModel;
class ReportTableModel;
class SaveLocationChooser;

/// The application's window: the welcome page (sign in or demo data), then the report list with its filter,
/// search and detail panel, the downloads panel, and the message bar. It turns clicks, keys, drops, pastes and
/// ids handed over by a second launch into ApiClient calls and DownloadQueue items; it owns none of the services
/// (main() passes them in) and never touches a network reply.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ApiClient *api, DownloadQueue *queue, Settings *settings, SaveLocationChooser *chooser,
               FileLauncher *launcher, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// First run without an account: the choice between signing in and demo data.
    void showWelcome();
    /// The report list; loads it when it was never loaded.
    void showReports();
    bool isShowingWelcome() const;
    /// "Demo data" in the title and status bar.
    void setDemoMode(bool demo);
    bool isDemoMode() const { return m_demo; }
    /// Reports already saved (by this window earlier, or by the CLI) show where they are, when the file is still
    /// there.
    void setHistory(DownloadHistory *history) { m_history = history; }
    bool isLoading() const { return m_listJob != nullptr; }

    QStringList selectedReportIds() const;
    ReportTableModel *reportModel() const { return m_model; }
    ReportFilterModel *filterModel() const { return m_proxy; }
    QTableView *reportTable() const;
    ReportDetailPanel *detailPanel() const { return m_detail; }
    DownloadsPanel *downloadsPanel() const { return m_downloads; }
    MessageBar *messageBar() const { return m_messages; }
    DropOverlay *dropOverlay() const { return m_overlay; }

public slots:
    /// Reloads every page of the list; rows update in place, so the selection stays.
    void refresh();
    /// Report ids from a drop, a paste, the command line or a second launch: ids not in the list are fetched and
    /// added, unknown or forbidden ones reported in the message bar; the others are selected and downloaded.
    void openReportIds(const QStringList &ids);
    /// Ids or links in free text (the clipboard, a second launch's arguments).
    void openReportText(const QString &text);
    void pasteReportIds();
    /// Downloads the given reports: the native save dialog for one (or the download folder when the settings say
    /// so, or a folder dialog for several).
    void downloadReports(const QStringList &ids, bool chooseLocation);
    void downloadSelected(bool chooseLocation);
    void openSettings();

signals:
    void signInRequested();
    void demoRequested();
    /// The settings dialog was accepted: main() re-applies API address and certificates.
    void settingsChanged();
    /// A report list finished loading (successfully or not).
    void listLoaded(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct PendingSave
    {
        Report report;
        DownloadTicket ticket;
        bool chooseLocation;
    };

    void createActions();
    void setupTable();
    void restoreState();
    void saveState();
    void updateTypeCombo();
    void updateEmptyState();
    void updateDetail();
    void updateCount();
    void downloadOne(const Report &report, bool chooseLocation);
    void processPendingSaves();
    void saveWithTicket(const PendingSave &save);
    void enqueue(const Report &report, const DownloadTarget &target, const std::optional<DownloadTicket> &ticket);
    void onDownloadFinished(int row);
    void selectIds(const QStringList &ids);
    void clearFilters();

    std::unique_ptr<Ui::MainWindow> m_ui;
    ApiClient *m_api;
    DownloadQueue *m_queue;
    DownloadHistory *m_history = nullptr;
    Settings *m_settings;
    SaveLocationChooser *m_chooser;
    FileLauncher *m_launcher;

    ReportTableModel *m_model;
    ReportFilterModel *m_proxy;
    ReportDetailPanel *m_detail;
    DownloadsPanel *m_downloads;
    QDockWidget *m_downloadsDock;
    MessageBar *m_messages;
    DropOverlay *m_overlay;
    QProgressBar *m_busy;
    QLabel *m_modeLabel;

    QPointer<ReportListJob> m_listJob;
    bool m_loadedOnce = false;
    bool m_demo = false;
    QHash<QString, QPointer<TicketJob>> m_ticketJobs;
    std::deque<PendingSave> m_pendingSaves;
    bool m_inSaveDialog = false;
    QStringList m_idsWaitingForList;
};

} // namespace getbill::gui
