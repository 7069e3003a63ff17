#include "download/SyncJob.h"

#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "api/ReportWatcher.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"
#include "download/SyncClaim.h"

#include <QDir>
#include <QFileInfo>

namespace getbill {

namespace {
QString native(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

bool isInside(const QString &path, const QString &root)
{
    return path == root || path.startsWith(root.endsWith(u'/') ? root : root + u'/');
}
} // namespace

SyncJob::SyncJob(ApiClient *api, DownloadController *controller, SyncRule rule, QObject *parent)
    : Job(parent), m_api(api), m_controller(controller), m_rule(std::move(rule))
{}

SyncJob::~SyncJob()
{
    restoreGate();
}

void SyncJob::setClock(Clock *clock)
{
    if (!isStarted())
        m_clock = clock;
}

void SyncJob::run()
{
    if (!m_api || !m_controller || !m_controller->history()) {
        emitFailure(ApiError(ApiError::Kind::InvalidInput, tr("A sync needs an API client and a download history.")));
        return;
    }
    if (!m_clock) {
        m_systemClock = std::make_unique<SystemClock>();
        m_clock = m_systemClock.get();
    }
    m_gate = new RequestGate(m_clock, this);
    m_gate->setReserve(m_rule.reserve);
    connect(m_gate, &RequestGate::waiting, this, [this](const QDateTime &until, RequestGate::Reason reason) {
        emit rateLimitWait(until, reason, m_rule.reserve);
    });
    m_pollTimer = std::make_unique<ClockTimer>(m_clock);
    connect(m_pollTimer.get(), &ClockTimer::timeout, this, &SyncJob::pollRound);
    m_account = m_api->accountKey();

    m_root = QDir::cleanPath(QFileInfo(m_rule.folder).absoluteFilePath());
    if (!m_rule.dryRun && !QDir().mkpath(m_root)) {
        emitFailure(ApiError(ApiError::Kind::LocalFile, tr("Cannot create the folder %1.").arg(native(m_root))));
        return;
    }
    if (const QString canonical = QFileInfo(m_root).canonicalFilePath(); !canonical.isEmpty())
        m_root = canonical;
    DownloadHistory *history = m_controller->history();
    history->reloadIfChanged();
    connect(history, &DownloadHistory::saveFailed, this,
            [this](const QString &message) { m_historyError = ApiError(ApiError::Kind::LocalFile, message); });
    connect(m_controller->queue(), &DownloadQueue::itemFinished, this, &SyncJob::onItemFinished);

    m_previousGate = m_api->requestGate();
    m_api->setRequestGate(m_gate);
    ReportListJob *list = m_api->listReports(m_rule.apiType());
    connect(list, &ReportListJob::retrying, this, &SyncJob::retrying);
    runChild(list, [this](ReportListJob *done) { onListed(done); });
}

void SyncJob::onListed(ReportListJob *list)
{
    if (!list->succeeded()) {
        finish(list->error());
        return;
    }
    for (const Report &report : list->reports())
        if (m_rule.matches(report))
            consider(report);
    m_listed = true;
    if (!m_pending.isEmpty()) {
        if (m_rule.waitPendingMs > 0 && !m_rule.dryRun) {
            m_deadlineMs = m_clock->nowMs() + m_rule.waitPendingMs;
            m_pollDelayMs = std::max<qint64>(1, m_rule.pollFirstDelayMs);
            pollLater();
        } else {
            emit notice(m_pending.size() == 1
                            ? tr("1 report is still being generated; not fetched this time (--wait-pending waits "
                                 "for reports being generated).")
                            : tr("%n reports are still being generated; not fetched this time (--wait-pending waits "
                                 "for reports being generated).",
                                 nullptr, int(m_pending.size())));
            m_pending.clear();
        }
    }
    finishIfDone();
}

void SyncJob::consider(const Report &report)
{
    if (!m_order.contains(report.id))
        m_order.append(report.id);
    DownloadHistory *history = m_controller->history();
    SyncStep step = SyncPlan::decide(report, m_rule, m_root, *history, m_account);
    switch (step.action) {
    case SyncStep::Action::Fetched:
    case SyncStep::Action::Unready:
        return;
    case SyncStep::Action::Pending:
        m_pending.insert(report.id, report);
        return;
    case SyncStep::Action::Refused:
        fail(report.id, step.error);
        return;
    case SyncStep::Action::Download:
    case SyncStep::Action::Refetch:
        break;
    }
    if (m_rule.dryRun) {
        const QString path = SyncPlan::predictedPath(step, [this](const QString &p) { return m_planned.contains(p); });
        m_planned.insert(path);
        emit planned(report.id, path);
        return;
    }
    if (m_running.contains(report.id))
        return;
    // The claim first, then a fresh look at the history: a sync that fetched it meanwhile has recorded it.
    auto claim = std::make_shared<SyncClaim>(m_account, m_root, report.id);
    bool busy = false;
    if (!claim->tryLock(&busy)) {
        if (busy)
            emit notice(tr("Report %1 is already being downloaded into %2 by another sync; skipped.")
                            .arg(report.id, native(m_root)));
        else
            fail(report.id, ApiError(ApiError::Kind::LocalFile,
                                     tr("Report %1: the application's data folder cannot be written.").arg(report.id)));
        return;
    }
    if (history->reloadIfChanged()) {
        step = SyncPlan::decide(report, m_rule, m_root, *history, m_account);
        if (step.action != SyncStep::Action::Download && step.action != SyncStep::Action::Refetch)
            return;
    }
    m_running.insert(report.id, claim);
    fetch(report, step);
}

void SyncJob::fetch(const Report &report, const SyncStep &step)
{
    // A folder of the template may already exist as a link that leads elsewhere: what is written stays in the root.
    if (!QDir().mkpath(step.folder)) {
        m_running.remove(report.id);
        fail(report.id, ApiError(ApiError::Kind::LocalFile,
                                 tr("Report %1: cannot create the folder %2.").arg(report.id, native(step.folder))));
        return;
    }
    if (!isInside(QFileInfo(step.folder).canonicalFilePath(), m_root)) {
        m_running.remove(report.id);
        fail(report.id, ApiError(ApiError::Kind::LocalFile,
                                 tr("Report %1: the folder %2 leads outside %3 (a symbolic link); it was not saved.")
                                     .arg(report.id, native(step.folder), native(m_root))));
        return;
    }
    DownloadTarget target = step.action == SyncStep::Action::Refetch
                                ? DownloadTarget::file(step.path)
                                : DownloadTarget::uniqueInFolder(step.folder, step.name);
    target.origin = m_rule.origin;
    m_controller->download(QList<Report>{report}, target);
}

void SyncJob::onItemFinished(int row)
{
    if (m_aborting || isFinished())
        return;
    DownloadQueue *queue = m_controller->queue();
    const QString id = queue->reportId(row);
    if (!m_running.contains(id))
        return;
    if (queue->state(row) == ReportDownloadJob::State::Done) {
        m_saved << queue->targetPath(row);
        emit saved(id, queue->targetPath(row));
    } else {
        fail(id, queue->error(row));
    }
    // Recorded by the queue before it said "finished": the next sync to take the claim sees the record.
    m_running.remove(id);
    finishIfDone();
}

void SyncJob::fail(const QString &reportId, const ApiError &error)
{
    if (!m_failed.contains(reportId))
        m_failed.insert(reportId, error);
    emit reportFailed(reportId, error);
}

void SyncJob::pollLater()
{
    const qint64 now = m_clock->nowMs();
    m_pollTimer->startAt(std::min(now + m_pollDelayMs, m_deadlineMs));
    m_pollDelayMs = std::min(m_pollDelayMs * 2, std::max<qint64>(1, m_rule.pollMaxDelayMs));
}

void SyncJob::pollRound()
{
    const QList<QString> ids = m_pending.keys();
    for (const QString &id : ids) {
        ReportJob *poll = m_api->fetchReport(id);
        connect(poll, &ReportJob::retrying, this, &SyncJob::retrying);
        ++m_pollsInFlight;
        runChild(poll, [this](ReportJob *done) { onPolled(done); });
    }
    if (ids.isEmpty())
        finishIfDone();
}

void SyncJob::onPolled(ReportJob *poll)
{
    --m_pollsInFlight;
    const QString id = poll->reportId();
    if (poll->succeeded() && poll->report().id == id) {
        const Report &report = poll->report();
        if (report.canDownload()) {
            m_pending.remove(id);
            consider(report);
        } else if (!ReportWatcher::canChange(report)) {
            m_pending.remove(id);
            emit notice(tr("Report %1 was not generated (status %2); nothing to fetch.").arg(id, report.status));
        }
    } else if (!poll->error().isRetryable()) {
        // Gone, refused, or signed out: polling again will not help.
        m_pending.remove(id);
        fail(id, poll->error());
    }
    if (m_pollsInFlight > 0)
        return;
    if (!m_pending.isEmpty() && m_clock->nowMs() >= m_deadlineMs) {
        QStringList ids = m_pending.keys();
        ids.sort();
        emit notice(tr("The wait ended with reports still being generated: %1").arg(ids.join(QLatin1String(", "))));
        m_pending.clear();
    }
    if (!m_pending.isEmpty())
        pollLater();
    finishIfDone();
}

void SyncJob::finishIfDone()
{
    if (isFinished() || !m_listed || m_pollsInFlight > 0 || !m_pending.isEmpty() || !m_running.isEmpty())
        return;
    for (const QString &id : std::as_const(m_order)) {
        if (m_failed.contains(id)) {
            finish(m_failed.value(id));
            return;
        }
    }
    finish(m_historyError);
}

void SyncJob::finish(const ApiError &error)
{
    restoreGate();
    if (error.isError())
        emitFailure(error);
    else
        emitSuccess();
}

void SyncJob::restoreGate()
{
    if (m_api && m_gate && m_api->requestGate() == m_gate)
        m_api->setRequestGate(m_previousGate);
}

void SyncJob::abortWork()
{
    m_aborting = true;
    if (m_pollTimer)
        m_pollTimer->stop();
    if (m_controller) {
        DownloadQueue *queue = m_controller->queue();
        const QList<QString> ids = m_running.keys();
        for (const QString &id : ids)
            queue->cancel(queue->rowOfReport(id));
    }
    m_running.clear();
    m_pending.clear();
    restoreGate();
}

} // namespace getbill
