#pragma once

#include "Clock.h"
#include "api/ApiError.h"
#include "api/RateLimit.h"
#include "download/WatchRule.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <memory>

namespace getbill {

class ApiClient;
class DownloadHistory;
class SyncJob;

/// How one run of a watch rule ended.
struct WatchRun
{
    QString rule;        ///< its name
    QString folder;      ///< the rule's folder, absolute
    QStringList saved;   ///< new files, absolute paths
    int failed = 0;      ///< reports that could not be saved
    ApiError error;      ///< the first failure (of a report, or of the whole run: the list, the folder)
    bool manual = false; ///< "Run now", not the schedule
};

/// Runs the window's watch rules while the application runs (with the window, or in the tray): every interval
/// (Settings::watchIntervalMinutes(), 15 minutes by default) each rule that is on gets one SyncJob, exactly the sync
/// `getbill-reports-cli sync` runs (the shared download history says what is already fetched; reports being generated
/// are followed until they complete). Each run has an ApiClient and a DownloadController of its own on the window's
/// network, credential and account key, so the sync's rate-limit gate never holds the user's own requests, and the
/// shared DownloadHistory records each file with the rule's name (the downloads list shows it).
///
/// The schedule keeps within GetBill's budget: a check at most every interval; not more often than half of what is
/// above the sync's reserve would allow for the requests the last check took (nextDueMs()); and while the last
/// answer left no more than the reserve, not before its reset. A run that fails is reported and the next check still
/// happens. Time comes from a Clock, so tests move through hours without waiting.
class WatchScheduler : public QObject
{
    Q_OBJECT
public:
    /// `api` is the window's client (not owned): runs copy its address, options, credential and account key when
    /// they start. `history` and `clock` are not owned; a null clock is the system's.
    WatchScheduler(ApiClient *api, DownloadHistory *history, Clock *clock = nullptr, QObject *parent = nullptr);
    ~WatchScheduler() override;

    /// The rules of the account in use: stops what runs, then checks at once and every interval after (when one
    /// rule is on).
    void setRules(const QList<WatchRule> &rules);
    const QList<WatchRule> &rules() const { return m_rules; }
    /// Minutes between two checks; the next check moves accordingly.
    void setIntervalMinutes(int minutes);
    qint64 intervalMs() const { return m_intervalMs; }
    /// Stops every run and the schedule (signed out; the account is going away). setRules() starts again.
    void stop();

    /// setRules() was called and stop() was not since: an account is in use.
    bool isStarted() const { return m_started; }
    /// A rule is on and checks are planned: closing the window keeps the application in the tray.
    bool isWatching() const;
    bool isRunning(const QString &rule) const { return m_runs.contains(rule); }
    bool hasRunningRules() const { return !m_runs.isEmpty(); }
    /// When the next scheduled check is due (clock time), or -1.
    qint64 nextCheckMs() const { return m_timer.isActive() ? m_timer.dueMs() : -1; }

    /// "Run now": one run of `rule` as given (on or off, saved or not yet). False with the reason when the rule is
    /// not valid or already running.
    bool runNow(const WatchRule &rule, QString *error = nullptr);
    /// Runs every rule that is on, now (the menu's "Run watch rules now").
    void runAll();

    /// When the check after the one at `lastCheckMs` is due: an interval later, or later when `limit` (GetBill's
    /// last answer) says the budget cannot carry checks that often: checks that took `requestsPerCheck` requests
    /// may spend at most half of what the window allows above `reserve`, and while Remaining is within the reserve
    /// plus one check, none comes before the reset. Pure; exposed for tests.
    static qint64 nextDueMs(qint64 lastCheckMs, qint64 intervalMs, const RateLimit &limit, int requestsPerCheck,
                            int reserve, qint64 nowMs);

signals:
    void runStarted(const QString &rule);
    /// A new file of a run is complete.
    void saved(const QString &rule, const QString &path);
    void runFinished(const getbill::WatchRun &run);

private:
    struct Run;
    void check();
    bool startRun(const WatchRule &rule, bool manual, QString *error);
    void onRunFinished(const std::shared_ptr<Run> &run, SyncJob *job);
    void planNext();

    QPointer<ApiClient> m_api;
    DownloadHistory *m_history;
    std::unique_ptr<SystemClock> m_systemClock;
    Clock *m_clock;
    ClockTimer m_timer;
    QList<WatchRule> m_rules;
    qint64 m_intervalMs;
    bool m_started = false;
    qint64 m_lastCheckMs = -1;
    int m_requestsPerCheck = 0; ///< API requests of the last scheduled check, all rules together
    int m_roundRequests = 0;
    RateLimit m_limit;                           ///< GetBill's last word, from any run
    QHash<QString, std::shared_ptr<Run>> m_runs; ///< by rule name
};

} // namespace getbill

Q_DECLARE_METATYPE(getbill::WatchRun)
