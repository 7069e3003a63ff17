#pragma once

#include "Job.h"
#include "api/Report.h"

#include <QMap>
#include <QPointer>
#include <QSet>

namespace getbill {

class ApiClient;
class HttpJob;

/// Base of the calls about one report (GET /reports/{id}, GET /reports/download/{id}): checks the id, runs one API
/// request and parses its body. Errors say which report they are about.
class ApiCallJob : public Job
{
    Q_OBJECT
public:
    /// `path` is the endpoint's path before the id, e.g. "/reports/".
    ApiCallJob(ApiClient *client, QString path, QString id, QObject *parent);
    const QString &reportId() const { return m_id; }

signals:
    void retrying(const getbill::ApiError &error, int delayMs);

protected:
    void run() override;
    /// Parses the body; returns false with `error` set when it is not what the API documents.
    virtual bool parse(const QByteArray &body, ApiError *error) = 0;

private:
    QPointer<ApiClient> m_client;
    QString m_path;
    QString m_id;
};

class ReportJob : public ApiCallJob
{
    Q_OBJECT
public:
    ReportJob(ApiClient *client, const QString &id, QObject *parent = nullptr);
    const Report &report() const { return m_report; }

protected:
    bool parse(const QByteArray &body, ApiError *error) override;

private:
    Report m_report;
};

class TicketJob : public ApiCallJob
{
    Q_OBJECT
public:
    TicketJob(ApiClient *client, const QString &id, QObject *parent = nullptr);
    const DownloadTicket &ticket() const { return m_ticket; }

protected:
    bool parse(const QByteArray &body, ApiError *error) override;

private:
    DownloadTicket m_ticket;
};

/// Every page of GET /reports: the first one, then the rest a few at a time (each page costs a round trip; one
/// after the other, 100 pages take 10 s). progress() counts pages. The number of pages is the first page's, and it
/// must agree with its `total`; a listing stops with an error when a later page brings no new id (a server that
/// repeats itself) or would need more than maxPages: a broken or hostile server cannot keep it paging and burning
/// the hourly request budget.
class ReportListJob : public Job
{
    Q_OBJECT
public:
    static constexpr int pageSize = 100;
    /// 100,000 reports: far beyond any company's, far below the hourly budget of 1,000 requests.
    static constexpr int maxPages = 1000;
    static constexpr int pagesInFlight = 4;

    ReportListJob(ApiClient *client, QString type, QObject *parent = nullptr);
    /// Every report once, in the API's order (page by page).
    const QList<Report> &reports() const { return m_reports; }
    int pagesFetched() const { return int(m_pages.size()); }

signals:
    /// Reports of one more page, as they arrive (pages may come out of order): views fill in before the last.
    void pageArrived(const QList<getbill::Report> &reports, int page, int pages);
    void retrying(const getbill::ApiError &error, int delayMs);

protected:
    void run() override;

private:
    void fetchPage(int page);
    void onPage(int page, const QByteArray &body);
    void fail(const ApiError &error);

    QPointer<ApiClient> m_client;
    QString m_type;
    int m_pageCount = 0; ///< known once page 1 arrived
    int m_nextPage = 2;
    int m_inFlight = 0;
    bool m_endSeen = false; ///< an empty page: nothing after it
    QMap<int, QList<Report>> m_pages;
    QSet<QString> m_seen;
    QList<Report> m_reports;
};

} // namespace getbill
