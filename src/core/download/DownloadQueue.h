#pragma once

#include "Format.h"
#include "api/RateBudget.h"
#include "api/Report.h"
#include "download/DownloadItem.h"
#include "download/ReportDownloadJob.h"
#include "download/TicketPrefetcher.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <optional>

namespace getbill {

class ApiClient;
class DownloadHistory;

/// Runs ReportDownloadJobs a few at a time and exposes every item as a row (the model the GUI and CLI share).
/// Progress reaches views at most every `progressIntervalMs` per row, so several large downloads do not flood
/// the GUI; state changes are shown at once. When the API's rate-limit budget runs low the queue starts new
/// items more slowly, and stops starting them while the window is exhausted.
class DownloadQueue : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        ReportIdRole = Qt::UserRole + 1,
        StateRole,         ///< ReportDownloadJob::State (QVariant::value<State>())
        BytesReceivedRole, ///< qint64
        TotalBytesRole,    ///< qint64, -1 while unknown
        SpeedRole,         ///< bytes/s, double
        SecondsLeftRole,   ///< qint64, or invalid while unknown
        TargetPathRole,    ///< the final path, once known
        ErrorRole,         ///< the message for the user: why it failed, or why it is waiting
        RetryAtRole,       ///< QDateTime (local) of the next attempt while waiting
        TitleRole,
        LinkExpiryRole, ///< QDateTime (UTC) the current download link expires, once known
        SerialRole,     ///< quint64, unique per item and never reused (rows move; this does not)
        FinishedAtRole, ///< QDateTime (UTC) the item ended, once final
        ErrorKindRole,  ///< int(ApiError::Kind) of the final error (Kind::None unless failed or cancelled)
    };

    static constexpr int progressIntervalMs = 100;

    DownloadQueue(ApiClient *api, QObject *parent = nullptr);
    ~DownloadQueue() override;

    void setMaxConcurrent(int n); ///< at least 1; default 3
    /// Fetches the next items' links while every slot is busy (what it holds, how links age).
    TicketPrefetcher *prefetcher() { return &m_prefetch; }
    int maxConcurrent() const { return m_maxConcurrent; }

    /// Records every successful download there (not owned; may be null).
    void setHistory(DownloadHistory *history) { m_history = history; }
    DownloadHistory *history() const { return m_history; }

    /// When X-RateLimit-Remaining falls to this many requests or fewer, new items start only one at a time and
    /// spread over the rest of the window.
    void setRateLimitReserve(int requests) { m_budget.setReserve(requests); }

    /// Adds an item; returns its row. `title` is for display (report title or filename). With `local`, the item
    /// copies that verified file instead of downloading (ReportDownloadJob::setLocalSource()).
    int enqueue(const QString &reportId, const DownloadTarget &target, const std::optional<DownloadTicket> &ticket = {},
                const QString &title = {}, const std::optional<LocalCopySource> &local = {});
    /// The newest row of a report, or -1.
    int rowOfReport(const QString &reportId) const;
    void cancel(int row);
    void cancelAll();
    /// "Quit and resume later": every item not finished stops and is remembered (PendingDownloads), the bytes
    /// received are kept with their records; the next start continues them. Rows end as State::Interrupted.
    void suspendAll();
    /// Removes one finished row (failed, cancelled, interrupted or done; the file stays).
    void remove(int row);
    /// Another attempt of a failed, cancelled or interrupted row, in its place (to `target` when given: "choose
    /// another folder"). False when the row is running or done.
    bool retry(int row, const std::optional<DownloadTarget> &target = std::nullopt);
    /// The row of an item by its SerialRole, or -1.
    int rowOfSerial(quint64 serial) const { return rowOf(serial); }
    /// Removes the rows that are done, failed or cancelled.
    void clearFinished();
    ReportDownloadJob *job(int row) const; ///< nullptr once finished (or before it started)

    ReportDownloadJob::State state(int row) const;
    /// The final error of a failed or cancelled row (Kind::None otherwise).
    ApiError error(int row) const;
    QString targetPath(int row) const;
    QString reportId(int row) const;
    int runningCount() const;
    /// Rows not finished yet: queued, running, or waiting between attempts.
    int unfinishedCount() const;
    bool isIdle() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// "Waiting until 14:05: <why>" for a waiting row: what the GUI and the CLI print.
    static QString waitingMessage(const QDateTime &retryAt, const ApiError &why)
    {
        return Format::waitingUntil(retryAt, why);
    }

signals:
    void itemFinished(int row);
    void idle(); ///< nothing queued or running any more

private:
    int rowOf(quint64 serial) const;
    void schedule();
    void startItem(int row);
    void onJobStateChanged(quint64 serial);
    void onJobFinished(quint64 serial);
    void flushProgress();
    void emitRowChanged(int row);
    /// Ends a row that has no job (queued, or between attempts) without running it.
    void endWaitingItem(int row, ReportDownloadJob::State state, const ApiError &why);
    void emitIdleIfDone();

    QPointer<ApiClient> m_api;
    TicketPrefetcher m_prefetch;
    DownloadHistory *m_history = nullptr;
    QList<DownloadItem> m_items;
    quint64 m_nextSerial = 1;
    int m_maxConcurrent = 3;
    RateBudget m_budget;
    QTimer m_progressTimer;
    QTimer m_scheduleTimer;
    QDateTime m_lastStart;
    bool m_wasBusy = false;
};

} // namespace getbill
