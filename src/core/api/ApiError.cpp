#include "api/ApiError.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace getbill {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::ApiError)
};

QString defaultMessageForStatus(int status)
{
    switch (status) {
    case 400:
        return Text::tr("The request was not accepted by GetBill (400).");
    case 401:
        return Text::tr("Authentication credentials are missing or invalid. Sign in again.");
    case 403:
        return Text::tr("Access denied (403).");
    case 404:
        return Text::tr("Not found (404).");
    case 422:
        return Text::tr("The request could not be processed (422).");
    case 429:
        return Text::tr("Rate limit exceeded. Please try again later.");
    case 500:
    case 502:
    case 503:
    case 504:
        return Text::tr("GetBill is having trouble right now (HTTP %1). Try again in a moment.").arg(status);
    default:
        return Text::tr("GetBill answered with HTTP status %1.").arg(status);
    }
}

std::optional<int> parseRetryAfterHeader(const QByteArray &header)
{
    bool ok = false;
    const int seconds = header.trimmed().toInt(&ok);
    if (ok && seconds >= 0)
        return seconds;
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(header.trimmed()), Qt::RFC2822Date);
    if (when.isValid())
        return std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(when));
    return std::nullopt;
}

/// Bounds what a server can make us display: envelope messages are short sentences.
QString boundedText(QString text)
{
    text = text.simplified();
    constexpr int maxLength = 500;
    if (text.size() > maxLength)
        text = text.left(maxLength) + QChar(0x2026);
    return text;
}
} // namespace

ApiError::ApiError(Kind kind, QString message, int httpStatus)
    : m_kind(kind), m_httpStatus(httpStatus), m_message(std::move(message))
{}

ApiError ApiError::fromHttp(int status, const QByteArray &body, const RateLimit &rateLimit,
                            const QByteArray &retryAfterHeader)
{
    ApiError error(Kind::Http, defaultMessageForStatus(status), status);
    error.m_rateLimit = rateLimit;
    error.m_retryAfter = parseRetryAfterHeader(retryAfterHeader);

    // A proxy may answer with HTML or nothing: only a JSON object is taken as the API's envelope.
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError && doc.isObject()) {
        const QJsonObject envelope = doc.object();
        const QJsonValue message = envelope.value(QLatin1String("message"));
        if (message.isString() && !message.toString().trimmed().isEmpty())
            error.m_message = boundedText(message.toString());
        else if (envelope.value(QLatin1String("error_description")).isString()) // OAuth token endpoint shape
            error.m_message = boundedText(envelope.value(QLatin1String("error_description")).toString());
        const QJsonValue details = envelope.value(QLatin1String("details"));
        if (details.isObject()) {
            error.m_details = details.toObject();
            const QJsonValue retryAfter = error.m_details.value(QLatin1String("retry_after"));
            if (retryAfter.isDouble() && retryAfter.toDouble() >= 0 && retryAfter.toDouble() < 1e9)
                error.m_retryAfter = static_cast<int>(retryAfter.toDouble());
        }
    }
    if (status == 429 && !error.m_retryAfter && rateLimit.resetEpoch >= 0)
        error.m_retryAfter = static_cast<int>(
            std::clamp<qint64>(rateLimit.resetEpoch - QDateTime::currentSecsSinceEpoch(), 0, 24 * 3600));
    return error;
}

ApiError::Category ApiError::category() const
{
    switch (m_kind) {
    case Kind::None:
        return Category::None;
    case Kind::Network:
    case Kind::Timeout:
    case Kind::InvalidResponse:
        return Category::Transient;
    case Kind::Tls:
        return Category::Untrusted;
    case Kind::InsecureUrl:
    case Kind::InvalidInput:
    case Kind::LinkRejected:
        // Retrying a certificate or URL that is refused on principle cannot succeed.
        return Category::Refused;
    case Kind::NotAuthenticated:
        return Category::NotAuthenticated;
    case Kind::Integrity:
        return Category::Integrity;
    case Kind::LocalFile:
        return Category::LocalFile;
    case Kind::Cancelled:
        return Category::Cancelled;
    case Kind::Http:
        break;
    }
    if (m_httpStatus == 401)
        return Category::NotAuthenticated;
    if (m_httpStatus == 408 || m_httpStatus == 429 || m_httpStatus >= 500)
        return Category::Transient;
    return Category::Refused;
}

QString ApiError::detailedMessage() const
{
    QStringList lines;
    for (auto it = m_details.begin(); it != m_details.end(); ++it) {
        // A 429's details are numbers for the retry logic, not text for the user.
        if (m_httpStatus == 429)
            break;
        QStringList texts;
        if (it.value().isArray()) {
            const QJsonArray array = it.value().toArray();
            for (const QJsonValue &v : array)
                if (v.isString())
                    texts << boundedText(v.toString());
        } else if (it.value().isString()) {
            texts << boundedText(it.value().toString());
        }
        if (!texts.isEmpty())
            lines << boundedText(it.key()) + QLatin1String(": ") + texts.join(QLatin1String("; "));
    }
    if (lines.isEmpty())
        return m_message;
    return m_message + QLatin1String(" (") + lines.join(QLatin1String(", ")) + QLatin1Char(')');
}

ApiError &ApiError::withDetails(QJsonObject details)
{
    m_details = std::move(details);
    return *this;
}

ApiError &ApiError::withRetryAfter(std::optional<int> seconds)
{
    m_retryAfter = seconds;
    return *this;
}

ApiError &ApiError::withRateLimit(const RateLimit &rateLimit)
{
    m_rateLimit = rateLimit;
    return *this;
}

ApiError &ApiError::withContext(const QString &context)
{
    if (!context.isEmpty())
        m_message = context + QLatin1String(": ") + m_message;
    return *this;
}

} // namespace getbill
