#include "net/HttpErrors.h"

#include "Format.h"

#include <QCoreApplication>
#include <QNetworkReply>

namespace getbill::HttpErrors {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::HttpJob)
};
} // namespace

ApiError forStatus(HttpPurpose purpose, const QString &host, int status, const QByteArray &body,
                   const RateLimit &rateLimit, const QByteArray &retryAfter)
{
    if (purpose != HttpPurpose::File)
        return ApiError::fromHttp(status, body, rateLimit, retryAfter);
    const bool linkProblem = status == 400 || status == 401 || status == 403 || status == 404 || status == 410;
    if (linkProblem)
        return ApiError(ApiError::Kind::LinkRejected,
                        Text::tr("The download link was refused by %1 (HTTP %2): it has expired or was already used.")
                            .arg(host)
                            .arg(status),
                        status);
    return ApiError(ApiError::Kind::Http, Text::tr("The download server %1 answered HTTP %2.").arg(host).arg(status),
                    status)
        .withRetryAfter(ApiError::fromHttp(status, {}, RateLimit(), retryAfter).retryAfterSeconds());
}

ApiError forTransport(HttpPurpose purpose, const QString &host, int networkError, qint64 timeoutMs, qint64 done,
                      qint64 total, const QString &proxy)
{
    // One table of sentences, by far end: the API (the token must stay there), the sign-in service (the secret must
    // stay there) and the download host (where progress matters).
    const QString &h = host;
    const QString seconds = Format::seconds(timeoutMs);
    const QString doneText = Format::dataSize(done);
    const QString totalText = Format::dataSize(total);
    using Kind = ApiError::Kind;
    switch (QNetworkReply::NetworkError(networkError)) {
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        // Qt ends a transfer that received nothing for the transfer timeout this way: a stall.
        switch (purpose) {
        case HttpPurpose::Api:
            return ApiError(Kind::Timeout, Text::tr("GetBill (%1) did not answer within %2 seconds.").arg(h, seconds));
        case HttpPurpose::Token:
            return ApiError(Kind::Timeout,
                            Text::tr("The GetBill sign-in service at %1 did not answer in time.").arg(h));
        case HttpPurpose::File:
            return ApiError(Kind::Timeout,
                            Text::tr("The download from %1 stalled: no data for %2 seconds.").arg(h, seconds));
        }
        break;
    case QNetworkReply::SslHandshakeFailedError:
        switch (purpose) {
        case HttpPurpose::Api:
            return ApiError(Kind::Tls,
                            Text::tr("The secure connection to %1 could not be verified (untrusted or invalid "
                                     "certificate). If your company inspects TLS traffic, add its CA in the "
                                     "settings or GETBILL_CA_BUNDLE.")
                                .arg(h));
        case HttpPurpose::Token:
            return ApiError(Kind::Tls,
                            Text::tr("The secure connection to the GetBill sign-in service at %1 could not be "
                                     "verified (untrusted or invalid certificate).")
                                .arg(h));
        case HttpPurpose::File:
            return ApiError(Kind::Tls, Text::tr("The secure connection to the download server %1 could not be verified "
                                                "(untrusted or invalid certificate).")
                                           .arg(h));
        }
        break;
    case QNetworkReply::InsecureRedirectError:
    case QNetworkReply::TooManyRedirectsError:
        return redirectRefused(purpose, host);
    case QNetworkReply::ProxyAuthenticationRequiredError:
        return ApiError(
            Kind::Network,
            Text::tr("The network proxy %1 asked for a user name and password and did not accept the ones given "
                     "(on the way to %2). Give them in the proxy address (http://user:password@proxy:port) or "
                     "with GETBILL_PROXY_USER and GETBILL_PROXY_PASSWORD.")
                .arg(proxy.isEmpty() ? Text::tr("(system setting)") : proxy, h));
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownProxyError:
        return ApiError(Kind::Network,
                        Text::tr("The network proxy %1 on the way to %2 could not be used. Check the proxy "
                                 "settings (https_proxy, no_proxy, or the desktop's network settings).")
                            .arg(proxy.isEmpty() ? Text::tr("(system setting)") : proxy, h));
    case QNetworkReply::UnknownNetworkError:
        // Qt's word for a proxy that answered the tunnel with something else than 200 or 407 (a refusal).
        if (!proxy.isEmpty())
            return ApiError(
                Kind::Network,
                Text::tr("The network proxy %1 refused the connection to %2 (wrong user name or password, or "
                         "not allowed). Check the proxy settings and credentials.")
                    .arg(proxy, h));
        break;
    default:
        break;
    }
    switch (purpose) {
    case HttpPurpose::Api:
        if (networkError == QNetworkReply::ConnectionRefusedError)
            return ApiError(Kind::Network, Text::tr("Cannot connect to GetBill at %1: connection refused.").arg(h));
        if (networkError == QNetworkReply::HostNotFoundError)
            return ApiError(Kind::Network, Text::tr("Cannot find the server %1. Check your connection.").arg(h));
        if (networkError == QNetworkReply::RemoteHostClosedError)
            return ApiError(Kind::Network, Text::tr("GetBill (%1) closed the connection early.").arg(h));
        return ApiError(Kind::Network, Text::tr("Network error while talking to GetBill at %1.").arg(h));
    case HttpPurpose::Token:
        return ApiError(Kind::Network,
                        Text::tr("Cannot reach the GetBill sign-in service at %1. Check your connection.").arg(h));
    case HttpPurpose::File:
        if (networkError == QNetworkReply::RemoteHostClosedError)
            return ApiError(
                Kind::Network,
                Text::tr("The download server %1 closed the connection after %2 of %3.").arg(h, doneText, totalText));
        return ApiError(
            Kind::Network,
            Text::tr("The download from %1 failed after %2 of %3 (network error).").arg(h, doneText, totalText));
    }
    return ApiError(Kind::Network, Text::tr("Network error while talking to %1.").arg(h));
}

ApiError redirectRefused(HttpPurpose purpose, const QString &host)
{
    if (purpose == HttpPurpose::Token)
        return ApiError(
            ApiError::Kind::InsecureUrl,
            Text::tr("The GetBill sign-in service at %1 redirected the request to another address; it was not "
                     "followed so that your client secret stays with GetBill.")
                .arg(host));
    return ApiError(ApiError::Kind::InsecureUrl,
                    Text::tr("The GetBill API at %1 redirected the request to another site; "
                             "it was not followed so that your access token stays with GetBill.")
                        .arg(host));
}

ApiError tooLarge(HttpPurpose purpose, const QString &host, qint64 maxBytes)
{
    if (purpose == HttpPurpose::Token)
        return ApiError(ApiError::Kind::InvalidResponse,
                        Text::tr("The GetBill sign-in service at %1 sent an oversized answer.").arg(host));
    return ApiError(
        ApiError::Kind::InvalidResponse,
        Text::tr("GetBill sent an answer larger than %1; it was not read.").arg(Format::dataSize(maxBytes)));
}

} // namespace getbill::HttpErrors
