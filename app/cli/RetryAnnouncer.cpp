#include "RetryAnnouncer.h"

#include "CliCommand.h"
#include "download/DownloadQueue.h"

namespace getbill::cli {

RetryAnnouncer::RetryAnnouncer(DownloadQueue *queue, CliCommand *command)
    : QObject(command), m_queue(queue), m_command(command)
{
    connect(queue, &QAbstractItemModel::dataChanged, this, &RetryAnnouncer::onRowsChanged);
}

void RetryAnnouncer::onRowsChanged(const QModelIndex &first, const QModelIndex &last)
{
    using State = ReportDownloadJob::State;
    for (int row = first.row(); row <= last.row(); ++row) {
        const State state = m_queue->index(row).data(DownloadQueue::StateRole).value<State>();
        const int before = m_lastState.value(row, -1);
        m_lastState.insert(row, int(state));
        if (state != State::Waiting || before == int(state))
            continue;
        const ReportDownloadJob *job = m_queue->job(row);
        if (!job)
            continue;
        m_command->announceRetry(job->lastError(),
                                 int(std::max<qint64>(0, QDateTime::currentDateTime().msecsTo(job->retryAt()))));
    }
}

} // namespace getbill::cli
