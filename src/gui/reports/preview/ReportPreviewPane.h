#pragma once

#include "PreviewLoader.h"
#include "api/Report.h"
#include "preview/PreviewFileJob.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace getbill {
class ApiClient;
class DownloadHistory;
class PreviewCache;
} // namespace getbill

namespace getbill::gui {

class PdfPreviewWidget;
class TablePreviewWidget;

/// The Preview tab of the detail panel: the shown report's PDF pages or tables, read from the cheapest place
/// (PreviewFileJob: the saved file, the preview cache, or a verified download into the cache) and parsed off the
/// GUI thread (PreviewLoader). When it loads is the rule that spares GetBill's rate limit (every download-info
/// request is logged and counted):
///   - nothing happens while the tab is closed, whatever the selection does;
///   - opening the tab loads the shown report;
///   - while the tab is open, selecting another report loads it by itself once the selection rests on it
///     (autoLoadDelay), and only when it is at most autoLoadBytes; a larger one waits for "Load preview".
/// Changing the report cancels what was under way (the download, the parse). Every failure, hostile files included,
/// ends as a message in the tab, with "Try again" where that can help. "Save…" asks for the normal save flow, which
/// copies from the cache when it holds the file.
class ReportPreviewPane : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 autoLoadBytes = qint64(20) << 20;

    enum class State
    {
        NoReport,
        Waiting,        ///< a report, not loaded: the tab is closed
        AskToLoad,      ///< larger than autoLoadBytes (or cancelled): "Load preview"
        NotPreviewable, ///< a kind of file the preview does not read, or not ready yet
        Fetching,       ///< getting the bytes (download, or from disk)
        Reading,        ///< parsing in the worker
        Showing,
        Failed, ///< a message, and "Try again"
    };
    Q_ENUM(State)

    explicit ReportPreviewPane(QWidget *parent = nullptr);
    ~ReportPreviewPane() override;

    /// Where bytes come from (any may be null; without a cache only saved files are previewed).
    void setSources(ApiClient *api, DownloadHistory *history, PreviewCache *cache);
    void setReport(const Report &report);
    void clearReport();
    /// How long the selection rests on a report before it loads by itself (default 250 ms).
    void setAutoLoadDelay(int ms) { m_autoLoad.setInterval(ms); }

    State state() const { return m_state; }
    /// What the tab says when it shows no content (the message page's text).
    QString message() const;
    /// Where the shown preview came from.
    PreviewFileJob::Origin origin() const { return m_origin; }
    PdfPreviewWidget *pdfView() const { return m_pdf; }
    TablePreviewWidget *tableView() const { return m_table; }
    /// The reader (its PDF checker, for tests and tools).
    PreviewLoader *loader() const { return m_loader; }

public slots:
    /// Loads the shown report now, whatever its size: the tab was opened, or "Load preview" was clicked.
    void load();
    /// Stops the download or the parse under way.
    void cancel();

signals:
    /// "Save…": the report should go through the normal save flow.
    void saveRequested(const QString &reportId);
    /// A line for the status bar.
    void statusMessage(const QString &text, int timeoutMs);
    void stateChanged(getbill::gui::ReportPreviewPane::State state);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void stop();
    void autoLoad();
    void onFetched(PreviewFileJob *job);
    void onLoaded(const std::shared_ptr<PreviewContent> &content);
    void showMessage(State state, const QString &text, const QString &action = {}, bool busy = false);
    void setState(State state);
    void updateHeader();
    static QString keyOf(const Report &report);

    QPointer<ApiClient> m_api;
    DownloadHistory *m_history = nullptr;
    QPointer<PreviewCache> m_cache;
    std::optional<Report> m_report;
    QString m_key;         ///< the shown report's version (keyOf)
    bool m_loaded = false; ///< load() ran for this version
    State m_state = State::NoReport;
    PreviewFileJob::Origin m_origin = PreviewFileJob::Origin::None;
    QPointer<PreviewFileJob> m_job;
    PreviewLoader *m_loader;
    QTimer m_autoLoad;

    QLabel *m_source;
    QPushButton *m_save;
    QStackedWidget *m_pages;
    QWidget *m_messagePage;
    QLabel *m_message;
    QProgressBar *m_progress;
    QPushButton *m_action;
    QPushButton *m_cancel;
    PdfPreviewWidget *m_pdf;
    TablePreviewWidget *m_table;
};

} // namespace getbill::gui
