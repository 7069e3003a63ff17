#include "download/TicketPrefetcher.h"

#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "download/ReportDownloadJob.h"

#include <QSet>

namespace getbill {

TicketPrefetcher::TicketPrefetcher(ApiClient *api, QObject *parent) : QObject(parent), m_api(api)
{}

TicketPrefetcher::~TicketPrefetcher()
{
    for (const quint64 serial : m_entries.keys())
        drop(serial);
}

void TicketPrefetcher::fill(const QList<DownloadItem> &items, int limit)
{
    const auto wantsLink = [](const DownloadItem &item) {
        return item.state == ReportDownloadJob::State::Queued && !item.job && !item.ticket && !item.local;
    };
    QSet<quint64> queued;
    for (const DownloadItem &item : items)
        if (wantsLink(item))
            queued.insert(item.serial);
    for (const quint64 serial : m_entries.keys())
        if (limit <= 0 || !queued.contains(serial))
            drop(serial);
    for (const DownloadItem &item : items) {
        if (!m_api || size() >= limit)
            return;
        if (!wantsLink(item) || m_entries.contains(item.serial))
            continue;
        TicketJob *job = m_api->fetchTicket(item.reportId);
        m_entries.insert(item.serial, Entry{job, std::nullopt});
        connect(job, &Job::finished, this, [this, job, serial = item.serial] {
            job->deleteLater();
            const auto entry = m_entries.find(serial);
            if (entry == m_entries.end() || entry->job != job)
                return;
            // A failure stays recorded (no ticket) until the item starts: it then asks by itself, with its own
            // retries and its own message, and this item is not asked for again meanwhile.
            entry->job = nullptr;
            entry->arrivedMs = m_clock->nowMs();
            if (job->succeeded())
                entry->ticket = job->ticket();
            // From the event loop: a request cancelled because its ApiClient is going away must not start others.
            QMetaObject::invokeMethod(this, &TicketPrefetcher::answered, Qt::QueuedConnection);
        });
        job->start();
    }
}

bool TicketPrefetcher::isAsking(quint64 serial) const
{
    const auto entry = m_entries.constFind(serial);
    return entry != m_entries.cend() && entry->job;
}

std::optional<DownloadTicket> TicketPrefetcher::take(quint64 serial)
{
    const auto entry = m_entries.find(serial);
    if (entry == m_entries.end() || entry->job)
        return std::nullopt;
    const std::optional<DownloadTicket> ticket = entry->ticket;
    const bool fresh = m_clock->nowMs() - entry->arrivedMs <= freshMs;
    m_entries.erase(entry);
    if (ticket && !fresh && ticket->expiresWithin(ReportDownloadJob::ticketMarginSeconds))
        return std::nullopt;
    return ticket;
}

void TicketPrefetcher::drop(quint64 serial)
{
    const auto entry = m_entries.find(serial);
    if (entry == m_entries.end())
        return;
    if (TicketJob *job = entry->job) {
        job->disconnect(this);
        job->cancel();
        job->deleteLater();
    }
    m_entries.erase(entry);
}

} // namespace getbill
