#pragma once

#include "Clock.h"
#include "Job.h"
#include "api/Report.h"
#include "api/RequestGate.h"
#include "download/SyncPlan.h"
#include "download/SyncRule.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <memory>

namespace getbill {

class ApiClient;
class DownloadController;
class ReportJob;
class ReportListJob;
class SyncClaim;

/// One sync of a rule: lists every page (the type filter on GetBill's side when the rule has one type, the rest
/// here), then fetches each completed report that is not already fetched into the rule's folder (SyncPlan: the
/// download history's record, the template's place), through the DownloadController's queue, and, when the rule
/// says so, polls reports being generated (GET /reports/{id}, 10 s, 20 s, 40 s... up to 5 min apart) until they
/// finish or the wait ends, fetching them as they do. A report that fails does not stop the others; the job ends
/// with the first failure in the list's order. Every API request goes through a RequestGate that keeps the rule's
/// reserve of the rate limit and waits for the window (and after a 429) rather than failing.
///
/// The CLI's `sync` drives one and prints what it signals; the window's watch rules can do the same. `api` must be
/// the controller's client (its tickets are gated too); the gate is installed on it for the run and removed after,
/// so a window that wants its own requests ungated gives the job an ApiClient and a controller of its own. Two jobs
/// (in two processes) on one folder never fetch one report together (SyncClaim), and a report is recorded before
/// its claim is released.
class SyncJob : public Job
{
    Q_OBJECT
public:
    SyncJob(ApiClient *api, DownloadController *controller, SyncRule rule, QObject *parent = nullptr);
    ~SyncJob() override;

    /// The time of every wait (rate limit, polling); not owned. Default: the system clock. Before start().
    void setClock(Clock *clock);
    const SyncRule &rule() const { return m_rule; }
    /// The rule's folder, absolute (and canonical once it exists).
    const QString &rootFolder() const { return m_root; }
    /// The gate of this run (null before start()).
    RequestGate *gate() const { return m_gate; }
    /// GetBill's limit is known and not above the rule's reserve: nothing could be sent.
    bool reserveTooLarge() const { return m_gate && m_gate->reserveTooLarge(); }

    QStringList savedPaths() const { return m_saved; }
    int failureCount() const { return int(m_failed.size()); }

signals:
    /// A new file is complete at `path` (absolute).
    void saved(const QString &reportId, const QString &path);
    /// Dry run: `path` is where the report would be saved.
    void planned(const QString &reportId, const QString &path);
    /// One report could not be fetched; the others go on.
    void reportFailed(const QString &reportId, const getbill::ApiError &error);
    /// Something for the user that is not a failure (skipped reports, reports still being generated).
    void notice(const QString &text);
    /// A list page or a poll waits to be tried again.
    void retrying(const getbill::ApiError &error, int delayMs);
    /// The gate holds every request until `until` (once per wait).
    void rateLimitWait(const QDateTime &until, getbill::RequestGate::Reason reason, int reserve);

protected:
    void run() override;
    void abortWork() override;

private:
    void onListed(ReportListJob *list);
    void consider(const Report &report);
    void fetch(const Report &report, const SyncStep &step);
    void onItemFinished(int row);
    void fail(const QString &reportId, const ApiError &error);
    void pollLater();
    void pollRound();
    void onPolled(ReportJob *poll);
    void finishIfDone();
    void finish(const ApiError &error);
    void restoreGate();

    QPointer<ApiClient> m_api;
    QPointer<DownloadController> m_controller;
    SyncRule m_rule;
    Clock *m_clock = nullptr;
    std::unique_ptr<SystemClock> m_systemClock;
    RequestGate *m_gate = nullptr;
    QPointer<RequestGate> m_previousGate;
    std::unique_ptr<ClockTimer> m_pollTimer;
    QString m_root;
    QString m_account;
    bool m_listed = false;
    bool m_aborting = false;
    QStringList m_order;                                  ///< report ids in the list's order
    QHash<QString, ApiError> m_failed;                    ///< by report id
    QHash<QString, std::shared_ptr<SyncClaim>> m_running; ///< in the queue, with the claim held
    QHash<QString, Report> m_pending;                     ///< being generated, polled
    QSet<QString> m_planned;                              ///< dry run: paths already printed
    QStringList m_saved;
    ApiError m_historyError;
    qint64 m_pollDelayMs = 0;
    qint64 m_deadlineMs = 0;
    int m_pollsInFlight = 0;
};

} // namespace getbill
