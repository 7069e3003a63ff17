#include "auth/ClientCredentials.h"

#include "api/UrlPolicy.h"
#include "net/HttpJob.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace getbill {

namespace {
// An OAuth token answer is a few hundred bytes; anything near this is not one.
constexpr qint64 maxTokenBodyBytes = 64 * 1024;
// The GetBill documentation: access tokens live one hour. Used when the answer has no expires_in.
constexpr qint64 defaultLifetimeMs = 3600 * 1000;

QByteArray formValue(const QString &value)
{
    // application/x-www-form-urlencoded: percent-encode everything but unreserved characters, so a secret with
    // '&', '+' or '=' arrives intact.
    return QUrl::toPercentEncoding(value);
}
} // namespace

ClientCredentials::ClientCredentials(QNetworkAccessManager *network, QUrl tokenUrl, QString clientId,
                                     QString clientSecret, QObject *parent)
    : TokenProvider(parent), m_network(network), m_tokenUrl(std::move(tokenUrl)), m_clientId(std::move(clientId)),
      m_clientSecret(std::move(clientSecret))
{}

ClientCredentials::~ClientCredentials()
{
    if (m_request) {
        m_request->disconnect(this);
        m_request->cancel();
    }
    m_clientSecret.fill(QLatin1Char('\0'));
    m_token.fill(QLatin1Char('\0'));
}

std::chrono::milliseconds ClientCredentials::refreshMargin(std::chrono::milliseconds lifetime)
{
    using namespace std::chrono;
    if (lifetime <= milliseconds::zero())
        return milliseconds::zero();
    return std::min<milliseconds>(minutes(1), lifetime / 5);
}

QDateTime ClientCredentials::tokenExpiry() const
{
    if (m_token.isEmpty())
        return {};
    return QDateTime::fromMSecsSinceEpoch(m_expiresAtMs);
}

void ClientCredentials::requestToken(QObject *context, Callback callback)
{
    if (m_signedOut.isError()) {
        const ApiError error = m_signedOut;
        QTimer::singleShot(0, context, [error, callback = std::move(callback)] { callback({}, error); });
        return;
    }
    if (!m_token.isEmpty() && QDateTime::currentMSecsSinceEpoch() < m_refreshAtMs) {
        const QString token = m_token;
        QTimer::singleShot(0, context, [token, callback = std::move(callback)] { callback(token, {}); });
        return;
    }
    m_waiters.append({context, std::move(callback)});
    // One request serves every waiter: ten calls starting together must not cost ten tokens.
    if (!m_request && !m_fetchQueued) {
        m_fetchQueued = true;
        // Queued: even a refusal (insecure URL) must reach the callback from the event loop.
        QMetaObject::invokeMethod(this, &ClientCredentials::fetch, Qt::QueuedConnection);
    }
}

bool ClientCredentials::tokenRejected(const QString &token)
{
    if (m_signedOut.isError())
        return false;
    if (token != m_token)
        // An older token: a newer one is held or on its way, and the caller has not tried it yet.
        return !token.isEmpty();
    if (m_tokenAfterRejection) {
        signOut(ApiError(ApiError::Kind::Http,
                         tr("Signed out: GetBill does not accept the access tokens issued to the API client \"%1\" "
                            "(it may have been revoked, or lost the scope reports:read). Sign in again.")
                             .arg(m_clientId),
                         401));
        return false;
    }
    m_token.clear();
    m_refreshAtMs = 0;
    m_nextFetchAfterRejection = true;
    emit changed();
    return true;
}

void ClientCredentials::fetch()
{
    m_fetchQueued = false;
    if (m_request || m_waiters.isEmpty())
        return;
    if (!UrlPolicy::isAllowed(m_tokenUrl) || m_tokenUrl.hasQuery() || m_tokenUrl.hasFragment()) {
        // Refused before a byte is sent: the secret must not travel in clear text.
        deliver({}, ApiError(ApiError::Kind::InsecureUrl,
                             tr("The sign-in address %1 is not allowed: GetBill credentials are only sent over "
                                "https (or to this computer).")
                                 .arg(UrlPolicy::redacted(m_tokenUrl))));
        return;
    }
    const QByteArray form = "grant_type=client_credentials&client_id=" + formValue(m_clientId) +
                            "&client_secret=" + formValue(m_clientSecret) + "&scope=" + formValue(scope());
    // HttpJob keeps redirects on the origin, bounds the answer and retries what is transient.
    auto *request = new HttpJob(m_network, m_options, HttpPurpose::Token, m_tokenUrl, this);
    request->setPost(QByteArrayLiteral("application/x-www-form-urlencoded"), form);
    request->setMaxBodyBytes(maxTokenBodyBytes);
    m_request = request;
    m_sentAtMs = QDateTime::currentMSecsSinceEpoch();
    connect(request, &Job::finished, this, [this, request] {
        request->deleteLater();
        m_request = nullptr;
        onFinished(*request);
    });
    request->start();
}

QString ClientCredentials::scrub(QString text) const
{
    // Server text goes to the user: make sure it cannot echo the secret back at them, or into a log.
    if (!m_clientSecret.isEmpty())
        text.replace(m_clientSecret, QStringLiteral("***"));
    if (!m_clientSecret.isEmpty()) {
        const QString encoded = QString::fromLatin1(formValue(m_clientSecret));
        text.replace(encoded, QStringLiteral("***"));
    }
    return text.left(300);
}

ApiError ClientCredentials::parseError(const HttpJob &request) const
{
    const int status = request.status();
    const QJsonObject o = QJsonDocument::fromJson(request.body()).object();
    const QString code = o.value(QStringLiteral("error")).toString();
    QString description = scrub(o.value(QStringLiteral("error_description")).toString());
    if (description.isEmpty())
        description = code.isEmpty() ? tr("HTTP %1").arg(status) : code;
    if (code == QLatin1String("invalid_client") || code == QLatin1String("unauthorized_client") ||
        code == QLatin1String("invalid_grant") || (code.isEmpty() && status == 401))
        // Kind::Http with 401, not Kind::NotAuthenticated ("no credential at all"): the message is the point.
        return ApiError(ApiError::Kind::Http,
                        tr("GetBill refused the API client \"%1\": %2 Check the client id and secret (an "
                           "administrator can create a new secret in GetBill under Company, API Client Management).")
                            .arg(m_clientId, description),
                        401);
    if (code == QLatin1String("invalid_scope"))
        return ApiError(
            ApiError::Kind::Http,
            tr("The API client \"%1\" may not read reports (scope reports:read): %2").arg(m_clientId, description),
            403);
    ApiError error = request.error();
    // Not the OAuth shape (a proxy's page, an API envelope): its text may still quote what we sent.
    error = ApiError(error.kind(), code.isEmpty() ? scrub(error.message()) : description, status)
                .withRetryAfter(error.retryAfterSeconds());
    return error.withContext(tr("GetBill sign-in (%1)").arg(m_tokenUrl.host()));
}

void ClientCredentials::onFinished(const HttpJob &request)
{
    const QString host = m_tokenUrl.host();
    ApiError error;
    QJsonObject answer;
    if (request.status() >= 400) {
        error = parseError(request);
    } else if (!request.succeeded()) {
        error = request.error();
    } else {
        answer = QJsonDocument::fromJson(request.body()).object();
        const QString type = answer.value(QStringLiteral("token_type")).toString(QStringLiteral("Bearer"));
        if (!answer.value(QStringLiteral("access_token")).isString() ||
            answer.value(QStringLiteral("access_token")).toString().isEmpty() ||
            type.compare(QLatin1String("bearer"), Qt::CaseInsensitive) != 0)
            error = ApiError(ApiError::Kind::InvalidResponse,
                             tr("The GetBill sign-in service at %1 did not send a bearer access token.").arg(host));
    }

    if (error.isError()) {
        handleFailure(error);
        return;
    }
    m_token = answer.value(QStringLiteral("access_token")).toString();
    const QJsonValue expiresIn = answer.value(QStringLiteral("expires_in"));
    const qint64 lifetimeMs = expiresIn.isDouble() ? qint64(expiresIn.toDouble() * 1000) : defaultLifetimeMs;
    // From the moment we asked: the server's clock started no earlier than that.
    m_expiresAtMs = m_sentAtMs + lifetimeMs;
    m_refreshAtMs = m_expiresAtMs - refreshMargin(std::chrono::milliseconds(lifetimeMs)).count();
    m_tokenAfterRejection = m_nextFetchAfterRejection;
    m_nextFetchAfterRejection = false;
    emit changed();
    deliver(m_token, {});
}

void ClientCredentials::handleFailure(const ApiError &error)
{
    // Transient failures were already retried by the request itself.
    if (error.category() == ApiError::Category::NotAuthenticated) {
        signOut(error);
        return;
    }
    deliver({}, error);
}

void ClientCredentials::signOut(const ApiError &reason)
{
    m_signedOut = reason;
    m_token.clear();
    m_refreshAtMs = 0;
    emit signedOut(reason);
    emit changed();
    deliver({}, reason);
}

void ClientCredentials::deliver(const QString &token, const ApiError &error)
{
    // Swap first: a callback may ask for a token again (a retry), which must start a new round.
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &w : waiters)
        if (w.context)
            w.callback(token, error);
}

} // namespace getbill
