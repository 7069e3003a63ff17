#include "download/WatchScheduler.h"

#include "api/ApiClient.h"
#include "api/RateBudget.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/SyncJob.h"

#include <QDir>
#include <QFileInfo>

namespace getbill {

namespace {
constexpr qint64 minuteMs = 60 * 1000;
constexpr qint64 hourMs = 60 * minuteMs;
} // namespace

/// One run of a rule: its own client and controller (children of `context`, deleted with it), and the job.
struct WatchScheduler::Run
{
    WatchRun result;
    std::unique_ptr<QObject> context = std::make_unique<QObject>();
    QPointer<SyncJob> job;
    bool stopped = false; ///< stop(): ends without a word
};

WatchScheduler::WatchScheduler(ApiClient *api, DownloadHistory *history, Clock *clock, QObject *parent)
    : QObject(parent), m_api(api), m_history(history), m_systemClock(clock ? nullptr : std::make_unique<SystemClock>()),
      m_clock(clock ? clock : m_systemClock.get()), m_timer(m_clock), m_intervalMs(15 * minuteMs)
{
    qRegisterMetaType<WatchRun>();
    connect(&m_timer, &ClockTimer::timeout, this, &WatchScheduler::check);
}

WatchScheduler::~WatchScheduler()
{
    stop();
}

void WatchScheduler::setRules(const QList<WatchRule> &rules)
{
    stop();
    m_rules = rules;
    m_started = true;
    m_lastCheckMs = -1;
    m_requestsPerCheck = 0;
    if (isWatching())
        m_timer.startAt(m_clock->nowMs());
}

void WatchScheduler::setIntervalMinutes(int minutes)
{
    m_intervalMs = std::max<qint64>(1, minutes) * minuteMs;
    if (m_timer.isActive() && m_lastCheckMs >= 0)
        planNext();
}

void WatchScheduler::stop()
{
    m_started = false;
    m_timer.stop();
    const auto runs = std::exchange(m_runs, {});
    for (const std::shared_ptr<Run> &run : runs) {
        run->stopped = true;
        if (run->job)
            run->job->cancel(); // its downloads stop and remove their partial files
        run->context.reset();
    }
}

bool WatchScheduler::isWatching() const
{
    return m_started &&
           std::any_of(m_rules.cbegin(), m_rules.cend(), [](const WatchRule &rule) { return rule.enabled; });
}

bool WatchScheduler::runNow(const WatchRule &rule, QString *error)
{
    return startRun(rule, true, error);
}

void WatchScheduler::runAll()
{
    for (const WatchRule &rule : std::as_const(m_rules))
        if (rule.enabled && !isRunning(rule.name))
            startRun(rule, true, nullptr);
}

void WatchScheduler::check()
{
    m_lastCheckMs = m_clock->nowMs();
    m_roundRequests = 0;
    for (const WatchRule &rule : std::as_const(m_rules)) {
        // A rule still following reports being generated from the last check goes on with that run.
        if (rule.enabled && !isRunning(rule.name))
            startRun(rule, false, nullptr);
    }
    planNext();
}

bool WatchScheduler::startRun(const WatchRule &rule, bool manual, QString *error)
{
    std::optional<SyncRule> sync = rule.toSyncRule(error);
    if (!sync)
        return false;
    if (!m_api || !m_history || isRunning(rule.name)) {
        if (error)
            *error = tr("The rule “%1” is already running.").arg(rule.name);
        return false;
    }
    auto run = std::make_shared<Run>();
    run->result.rule = rule.name;
    run->result.manual = manual;
    run->result.folder = QDir::cleanPath(sync->folder);
    // A folder that went away (deleted, a drive not connected) is not made again behind the user's back: the run
    // fails with the reason, and the next check tries again.
    const QFileInfo folder(sync->folder);
    if (!folder.isDir() || !folder.isWritable()) {
        run->result.error =
            ApiError(ApiError::Kind::LocalFile,
                     folder.isDir() ? tr("The folder %1 of the watch rule “%2” cannot be written.")
                                          .arg(QDir::toNativeSeparators(run->result.folder), rule.name)
                                    : tr("The folder %1 of the watch rule “%2” is gone (moved, deleted, or on a drive "
                                         "that is not connected).")
                                          .arg(QDir::toNativeSeparators(run->result.folder), rule.name));
        emit runStarted(rule.name);
        emit runFinished(run->result);
        return true;
    }
    auto *api = new ApiClient(m_api->network(), m_api->tokens(), run->context.get());
    api->setBaseUrl(m_api->baseUrl());
    api->setOptions(m_api->options());
    api->setAccountKey(m_api->accountKey());
    connect(api, &ApiClient::rateLimitChanged, this, [this, manual](const RateLimit &seen) {
        m_limit = RateBudget::newer(m_limit, seen);
        if (!manual)
            ++m_roundRequests;
    });
    auto *controller = new DownloadController(api, m_history, run->context.get());
    controller->setLookUpUnknownIds(false);
    auto *job = new SyncJob(api, controller, *sync);
    job->setClock(m_clock);
    run->job = job;
    connect(job, &SyncJob::saved, this,
            [this, name = rule.name](const QString &, const QString &path) { emit saved(name, path); });
    m_runs.insert(rule.name, run);
    emit runStarted(rule.name);
    startJob(run->context.get(), job, [this, run](SyncJob *done) { onRunFinished(run, done); });
    return true;
}

void WatchScheduler::onRunFinished(const std::shared_ptr<Run> &run, SyncJob *job)
{
    if (run->stopped)
        return; // stop() deletes the context
    // The run's client and controller go once the job's handler is done (the job is deleted after it returns).
    run->context.release()->deleteLater();
    m_runs.remove(run->result.rule);
    if (!job->rootFolder().isEmpty())
        run->result.folder = job->rootFolder();
    run->result.saved = job->savedPaths();
    run->result.failed = job->failureCount();
    run->result.error = job->error();
    if (!run->result.manual && m_runs.isEmpty())
        m_requestsPerCheck = m_roundRequests;
    if (m_timer.isActive())
        planNext();
    emit runFinished(run->result);
}

void WatchScheduler::planNext()
{
    if (!isWatching())
        return;
    const qint64 now = m_clock->nowMs();
    m_timer.startAt(nextDueMs(m_lastCheckMs < 0 ? now : m_lastCheckMs, m_intervalMs, m_limit, m_requestsPerCheck,
                              SyncRule::defaultReserve, now));
}

qint64 WatchScheduler::nextDueMs(qint64 lastCheckMs, qint64 intervalMs, const RateLimit &limit, int requestsPerCheck,
                                 int reserve, qint64 nowMs)
{
    qint64 gap = intervalMs;
    if (limit.limit > 0 && requestsPerCheck > 0) {
        // Watching may spend half of what the window allows above the reserve: the rest is the user's.
        const qint64 windowMs = limit.windowSeconds > 0 ? limit.windowSeconds * 1000LL : hourMs;
        const qint64 spendable = std::max(1, (limit.limit - reserve) / 2);
        gap = std::max(gap, windowMs * requestsPerCheck / spendable);
    }
    qint64 due = lastCheckMs + gap;
    const qint64 resetMs = limit.resetEpoch >= 0 ? limit.resetEpoch * 1000 : -1;
    if (limit.remaining >= 0 && limit.remaining <= reserve + std::max(1, requestsPerCheck) && resetMs > nowMs)
        due = std::max(due, resetMs);
    return due;
}

} // namespace getbill
