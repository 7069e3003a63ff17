#include "api/ReportJobs.h"

#include "api/ApiClient.h"
#include "api/JsonParsing.h"
#include "net/HttpJob.h"

#include <QCoreApplication>

namespace getbill {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::ApiClient)
};

ApiError cancelled()
{
    return ApiError(ApiError::Kind::Cancelled, Text::tr("Cancelled."));
}
} // namespace

ApiCallJob::ApiCallJob(ApiClient *client, QString path, QString id, QObject *parent)
    : Job(parent), m_client(client), m_path(std::move(path)), m_id(std::move(id))
{}

void ApiCallJob::run()
{
    // An id that cannot be one never leaves this computer.
    if (!json::isPlausibleReportId(m_id)) {
        emitFailure(
            ApiError(ApiError::Kind::InvalidInput, Text::tr("\"%1\" is not a valid report id.").arg(m_id.left(80))));
        return;
    }
    if (!m_client) {
        emitFailure(cancelled());
        return;
    }
    HttpJob *request = m_client->get(m_path + m_id);
    connect(request, &HttpJob::retrying, this, &ApiCallJob::retrying);
    runChild(request, [this](HttpJob *done) {
        const QString context = Text::tr("Report %1").arg(m_id);
        ApiError error = done->error();
        if (done->succeeded() && parse(done->body(), &error))
            emitSuccess();
        else
            emitFailure(error.withContext(context));
    });
}

ReportJob::ReportJob(ApiClient *client, const QString &id, QObject *parent)
    : ApiCallJob(client, QStringLiteral("/reports/"), id, parent)
{}

bool ReportJob::parse(const QByteArray &body, ApiError *error)
{
    return json::parseReportBody(body, &m_report, error);
}

TicketJob::TicketJob(ApiClient *client, const QString &id, QObject *parent)
    : ApiCallJob(client, QStringLiteral("/reports/download/"), id, parent)
{}

bool TicketJob::parse(const QByteArray &body, ApiError *error)
{
    if (!json::parseTicketBody(body, &m_ticket, error))
        return false;
    if (m_ticket.id != reportId()) {
        *error = ApiError(ApiError::Kind::InvalidResponse,
                          Text::tr("GetBill sent the download information of another report (%1).").arg(m_ticket.id));
        return false;
    }
    return true;
}

ReportListJob::ReportListJob(ApiClient *client, QString type, QObject *parent)
    : Job(parent), m_client(client), m_type(std::move(type))
{}

void ReportListJob::run()
{
    fetchPage(1);
}

void ReportListJob::fetchPage(int page)
{
    if (!m_client) {
        emitFailure(cancelled());
        return;
    }
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("page"), QString::number(page));
    query.addQueryItem(QStringLiteral("limit"), QString::number(pageSize));
    if (!m_type.isEmpty())
        query.addQueryItem(QStringLiteral("type"), m_type);
    HttpJob *request = m_client->get(QStringLiteral("/reports"), query);
    connect(request, &HttpJob::retrying, this, &ReportListJob::retrying);
    ++m_inFlight;
    runChild(request, [this, page](HttpJob *done) {
        --m_inFlight;
        if (!done->succeeded())
            fail(done->error());
        else
            onPage(page, done->body());
    });
}

void ReportListJob::fail(const ApiError &error)
{
    cancelChildren();
    emitFailure(error);
}

void ReportListJob::onPage(int page, const QByteArray &body)
{
    ReportPage parsed;
    ApiError error;
    if (!json::parseReportPage(body, &parsed, &error)) {
        fail(error);
        return;
    }
    if (page == 1) {
        const int limit = parsed.limit > 0 ? parsed.limit : pageSize;
        const int allowed = parsed.total > 0 ? int((qint64(parsed.total) + limit - 1) / limit) : 1;
        m_pageCount = std::max(1, parsed.pages);
        if (m_pageCount > std::max(1, allowed) || m_pageCount > maxPages) {
            fail(ApiError(ApiError::Kind::InvalidResponse,
                          Text::tr("GetBill announced %1 pages for %2 reports; the list was not loaded.")
                              .arg(parsed.pages)
                              .arg(parsed.total)));
            return;
        }
    }
    // Reports created while we page shift the list: keep each id once, the first time it is seen.
    QList<Report> fresh;
    for (Report &report : parsed.reports)
        if (!m_seen.contains(report.id)) {
            m_seen.insert(report.id);
            fresh.append(report);
        }
    if (page > 1 && !parsed.reports.isEmpty() && fresh.isEmpty()) {
        fail(ApiError(ApiError::Kind::InvalidResponse,
                      Text::tr("GetBill sent page %1 of the report list again; the list was not loaded.").arg(page)));
        return;
    }
    // An empty page ends the list even if `pages` promised more.
    if (parsed.reports.isEmpty())
        m_endSeen = true;
    m_pages.insert(page, fresh);
    emit pageArrived(fresh, page, m_pageCount);
    emit progress(m_pages.size(), m_pageCount);

    while (!m_endSeen && m_inFlight < pagesInFlight && m_nextPage <= m_pageCount)
        fetchPage(m_nextPage++);
    if (m_inFlight > 0 || isFinished())
        return;
    for (const QList<Report> &reports : std::as_const(m_pages))
        m_reports += reports;
    emitSuccess();
}

} // namespace getbill
