#pragma once

#include "api/Report.h"
#include "api/ReportJobs.h"

#include <QPointer>
#include <QWidget>
#include <memory>
#include <optional>

class QSplitter;
class QTableView;

namespace Ui {
class ReportsView;
}

namespace getbill {
class ApiClient;
class ApiError;
class DownloadHistory;
class DownloadQueue;
class PreviewCache;
class ReportWatcher;
} // namespace getbill

namespace getbill::gui {

class ReportColumns;
class ReportDetailPanel;
class ReportFilterModel;
class ReportTableModel;

/// The reports page: search, type filter, the list of every report of the account, and the detail panel of the
/// report the user is on. One rule binds them: the current row is the selected row, and the panel shows exactly
/// what the keyboard and menu actions act on (nothing selected, nothing shown). It loads the list (pages fill in
/// as they arrive), marks what the download history says is already saved, follows a report that is still being
/// generated while it is shown, and asks for downloads; it never downloads or shows messages itself.
class ReportsView : public QWidget
{
    Q_OBJECT
public:
    ReportsView(ApiClient *api, DownloadQueue *queue, QWidget *parent = nullptr);
    ~ReportsView() override;

    /// What is already saved (may be null).
    void setHistory(DownloadHistory *history);
    /// Where the preview keeps what it downloads (may be null: then only saved files are previewed).
    void setPreviewCache(PreviewCache *cache);

    ReportTableModel *model() const { return m_model; }
    ReportFilterModel *filterModel() const { return m_proxy; }
    QTableView *table() const;
    ReportDetailPanel *detailPanel() const { return m_detail; }
    ReportWatcher *watcher() const { return m_watcher; }

    bool isLoading() const { return m_listJob != nullptr; }
    bool hasLoaded() const { return m_loadedOnce; }
    /// The reports a download acts on, in the table's order.
    QStringList selectedReportIds() const;
    QList<Report> selectedReports() const;
    /// A report of the list, when it is there.
    std::optional<Report> report(const QString &id) const;
    /// Adds or updates a report (one looked up from a dropped id).
    void addReport(const Report &report);
    /// Selects these reports (clearing the filters when one of them is hidden by them) and scrolls to the first.
    void selectIds(const QStringList &ids);
    /// Ctrl+F: the search field, its text selected.
    void focusSearch();
    /// Another account: the list is emptied and will load anew.
    void clear();

    QByteArray headerState() const;
    void restoreHeaderState(const QByteArray &state);

    /// The list's columns (widths, chooser, the ones stepped aside for room).
    ReportColumns *columns() const { return m_columns; }
    /// The list and the panel: side by side, or the panel below the list when the page is narrower than
    /// sideBySideWidth() (it switches back as the page widens).
    QSplitter *splitter() const;
    int sideBySideWidth() const;

public slots:
    /// Reloads every page; rows update in place, so the selection stays. One load at a time.
    void refresh();

signals:
    /// Download these reports (Enter, double-click, the panel's buttons); `chooseLocation`: "Download to…".
    void downloadRequested(const QStringList &ids, bool chooseLocation);
    void openRequested(const QString &path);
    void showInFolderRequested(const QString &path);
    /// A line for the status bar.
    void statusMessage(const QString &text, int timeoutMs);
    /// While loading: pages so far of all (0 of 0 until the first page says how many); `done` at the end.
    void loadProgress(int page, int pages, bool done);
    /// The list could not be loaded; the old rows stay.
    void loadFailed(const getbill::ApiError &error);
    void listLoaded(bool ok);
    /// The panel moved beside the list (Horizontal) or below it (Vertical).
    void orientationChanged(Qt::Orientation orientation);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void setupTable();
    void updateOrientation();
    void applyOrientation(Qt::Orientation orientation);
    void updateTypeCombo();
    void filtersChanged();
    void updateEmptyState();
    void updateCount();
    void updateDetail();
    void clearFilters();
    void markSaved(const QList<Report> &reports);
    void onDownloadChanged(int row);

    std::unique_ptr<Ui::ReportsView> m_ui;
    QPointer<ApiClient> m_api;
    DownloadQueue *m_queue;
    DownloadHistory *m_history = nullptr;
    PreviewCache *m_previewCache = nullptr;
    QList<int> m_sizesBeforePreview; ///< the splitter's sizes before the Preview tab widened the panel
    ReportTableModel *m_model;
    ReportFilterModel *m_proxy;
    ReportDetailPanel *m_detail;
    ReportColumns *m_columns = nullptr;
    bool m_splitDragged = false; ///< the user moved the splitter's handle since the last orientation change
    ReportWatcher *m_watcher;
    QPointer<ReportListJob> m_listJob;
    bool m_loadedOnce = false;
    bool m_loadFailed = false; ///< the last load failed (not cancelled)
};

} // namespace getbill::gui
