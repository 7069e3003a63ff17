#pragma once

#include "Job.h"
#include "api/NetworkOptions.h"
#include "api/Report.h"

#include <QPointer>
#include <QScopedPointer>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

class QNetworkAccessManager;
class QNetworkReply;

namespace getbill {

class TokenProvider;
class ApiCall;
class ReportListJob;
class ReportJob;
class TicketJob;

/// The GetBill external API's report calls. Each call returns a job the caller owns. The bearer token is attached
/// to requests for the API origin only, and API requests follow redirects within that origin only (Qt 6.4's
/// default policy would forward the Authorization header to another host).
class ApiClient : public QObject
{
    Q_OBJECT
public:
    static QUrl defaultBaseUrl() { return QUrl(QStringLiteral("https://getbill.io/external-api/v1")); }

    ApiClient(QNetworkAccessManager *network, TokenProvider *tokens, QObject *parent = nullptr);

    /// Fails (returns false, leaves the old one) unless the URL is https or loopback http.
    bool setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_baseUrl; }
    void setOptions(const NetworkOptions &options) { m_options = options; }
    const NetworkOptions &options() const { return m_options; }
    QNetworkAccessManager *network() const { return m_network; }
    TokenProvider *tokens() const { return m_tokens; }
    /// Switches credentials (demo token, the signed-in account, GETBILL_TOKEN); calls under way keep theirs.
    void setTokens(TokenProvider *tokens) { m_tokens = tokens; }
    /// From the last API answer that carried the headers.
    RateLimit rateLimit() const { return m_rateLimit; }

    /// Every page of GET /reports (100 a page), optionally filtered by type.
    ReportListJob *listReports(const QString &type = {});
    /// GET /reports/{id}: the only way to poll a report's status.
    ReportJob *fetchReport(const QString &id);
    /// GET /reports/download/{id}: a fresh signed link.
    TicketJob *fetchTicket(const QString &id);
    /// baseUrl() + path (+ query): the only URLs that get the bearer token.
    QUrl endpoint(const QString &path, const QUrlQuery &query = {}) const;

signals:
    void rateLimitChanged(const getbill::RateLimit &rateLimit);

private:
    friend class ApiCall;
    void noteRateLimit(const RateLimit &rateLimit);

    QNetworkAccessManager *m_network;
    TokenProvider *m_tokens;
    QUrl m_baseUrl = defaultBaseUrl();
    NetworkOptions m_options;
    RateLimit m_rateLimit;
};

/// One logical GET against the API: token, request, bounded body, one refresh on 401, retries of transient
/// failures per the client's RetryPolicy. Internal building block of the report jobs.
class ApiCall : public QObject
{
    Q_OBJECT
public:
    ApiCall(ApiClient *client, QUrl url, QObject *parent);
    ~ApiCall() override;
    void start();
    void abort();

signals:
    void succeeded(const QByteArray &body);
    void failed(const getbill::ApiError &error);
    /// A transient failure will be retried after `delayMs` (the UI shows "waiting until ...").
    void retrying(const getbill::ApiError &error, int delayMs);

private:
    void send(const QString &token);
    void onReadyRead();
    void onFinished();
    void fail(const ApiError &error);
    ApiError networkError() const;

    QPointer<ApiClient> m_client;
    QUrl m_url;
    QString m_token;
    QScopedPointer<QNetworkReply, QScopedPointerDeleteLater> m_reply;
    QByteArray m_body;
    QTimer m_retryTimer;
    int m_attempt = 0;
    bool m_authRetried = false;
    bool m_tooLarge = false;
    bool m_aborted = false;
};

/// Base of the jobs about one report (GET /reports/{id}, GET /reports/download/{id}): checks the id, runs one
/// ApiCall and parses its body. Errors say which report they are about.
class ApiCallJob : public Job
{
    Q_OBJECT
public:
    /// `path` is the endpoint's path before the id, e.g. "/reports/".
    ApiCallJob(ApiClient *client, const QString &path, const QString &id, QObject *parent);
    const QString &reportId() const { return m_id; }

signals:
    void retrying(const getbill::ApiError &error, int delayMs);

protected:
    /// Parses the body; returns false with `error` set when it is not what the API documents.
    virtual bool parse(const QByteArray &body, ApiError *error) = 0;
    void abortWork() override;

private:
    QString context() const;

    QString m_id;
    ApiCall *m_call;
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

/// Every page of GET /reports, one after the other. progress() counts pages.
class ReportListJob : public Job
{
    Q_OBJECT
public:
    static constexpr int pageSize = 100;

    ReportListJob(ApiClient *client, QString type, QObject *parent = nullptr);
    const QList<Report> &reports() const { return m_reports; }
    int pagesFetched() const { return m_page; }

signals:
    /// Reports of one more page, as they arrive: views can fill in before the last page.
    void pageArrived(const QList<getbill::Report> &reports, int page, int pages);
    void retrying(const getbill::ApiError &error, int delayMs);

protected:
    void abortWork() override;

private:
    void fetchPage(int page);
    void onPage(const QByteArray &body);

    QPointer<ApiClient> m_client;
    QString m_type;
    int m_page = 0;
    QList<Report> m_reports;
    QSet<QString> m_seen;
    ApiCall *m_call = nullptr;
};

} // namespace getbill
