#include "download/DownloadQueue.h"

#include "Format.h"
#include "api/ApiClient.h"
#include "download/DownloadHistory.h"
#include "download/PendingDownloads.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <algorithm>

namespace getbill {

using State = ReportDownloadJob::State;

DownloadQueue::DownloadQueue(ApiClient *api, QObject *parent) : QAbstractListModel(parent), m_api(api), m_prefetch(api)
{
    connect(&m_prefetch, &TicketPrefetcher::answered, this, &DownloadQueue::schedule);
    m_progressTimer.setInterval(progressIntervalMs);
    connect(&m_progressTimer, &QTimer::timeout, this, &DownloadQueue::flushProgress);
    m_scheduleTimer.setSingleShot(true);
    connect(&m_scheduleTimer, &QTimer::timeout, this, &DownloadQueue::schedule);
}

DownloadQueue::~DownloadQueue()
{
    // Jobs are our children; cancelling first makes each remove its .part and stop its replies cleanly.
    for (DownloadItem &item : m_items) {
        if (item.job) {
            item.job->disconnect(this);
            item.job->cancel();
        }
    }
}

void DownloadQueue::setMaxConcurrent(int n)
{
    m_maxConcurrent = std::max(1, n);
    schedule();
}

int DownloadQueue::enqueue(const QString &reportId, const DownloadTarget &target,
                           const std::optional<DownloadTicket> &ticket, const QString &title,
                           const std::optional<LocalCopySource> &local)
{
    const int row = int(m_items.size());
    beginInsertRows({}, row, row);
    DownloadItem item;
    item.serial = m_nextSerial++;
    item.reportId = reportId;
    item.target = target;
    item.ticket = ticket;
    item.local = local;
    item.title = title.isEmpty() ? reportId : title;
    if (ticket)
        item.total = ticket->fileSize;
    m_items.append(item);
    endInsertRows();
    m_wasBusy = true;
    // Started from the event loop: callers can enqueue a batch and connect to signals first.
    QMetaObject::invokeMethod(this, &DownloadQueue::schedule, Qt::QueuedConnection);
    return row;
}

int DownloadQueue::rowOf(quint64 serial) const
{
    for (int i = 0; i < m_items.size(); ++i)
        if (m_items.at(i).serial == serial)
            return i;
    return -1;
}

int DownloadQueue::rowOfReport(const QString &reportId) const
{
    for (int i = int(m_items.size()) - 1; i >= 0; --i)
        if (m_items.at(i).reportId == reportId)
            return i;
    return -1;
}

int DownloadQueue::runningCount() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const DownloadItem &i) { return bool(i.job); }));
}

int DownloadQueue::unfinishedCount() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const DownloadItem &i) { return !i.isFinal(); }));
}

bool DownloadQueue::isIdle() const
{
    return unfinishedCount() == 0;
}

void DownloadQueue::schedule()
{
    if (!m_api)
        return;
    const bool throttled = m_budget.isLow(m_api->rateLimit());
    // With the budget low, one item at a time: each start costs at least one API request.
    const int allowed = throttled ? 1 : m_maxConcurrent;
    for (int row = 0; row < m_items.size() && runningCount() < allowed; ++row) {
        // An item whose link is on its way starts when it comes (answered() schedules again).
        if (m_items.at(row).state != State::Queued || m_items.at(row).job ||
            m_prefetch.isAsking(m_items.at(row).serial))
            continue;
        if (throttled) {
            const qint64 hold =
                m_budget.holdMs(m_api->rateLimit(), m_lastStart.isValid() ? m_lastStart.toMSecsSinceEpoch() : -1,
                                QDateTime::currentMSecsSinceEpoch());
            if (hold > 0) {
                DownloadItem &item = m_items[row];
                item.retryAt = QDateTime::currentDateTime().addMSecs(hold);
                item.message = Format::waitingUntil(
                    item.retryAt, ApiError(ApiError::Kind::Http, tr("the GetBill rate limit is almost used up."), 429));
                emitRowChanged(row);
                m_scheduleTimer.start(int(std::min<qint64>(hold, std::numeric_limits<int>::max())));
                return;
            }
        }
        startItem(row);
    }
    // Every slot busy: the next items' links are fetched meanwhile, so that they start at once.
    m_prefetch.fill(m_items, throttled ? 0 : allowed);
}

void DownloadQueue::startItem(int row)
{
    DownloadItem &item = m_items[row];
    auto *job = new ReportDownloadJob(m_api, item.reportId, item.target, this);
    if (item.ticket)
        job->setTicket(*item.ticket);
    else if (const std::optional<DownloadTicket> link = m_prefetch.take(item.serial))
        job->setFreshTicket(*link);
    if (item.local)
        job->setLocalSource(*item.local);
    item.job = job;
    item.message.clear();
    item.retryAt = {};
    m_lastStart = QDateTime::currentDateTimeUtc();
    const quint64 serial = item.serial;
    connect(job, &ReportDownloadJob::stateChanged, this, [this, serial] { onJobStateChanged(serial); });
    connect(job, &Job::progress, this, [this, serial](qint64 done, qint64 total) {
        const int r = rowOf(serial);
        if (r < 0)
            return;
        DownloadItem &it = m_items[r];
        it.received = done;
        it.total = total;
        it.dirty = true;
        if (!m_progressTimer.isActive())
            m_progressTimer.start();
    });
    connect(job, &Job::finished, this, [this, serial] { onJobFinished(serial); });
    job->start();
}

void DownloadQueue::onJobStateChanged(quint64 serial)
{
    const int row = rowOf(serial);
    if (row < 0 || !m_items.at(row).job)
        return;
    DownloadItem &item = m_items[row];
    ReportDownloadJob *job = item.job;
    item.state = job->state();
    item.targetPath = job->targetPath();
    item.total = job->totalBytes();
    if (job->ticket())
        item.linkExpiry = job->ticket()->expiresAt;
    if (item.state == State::Waiting) {
        item.retryAt = job->retryAt();
        item.message = waitingMessage(item.retryAt, job->lastError());
    } else if (!item.isFinal()) {
        item.retryAt = {};
        item.message.clear();
    }
    emitRowChanged(row);
}

void DownloadQueue::onJobFinished(quint64 serial)
{
    const int row = rowOf(serial);
    if (row < 0)
        return;
    DownloadItem &item = m_items[row];
    ReportDownloadJob *job = item.job;
    if (!job)
        return;
    item.job = nullptr;
    job->deleteLater();
    item.targetPath = job->targetPath();
    item.received = job->bytesReceived();
    item.total = job->totalBytes();
    item.speed = 0;
    item.secondsLeft.reset();
    item.retryAt = {};
    item.dirty = false;
    item.finishedAt = QDateTime::currentDateTimeUtc();
    if (job->succeeded()) {
        item.state = State::Done;
        item.message.clear();
        item.error = ApiError();
        if (m_history)
            m_history->add(job->record());
    } else {
        item.error = job->error();
        item.state = job->state() == State::Interrupted               ? State::Interrupted
                     : item.error.kind() == ApiError::Kind::Cancelled ? State::Cancelled
                                                                      : State::Failed;
        item.message = item.error.detailedMessage();
    }
    emitRowChanged(row);
    emit itemFinished(row);
    schedule();
    emitIdleIfDone();
}

void DownloadQueue::cancel(int row)
{
    if (row < 0 || row >= m_items.size() || m_items.at(row).isFinal())
        return;
    if (ReportDownloadJob *job = m_items.at(row).job) {
        job->cancel(); // finished() follows synchronously and updates the row
        return;
    }
    endWaitingItem(row, State::Cancelled, ApiError(ApiError::Kind::Cancelled, tr("Cancelled.")));
    emitIdleIfDone();
}

void DownloadQueue::endWaitingItem(int row, State state, const ApiError &why)
{
    DownloadItem &item = m_items[row];
    item.state = state;
    item.finishedAt = QDateTime::currentDateTimeUtc();
    item.error = why;
    item.message = why.message();
    item.retryAt = {};
    emitRowChanged(row);
    emit itemFinished(row);
}

void DownloadQueue::emitIdleIfDone()
{
    if (m_wasBusy && isIdle()) {
        m_wasBusy = false;
        emit idle();
    }
}

void DownloadQueue::cancelAll()
{
    // Queued ones first, so cancelling a running one does not start the next.
    for (int row = 0; row < m_items.size(); ++row)
        if (!m_items.at(row).job)
            cancel(row);
    for (int row = 0; row < m_items.size(); ++row)
        cancel(row);
}

void DownloadQueue::suspendAll()
{
    QList<PendingDownload> pending;
    for (const DownloadItem &item : std::as_const(m_items))
        if (!item.isFinal())
            pending.append({item.reportId, item.title, item.resumeTarget()});
    PendingDownloads::save(pending);
    for (int row = 0; row < m_items.size(); ++row) {
        if (m_items.at(row).isFinal())
            continue;
        if (ReportDownloadJob *job = m_items.at(row).job)
            job->suspend(); // finished() follows synchronously and updates the row
        else
            endWaitingItem(
                row, State::Interrupted,
                ApiError(ApiError::Kind::Cancelled, tr("Paused; it continues when the application starts again.")));
    }
    emitIdleIfDone();
}

void DownloadQueue::remove(int row)
{
    if (row >= 0 && row < m_items.size() && m_items.at(row).isFinal()) {
        beginRemoveRows({}, row, row);
        m_items.removeAt(row);
        endRemoveRows();
    }
}

bool DownloadQueue::retry(int row, const std::optional<DownloadTarget> &target)
{
    if (row < 0 || row >= m_items.size() || !m_items.at(row).isFinal() || m_items.at(row).state == State::Done)
        return false;
    m_items[row].resetForRetry(target);
    m_wasBusy = true;
    emitRowChanged(row);
    QMetaObject::invokeMethod(this, &DownloadQueue::schedule, Qt::QueuedConnection);
    return true;
}

void DownloadQueue::clearFinished()
{
    for (int row = int(m_items.size()) - 1; row >= 0; --row) {
        if (!m_items.at(row).isFinal())
            continue;
        beginRemoveRows({}, row, row);
        m_items.removeAt(row);
        endRemoveRows();
    }
}

ReportDownloadJob *DownloadQueue::job(int row) const
{
    return row >= 0 && row < m_items.size() ? m_items.at(row).job.data() : nullptr;
}

ReportDownloadJob::State DownloadQueue::state(int row) const
{
    return row >= 0 && row < m_items.size() ? m_items.at(row).state : State::Failed;
}

ApiError DownloadQueue::error(int row) const
{
    return row >= 0 && row < m_items.size() ? m_items.at(row).error : ApiError();
}

QString DownloadQueue::targetPath(int row) const
{
    return row >= 0 && row < m_items.size() ? m_items.at(row).targetPath : QString();
}

QString DownloadQueue::reportId(int row) const
{
    return row >= 0 && row < m_items.size() ? m_items.at(row).reportId : QString();
}

void DownloadQueue::flushProgress()
{
    bool any = false;
    for (int row = 0; row < m_items.size(); ++row) {
        DownloadItem &item = m_items[row];
        if (!item.job)
            continue;
        any = true;
        const double speed = item.job->bytesPerSecond();
        const std::optional<qint64> left = item.job->secondsLeft();
        if (!item.dirty && speed == item.speed && left == item.secondsLeft)
            continue;
        item.speed = speed;
        item.secondsLeft = left;
        item.dirty = false;
        const QModelIndex i = index(row);
        emit dataChanged(i, i, {BytesReceivedRole, TotalBytesRole, SpeedRole, SecondsLeftRole});
    }
    if (!any)
        m_progressTimer.stop();
}

void DownloadQueue::emitRowChanged(int row)
{
    const QModelIndex i = index(row);
    emit dataChanged(i, i);
}

int DownloadQueue::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant DownloadQueue::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    return m_items.at(index.row()).data(role);
}

QHash<int, QByteArray> DownloadQueue::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(ReportIdRole, "reportId");
    names.insert(StateRole, "state");
    names.insert(BytesReceivedRole, "bytesReceived");
    names.insert(TotalBytesRole, "totalBytes");
    names.insert(SpeedRole, "speed");
    names.insert(SecondsLeftRole, "secondsLeft");
    names.insert(TargetPathRole, "targetPath");
    names.insert(ErrorRole, "error");
    names.insert(RetryAtRole, "retryAt");
    names.insert(TitleRole, "title");
    names.insert(LinkExpiryRole, "linkExpiry");
    names.insert(SerialRole, "serial");
    names.insert(FinishedAtRole, "finishedAt");
    names.insert(ErrorKindRole, "errorKind");
    return names;
}

} // namespace getbill
