#include "DownloadProgressSummary.h"

#include "download/DownloadQueue.h"

#include <algorithm>

namespace getbill {

DownloadProgressSummary::DownloadProgressSummary(DownloadQueue *queue, QObject *parent)
    : QObject(parent), m_queue(queue)
{
    connect(queue, &QAbstractItemModel::dataChanged, this, &DownloadProgressSummary::recompute);
    connect(queue, &QAbstractItemModel::rowsInserted, this, &DownloadProgressSummary::recompute);
    connect(queue, &QAbstractItemModel::rowsRemoved, this, &DownloadProgressSummary::recompute);
    connect(queue, &QAbstractItemModel::modelReset, this, &DownloadProgressSummary::recompute);
    recompute();
}

void DownloadProgressSummary::recompute()
{
    QList<Item> items;
    qint64 received = 0;
    qint64 total = 0;
    for (int row = 0; row < m_queue->rowCount(); ++row) {
        if (DownloadItem::isFinal(m_queue->state(row)))
            continue;
        const QModelIndex index = m_queue->index(row);
        const qint64 bytes = index.data(DownloadQueue::BytesReceivedRole).toLongLong();
        const qint64 size = index.data(DownloadQueue::TotalBytesRole).toLongLong();
        QString title = index.data(DownloadQueue::TitleRole).toString();
        if (title.isEmpty())
            title = m_queue->reportId(row);
        Item item{title, -1};
        if (size > 0) {
            item.percent = int(std::clamp<qint64>(bytes * 100 / size, 0, 100));
            received += std::min(bytes, size);
            total += size;
        }
        items << item;
    }
    const double fraction = total > 0 ? double(received) / double(total) : 0.0;
    const bool same = items == m_items && int(fraction * 100) == int(m_fraction * 100);
    m_items = items;
    m_fraction = fraction;
    if (!same)
        emit changed();
}

} // namespace getbill
