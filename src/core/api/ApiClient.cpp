#include "api/ApiClient.h"

#include "api/JsonParsing.h"
#include "api/UrlPolicy.h"
#include "auth/TokenProvider.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>

namespace getbill {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("getbill::ApiClient", text);
}

ApiError invalidIdError(const QString &id)
{
    return ApiError(ApiError::Kind::InvalidInput,
                    tr("\"%1\" is not a valid report id.").arg(id.left(80).toHtmlEscaped()));
}
} // namespace

// ---------------------------------------------------------------------------------------------------------------
ApiClient::ApiClient(QNetworkAccessManager *network, TokenProvider *tokens, QObject *parent)
    : QObject(parent), m_network(network), m_tokens(tokens)
{}

bool ApiClient::setBaseUrl(const QUrl &url)
{
    if (!UrlPolicy::isAllowed(url) || url.hasQuery() || url.hasFragment())
        return false;
    m_baseUrl = url.adjusted(QUrl::StripTrailingSlash);
    return true;
}

QUrl ApiClient::endpoint(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + path, QUrl::DecodedMode);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
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
    return new ReportListJob(this, type);
}

ReportJob *ApiClient::fetchReport(const QString &id)
{
    return new ReportJob(this, id);
}

TicketJob *ApiClient::fetchTicket(const QString &id)
{
    return new TicketJob(this, id);
}

// ---------------------------------------------------------------------------------------------------------------
ApiCall::ApiCall(ApiClient *client, QUrl url, QObject *parent)
    : QObject(parent), m_client(client), m_url(std::move(url))
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ApiCall::start);
}

ApiCall::~ApiCall()
{
    abort();
}

void ApiCall::start()
{
    if (!m_client) {
        fail(ApiError(ApiError::Kind::Cancelled, tr("Cancelled.")));
        return;
    }
    ++m_attempt;
    m_client->tokens()->requestToken(this, [this](const QString &token, const ApiError &error) {
        if (error.isError())
            fail(error);
        else
            send(token);
    });
}

void ApiCall::abort()
{
    m_aborted = true;
    m_retryTimer.stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply.reset();
    }
}

void ApiCall::send(const QString &token)
{
    if (m_aborted || !m_client)
        return;
    m_token = token;
    m_body.clear();
    m_tooLarge = false;

    QNetworkRequest request(m_url);
    m_client->options().apply(request);
    // Same origin only: Qt 6.4's default (NoLessSafeRedirectPolicy) would carry Authorization to another host.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    request.setMaximumRedirectsAllowed(5);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);

    m_reply.reset(m_client->network()->get(request));
    connect(m_reply.data(), &QNetworkReply::readyRead, this, &ApiCall::onReadyRead);
    connect(m_reply.data(), &QNetworkReply::finished, this, &ApiCall::onFinished);
}

void ApiCall::onReadyRead()
{
    const qint64 cap = m_client ? m_client->options().maxJsonBytes : 0;
    const qint64 announced = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    if (announced > cap || m_body.size() + m_reply->bytesAvailable() > cap) {
        // Stop reading at once: a 50 MiB "JSON" answer must not become 50 MiB of memory.
        m_tooLarge = true;
        m_reply->abort();
        return;
    }
    m_body += m_reply->readAll();
}

ApiError ApiCall::networkError() const
{
    const QString host = m_url.host();
    switch (m_reply->error()) {
    case QNetworkReply::OperationCanceledError:
        return ApiError(ApiError::Kind::Timeout,
                        tr("GetBill (%1) did not answer within %2 seconds.")
                            .arg(host)
                            .arg(m_client ? m_client->options().transferTimeoutMs / 1000.0 : 0.0));
    case QNetworkReply::SslHandshakeFailedError:
        return ApiError(ApiError::Kind::Tls,
                        tr("The secure connection to %1 could not be verified (untrusted or invalid certificate). "
                           "If your company inspects TLS traffic, add its CA in the settings or GETBILL_CA_BUNDLE.")
                            .arg(host));
    case QNetworkReply::InsecureRedirectError:
    case QNetworkReply::TooManyRedirectsError:
        return ApiError(ApiError::Kind::InsecureUrl,
                        tr("The GetBill API at %1 redirected the request to another site; it was not followed so "
                           "that your access token stays with GetBill.")
                            .arg(host));
    case QNetworkReply::ConnectionRefusedError:
        return ApiError(ApiError::Kind::Network, tr("Cannot connect to GetBill at %1: connection refused.").arg(host));
    case QNetworkReply::HostNotFoundError:
        return ApiError(ApiError::Kind::Network, tr("Cannot find the server %1. Check your connection.").arg(host));
    case QNetworkReply::RemoteHostClosedError:
        return ApiError(ApiError::Kind::Network, tr("GetBill (%1) closed the connection early.").arg(host));
    default:
        return ApiError(ApiError::Kind::Network, tr("Network error while talking to GetBill at %1.").arg(host));
    }
}

void ApiCall::onFinished()
{
    if (!m_client || m_aborted)
        return;
    QNetworkReply &reply = *m_reply;
    if (!m_tooLarge && reply.bytesAvailable() > 0)
        onReadyRead();
    const RateLimit rateLimit = RateLimit::fromReply(reply);
    m_client->noteRateLimit(rateLimit);
    const int status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();

    ApiError error;
    if (m_tooLarge) {
        error =
            ApiError(ApiError::Kind::InvalidResponse, tr("GetBill sent an answer larger than %1 MB; it was not read.")
                                                          .arg(m_client->options().maxJsonBytes / (1024 * 1024)));
    } else if (status >= 400) {
        error = ApiError::fromHttp(status, m_body, rateLimit, reply.rawHeader("Retry-After"));
    } else if (reply.error() != QNetworkReply::NoError) {
        error = networkError();
    } else if (status >= 300) {
        error = ApiError(ApiError::Kind::InsecureUrl, tr("The GetBill API answered with a redirect that was not "
                                                         "followed (HTTP %1).")
                                                          .arg(status));
    } else {
        const QByteArray body = std::move(m_body);
        m_reply.reset();
        emit succeeded(body);
        return;
    }
    m_reply.reset();

    // Every 401 is reported, also the one after the refresh: that is how an OAuth provider learns it is signed out.
    if (error.httpStatus() == 401 && m_client->tokens()->tokenRejected(m_token) && !m_authRetried) {
        m_authRetried = true;
        --m_attempt; // a refreshed token is not a retry of a failure
        start();
        return;
    }
    if (const auto delay = m_client->options().retry.delayAfter(error, m_attempt)) {
        emit retrying(error, int(delay->count()));
        m_retryTimer.start(*delay);
        return;
    }
    fail(error);
}

void ApiCall::fail(const ApiError &error)
{
    if (!m_aborted)
        emit failed(error);
}

// ---------------------------------------------------------------------------------------------------------------
ApiCallJob::ApiCallJob(ApiClient *client, const QString &path, const QString &id, QObject *parent)
    : Job(parent), m_id(id), m_call(new ApiCall(client, client->endpoint(path + id), this))
{
    connect(m_call, &ApiCall::succeeded, this, [this](const QByteArray &body) {
        ApiError error;
        if (parse(body, &error))
            emitSuccess();
        else
            emitFailure(error.withContext(context()));
    });
    connect(m_call, &ApiCall::failed, this,
            [this](const ApiError &error) { emitFailure(ApiError(error).withContext(context())); });
    connect(m_call, &ApiCall::retrying, this, &ApiCallJob::retrying);
    // Started from the event loop, so that the caller can connect first; an id that cannot be one never leaves.
    if (!json::isPlausibleReportId(id))
        QMetaObject::invokeMethod(
            this, [this] { emitFailure(invalidIdError(m_id)); }, Qt::QueuedConnection);
    else
        QMetaObject::invokeMethod(m_call, &ApiCall::start, Qt::QueuedConnection);
}

void ApiCallJob::abortWork()
{
    m_call->abort();
}

QString ApiCallJob::context() const
{
    return tr("Report %1").arg(m_id);
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
                          tr("GetBill sent the download information of another report (%1).").arg(m_ticket.id));
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------------------------
ReportListJob::ReportListJob(ApiClient *client, QString type, QObject *parent)
    : Job(parent), m_client(client), m_type(std::move(type))
{
    QMetaObject::invokeMethod(
        this, [this] { fetchPage(1); }, Qt::QueuedConnection);
}

void ReportListJob::fetchPage(int page)
{
    if (!m_client || isFinished())
        return;
    m_page = page;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("page"), QString::number(page));
    query.addQueryItem(QStringLiteral("limit"), QString::number(pageSize));
    if (!m_type.isEmpty())
        query.addQueryItem(QStringLiteral("type"), m_type);
    if (m_call)
        m_call->deleteLater();
    m_call = new ApiCall(m_client, m_client->endpoint(QStringLiteral("/reports"), query), this);
    connect(m_call, &ApiCall::succeeded, this, &ReportListJob::onPage);
    connect(m_call, &ApiCall::failed, this, [this](const ApiError &error) { emitFailure(error); });
    connect(m_call, &ApiCall::retrying, this, &ReportListJob::retrying);
    m_call->start();
}

void ReportListJob::onPage(const QByteArray &body)
{
    ReportPage page;
    ApiError error;
    if (!json::parseReportPage(body, &page, &error)) {
        emitFailure(error);
        return;
    }
    // Reports created while we page shift the list: keep each id once.
    QList<Report> fresh;
    for (Report &report : page.reports)
        if (!m_seen.contains(report.id)) {
            m_seen.insert(report.id);
            fresh.append(report);
        }
    m_reports += fresh;
    const int pages = std::max(1, page.pages);
    emit pageArrived(fresh, m_page, pages);
    emit progress(m_page, pages);
    // An empty page ends the loop even if `pages` promised more: a server cannot keep us paging forever.
    if (m_page < pages && !page.reports.isEmpty())
        fetchPage(m_page + 1);
    else
        emitSuccess();
}

void ReportListJob::abortWork()
{
    if (m_call)
        m_call->abort();
}

} // namespace getbill
