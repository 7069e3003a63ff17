#pragma once

#include <QList>
#include <QObject>
#include <QString>

namespace getbill {

class DownloadQueue;

/// What the queue is doing, in one figure: the downloads not finished yet, their titles and percentages, and the
/// overall progress (bytes received over the bytes of the sizes known). The window's title, the tray's menu and the
/// launcher entry all read it, so they always agree.
class DownloadProgressSummary : public QObject
{
    Q_OBJECT
public:
    struct Item
    {
        QString title;
        int percent = -1; ///< -1 while the size is unknown
        bool operator==(const Item &other) const { return title == other.title && percent == other.percent; }
    };

    explicit DownloadProgressSummary(DownloadQueue *queue, QObject *parent = nullptr);

    /// Rows queued, running or waiting to retry.
    int runningCount() const { return int(m_items.size()); }
    /// Overall progress in [0, 1]; 0 when idle or while no size is known.
    double fraction() const { return m_fraction; }
    /// fraction() in whole percent, or -1 when nothing runs.
    int percent() const { return m_items.isEmpty() ? -1 : int(m_fraction * 100); }
    QList<Item> running() const { return m_items; }

signals:
    /// Something shown changed (not every byte: whole percents, titles, the count).
    void changed();

private:
    void recompute();

    DownloadQueue *m_queue;
    QList<Item> m_items;
    double m_fraction = 0;
};

} // namespace getbill
