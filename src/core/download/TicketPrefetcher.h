#pragma once

#include "Clock.h"
#include "api/Report.h"
#include "download/DownloadItem.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <optional>

namespace getbill {

class ApiClient;
class TicketJob;

/// Asks GetBill for the download links of the next queued items while every download slot of a DownloadQueue is
/// busy, so that an item starts its transfer the moment a slot frees up instead of first waiting for the API: at
/// --jobs 4 against an API 50 ms away, that wait was a third of each item's time. At most `limit` links are on
/// their way or held at once; a link is handed out once, and only while it is as good as a fresh one: it arrived at
/// most freshMs ago (an item uses the link it just fetched as it is, whatever the computer's clock says of its
/// expiry), or it is still valid for ReportDownloadJob::ticketMarginSeconds more. After a failed request the item asks
/// by itself when it starts, with its own retries and its own message, and is not asked for ahead again. What belongs
/// to items that are no longer queued is dropped.
class TicketPrefetcher : public QObject
{
    Q_OBJECT
public:
    /// A link that arrived this recently is used as it is.
    static constexpr qint64 freshMs = 10 * 1000;

    explicit TicketPrefetcher(ApiClient *api, QObject *parent = nullptr);
    ~TicketPrefetcher() override;

    /// The time links age by (not owned; the system's by default). Tests move a ManualClock.
    void setClock(Clock *clock) { m_clock = clock ? clock : &m_systemClock; }

    /// Asks for the links of the first items of `items` that are queued and have neither a link, a local source nor
    /// a job, so that at most `limit` are asked for or held; drops what belongs to items no longer queued. A limit of
    /// 0 drops everything (the rate-limit budget is low: no request that might not be needed).
    void fill(const QList<DownloadItem> &items, int limit);
    /// A request for item `serial` is on its way: starting the item now would ask a second time.
    bool isAsking(quint64 serial) const;
    /// The link fetched for item `serial`, once, if it arrived and is still fresh enough to use.
    std::optional<DownloadTicket> take(quint64 serial);
    /// Requests on their way and links held.
    int size() const { return int(m_entries.size()); }

signals:
    /// A request ended (with a link or not): an item waiting for it can start.
    void answered();

private:
    struct Entry
    {
        QPointer<TicketJob> job; ///< while asking
        std::optional<DownloadTicket> ticket;
        qint64 arrivedMs = 0;
    };
    void drop(quint64 serial);

    QPointer<ApiClient> m_api;
    SystemClock m_systemClock;
    Clock *m_clock = &m_systemClock;
    QHash<quint64, Entry> m_entries;
};

} // namespace getbill
