#pragma once

#include "Job.h"
#include "api/Report.h"
#include "download/DownloadHistory.h"
#include "download/DownloadTarget.h"
#include "download/LocalCopyJob.h"
#include "download/TransferRate.h"

#include <QPointer>
#include <QTimer>
#include <optional>

namespace getbill {

class ApiClient;
class DownloadJob;
class TicketJob;

/// Gets one report onto disk: asks for the download information (unless a fresh ticket was handed in), streams
/// the file with DownloadJob, and retries what is worth retrying (backoff with jitter, the server's own delay for
/// 429) with a fresh link each time, since links may be single use; a retry continues the .part where the last
/// attempt stopped. A link the download host refuses is replaced at most maxLinkRefreshes times. Given a verified
/// local copy (the preview cache's, setLocalSource()), it copies that instead, with the same commit rules, and asks
/// GetBill nothing unless the copy turns out unusable. The whole life of one item of the downloads list.
class ReportDownloadJob : public Job
{
    Q_OBJECT
public:
    enum class State
    {
        Queued,
        GettingLink,
        Downloading,
        Waiting,
        Done,
        Failed,
        Cancelled,
        Verifying,   ///< the bytes are all there; checking size (and checksum) before the file appears
        Interrupted, ///< stopped by a quit that chose "resume later": what arrived is kept and continues next time
    };
    Q_ENUM(State)

    ReportDownloadJob(ApiClient *api, QString reportId, DownloadTarget target, QObject *parent = nullptr);
    ~ReportDownloadJob() override;

    /// Use this ticket for the first attempt (one that is still fresh, e.g. the benchmark's own).
    void setTicket(const DownloadTicket &ticket) { m_ticket = ticket; }
    /// A link fetched a moment ago (TicketPrefetcher): used as it is, like one the job just fetched itself, whatever
    /// this computer's clock says of its expiry.
    void setFreshTicket(const DownloadTicket &ticket)
    {
        m_ticket = ticket;
        m_ticketFresh = true;
    }
    /// Copy this verified file (the preview cache's) instead of downloading: no request at all. Should the copy turn
    /// out unusable (LocalCopyJob::sourceUnusable()), the report is downloaded as usual.
    void setLocalSource(const LocalCopySource &source) { m_local = source; }
    /// The file was copied from the local source, not downloaded.
    bool copiedLocally() const { return m_copied; }

    const QString &reportId() const { return m_reportId; }
    State state() const { return m_state; }
    /// The final path, known once the ticket is (Folder modes) or from the start (File mode).
    QString targetPath() const { return m_targetPath; }
    const std::optional<DownloadTicket> &ticket() const { return m_ticket; }
    qint64 bytesReceived() const { return m_received; }
    qint64 totalBytes() const { return m_ticket ? m_ticket->fileSize : m_local ? m_local->size : -1; }
    double bytesPerSecond() const { return m_rate.bytesPerSecond(); }
    std::optional<qint64> secondsLeft() const { return m_rate.secondsLeft(totalBytes()); }
    /// While State::Waiting: when the next attempt starts.
    QDateTime retryAt() const { return m_retryAt; }
    /// The last transient error while waiting to retry.
    const ApiError &lastError() const { return m_lastError; }
    int attempts() const { return m_attempts; }
    /// What DownloadHistory keeps of a successful download (invalid before success).
    const DownloadRecord &record() const { return m_record; }

    /// Stops and keeps what arrived for the next start of the application (State::Interrupted).
    void suspend();

    /// Links refreshed because the download host refused them, per item at most.
    static constexpr int maxLinkRefreshes = 2;
    /// A ticket that expires within this margin is not used: the download might outlive it.
    static constexpr int ticketMarginSeconds = 60;

signals:
    void stateChanged(getbill::ReportDownloadJob::State state);

protected:
    void run() override;
    void abortWork() override;

private:
    void setState(State state);
    void fetchTicket();
    void download();
    void copyLocal();
    void succeed(qint64 size, const QString &sha256);
    void onAttemptFailed(const ApiError &error);
    void failFinally(const ApiError &error);
    bool resolveTarget(QString *path, ApiError *error) const;

    QPointer<ApiClient> m_api;
    QString m_reportId;
    DownloadTarget m_target;
    std::optional<DownloadTicket> m_ticket;
    bool m_ticketFresh = false;
    std::optional<LocalCopySource> m_local;
    bool m_copied = false;
    QString m_targetPath;
    State m_state = State::Queued;
    TicketJob *m_ticketJob = nullptr;
    DownloadJob *m_download = nullptr;
    QTimer m_retryTimer;
    QTimer m_apiWaitTimer; ///< ends the Waiting shown while the API call itself waits to retry
    QDateTime m_retryAt;
    ApiError m_lastError;
    TransferRate m_rate;
    qint64 m_received = 0;
    int m_attempts = 0;
    int m_linkRefreshes = 0;
    bool m_partialKept = false; ///< a .part of ours waits for the next attempt
    DownloadRecord m_record;
};

} // namespace getbill
