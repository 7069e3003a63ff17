#pragma once

#include "api/RateLimit.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace getbill {

/// A failure of any step of getting a report: the API call, the transfer from the download host, or saving the
/// file. `message` is written for the user (the API's own message when it sent one) and never holds a secret or a
/// signed URL.
class ApiError
{
public:
    enum class Kind
    {
        None,
        Network,          ///< connection refused, reset, DNS, cut mid-body
        Timeout,          ///< the transfer stalled longer than the transfer timeout
        Tls,              ///< certificate not trusted or handshake failed (never ignored)
        Http,             ///< the server answered an error status; see httpStatus()
        InvalidResponse,  ///< the body is not what the API documents (HTML, truncated JSON, wrong types, too big)
        InsecureUrl,      ///< a URL that is neither https nor loopback, or a redirect we refuse to follow
        InvalidInput,     ///< what the user gave us cannot be a report id, a URL, ...
        LinkRejected,     ///< the download host refused the signed link (expired, used): ask for a fresh one
        NotAuthenticated, ///< no token available at all
        Integrity,        ///< the file's size does not match what the API announced
        LocalFile,        ///< cannot write, target exists, disk full
        Cancelled,        ///< the user (or the caller) cancelled
    };

    /// How a caller should react; the CLI maps this one-to-one onto its exit statuses.
    enum class Category
    {
        None,
        NotAuthenticated, ///< 401 or no token: sign in again
        Refused,          ///< 400, 403, 404, 422 or not ready: retrying will not help
        Transient,        ///< network, timeout, 429, 5xx, broken answers: worth retrying
        Untrusted,        ///< TLS could not be verified: a network failure, never retried (fails closed)
        Integrity,
        LocalFile,
        Cancelled,
    };

    ApiError() = default;
    ApiError(Kind kind, QString message, int httpStatus = 0);

    static ApiError fromHttp(int status, const QByteArray &body, const RateLimit &rateLimit,
                             const QByteArray &retryAfterHeader = {});

    Kind kind() const { return m_kind; }
    bool isError() const { return m_kind != Kind::None; }
    int httpStatus() const { return m_httpStatus; }
    const QString &message() const { return m_message; }
    const QJsonObject &details() const { return m_details; }
    /// Seconds the server asked us to wait (details.retry_after, Retry-After), when it said so.
    std::optional<int> retryAfterSeconds() const { return m_retryAfter; }
    const RateLimit &rateLimit() const { return m_rateLimit; }

    Category category() const;
    bool isRetryable() const { return category() == Category::Transient; }

    /// The message plus the validation details ("limit: must be at most 100"), for display.
    QString detailedMessage() const;

    ApiError &withDetails(QJsonObject details);
    ApiError &withRetryAfter(std::optional<int> seconds);
    ApiError &withRateLimit(const RateLimit &rateLimit);
    /// Prefixes the message with what we were doing: "Report report_x: <message>".
    ApiError &withContext(const QString &context);

private:
    Kind m_kind = Kind::None;
    int m_httpStatus = 0;
    QString m_message;
    QJsonObject m_details;
    std::optional<int> m_retryAfter;
    RateLimit m_rateLimit;
};

} // namespace getbill
