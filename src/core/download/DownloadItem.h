#pragma once

#include "api/ApiError.h"
#include "download/DownloadTarget.h"
#include "download/LocalCopyJob.h"
#include "download/ReportDownloadJob.h"

#include <QDateTime>
#include <QPointer>
#include <QString>
#include <QVariant>
#include <optional>

namespace getbill {

/// One row of the DownloadQueue: what was asked (report, target, title), what its job last said, and how it ended.
/// Kept apart from the queue's scheduling so that both stay small.
struct DownloadItem
{
    quint64 serial = 0; ///< unique in its queue and never reused: what views and the downloads list key rows by
    QString reportId;
    DownloadTarget target;
    std::optional<DownloadTicket> ticket;
    std::optional<LocalCopySource> local; ///< a copy of this version kept by the preview: copied, not downloaded
    QString title;
    ReportDownloadJob::State state = ReportDownloadJob::State::Queued;
    qint64 received = 0;
    qint64 total = -1;
    double speed = 0;
    std::optional<qint64> secondsLeft;
    QString targetPath;
    QString message;
    ApiError error;
    QDateTime retryAt;
    QDateTime linkExpiry;
    QDateTime finishedAt; ///< UTC, once final
    QPointer<ReportDownloadJob> job;
    bool dirty = false;

    static bool isFinal(ReportDownloadJob::State state);
    bool isFinal() const { return isFinal(state); }
    /// The value of a DownloadQueue::Role (and Qt::DisplayRole / Qt::ToolTipRole).
    QVariant data(int role) const;
    /// Where it was going, for a later start: the file chosen (its partial bytes sit under that name), else the
    /// folder rule.
    DownloadTarget resumeTarget() const;
    /// Back to Queued for another attempt (Retry), keeping report, title and target unless `target` is given.
    void resetForRetry(const std::optional<DownloadTarget> &target);
};

} // namespace getbill
