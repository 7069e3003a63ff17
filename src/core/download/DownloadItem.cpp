#include "download/DownloadItem.h"

#include "download/DownloadQueue.h"

namespace getbill {

using State = ReportDownloadJob::State;

bool DownloadItem::isFinal(State state)
{
    return state == State::Done || state == State::Failed || state == State::Cancelled || state == State::Interrupted;
}

QVariant DownloadItem::data(int role) const
{
    switch (role) {
    case Qt::DisplayRole:
    case DownloadQueue::TitleRole:
        return title;
    case Qt::ToolTipRole:
        return message.isEmpty() ? targetPath : message;
    case DownloadQueue::ReportIdRole:
        return reportId;
    case DownloadQueue::StateRole:
        return QVariant::fromValue(state);
    case DownloadQueue::BytesReceivedRole:
        return received;
    case DownloadQueue::TotalBytesRole:
        return total;
    case DownloadQueue::SpeedRole:
        return speed;
    case DownloadQueue::SecondsLeftRole:
        return secondsLeft ? QVariant(*secondsLeft) : QVariant();
    case DownloadQueue::TargetPathRole:
        return targetPath;
    case DownloadQueue::ErrorRole:
        return message;
    case DownloadQueue::RetryAtRole:
        return retryAt;
    case DownloadQueue::LinkExpiryRole:
        return linkExpiry;
    case DownloadQueue::SerialRole:
        return serial;
    case DownloadQueue::FinishedAtRole:
        return finishedAt;
    case DownloadQueue::ErrorKindRole:
        return int(error.kind());
    default:
        return {};
    }
}

DownloadTarget DownloadItem::resumeTarget() const
{
    const QString path = job ? job->targetPath() : targetPath;
    return path.isEmpty() ? target : DownloadTarget::file(path, target.overwrite);
}

void DownloadItem::resetForRetry(const std::optional<DownloadTarget> &newTarget)
{
    if (newTarget)
        target = *newTarget;
    // A link from the failed attempt may be what failed: a fresh one is asked for.
    ticket.reset();
    local.reset(); // another attempt goes to GetBill
    state = State::Queued;
    received = 0;
    speed = 0;
    secondsLeft.reset();
    targetPath.clear();
    message.clear();
    error = ApiError();
    retryAt = {};
    linkExpiry = {};
    finishedAt = {};
    dirty = false;
}

} // namespace getbill
