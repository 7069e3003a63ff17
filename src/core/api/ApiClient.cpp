#include "api/ApiClient.h"

#include "api/ReportJobs.h"
#include "api/UrlPolicy.h"
#include "net/CryptoLibrary.h"
#include "net/HttpJob.h"

namespace getbill {

bool ApiClient::isAllowedBaseUrl(const QUrl &url)
{
    return UrlPolicy::isAllowed(url) && !url.hasQuery() && !url.hasFragment();
}

ApiClient::ApiClient(QNetworkAccessManager *network, TokenProvider *tokens, QObject *parent)
    : QObject(parent), m_network(network), m_tokens(tokens)
{
    initCryptoLibrary(); // long done before main(); the call keeps that rule linked into every program of the API
}

ApiClient::~ApiClient()
{
    cancelAll();
}

bool ApiClient::setBaseUrl(const QUrl &url)
{
    if (!isAllowedBaseUrl(url))
        return false;
    const QUrl next = url.adjusted(QUrl::StripTrailingSlash);
    if (next == m_baseUrl)
        return true;
    cancelAll();
    m_baseUrl = next;
    m_rateLimit = RateLimit();
    emit sessionChanged();
    return true;
}

void ApiClient::setTokens(TokenProvider *tokens)
{
    if (tokens == m_tokens)
        return;
    cancelAll();
    m_tokens = tokens;
    emit sessionChanged();
}

void ApiClient::cancelAll()
{
    const QList<QPointer<Job>> calls = std::exchange(m_calls, {});
    for (const QPointer<Job> &call : calls)
        if (call)
            call->cancel();
}

template <typename J>
J *ApiClient::track(J *job)
{
    m_calls.removeAll(nullptr);
    m_calls.append(job);
    return job;
}

QString ApiClient::accountKey() const
{
    return m_accountKey.isEmpty() ? m_baseUrl.toString() : m_accountKey;
}

QUrl ApiClient::endpoint(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + path, QUrl::DecodedMode);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

HttpJob *ApiClient::get(const QString &path, const QUrlQuery &query)
{
    auto *job = new HttpJob(m_network, m_options, HttpPurpose::Api, endpoint(path, query));
    job->setBearer(m_tokens);
    job->setGate(m_gate);
    connect(job, &HttpJob::rateLimitSeen, this, &ApiClient::noteRateLimit);
    return track(job);
}

void ApiClient::noteRateLimit(const RateLimit &rateLimit)
{
    if (!rateLimit.isKnown())
        return;
    m_rateLimit = rateLimit;
    emit rateLimitChanged(rateLimit);
}

ReportListJob *ApiClient::listReports(const QString &type)
{
    return track(new ReportListJob(this, type));
}

ReportJob *ApiClient::fetchReport(const QString &id)
{
    return track(new ReportJob(this, id));
}

TicketJob *ApiClient::fetchTicket(const QString &id)
{
    return track(new TicketJob(this, id));
}

} // namespace getbill
