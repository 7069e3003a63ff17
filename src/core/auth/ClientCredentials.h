#pragma once

#include "api/NetworkOptions.h"
#include "auth/TokenProvider.h"

#include <QDateTime>
#include <QList>
#include <QUrl>
#include <chrono>

class QNetworkAccessManager;

namespace getbill {

class HttpJob;

/// OAuth 2.0 client-credentials grant against GetBill's token endpoint: trades an API client's id and secret for
/// access tokens, keeps the current one in memory and fetches the next one before it runs out, so that callers
/// never see an expired token. Exactly one token request is in flight however many callers wait. When GetBill
/// rejects a freshly issued token too (or the client itself), the provider is signed out and says so once.
class ClientCredentials : public TokenProvider
{
    Q_OBJECT
public:
    static QString scope() { return QStringLiteral("reports:read"); }
    /// GetBill's token URL, used when nothing else is configured.
    static QUrl defaultTokenUrl() { return QUrl(QStringLiteral("https://getbill.io/token")); }

    ClientCredentials(QNetworkAccessManager *network, QUrl tokenUrl, QString clientId, QString clientSecret,
                      QObject *parent = nullptr);
    ~ClientCredentials() override;

    /// Timeouts, trusted CAs and retry policy for the token requests (transient failures are retried per policy).
    void setOptions(const NetworkOptions &options) { m_options = options; }
    QUrl tokenUrl() const { return m_tokenUrl; }
    QString clientId() const { return m_clientId; }
    /// When the current token expires; invalid when no token is held.
    QDateTime tokenExpiry() const;
    bool isSignedOut() const { return m_signedOut.isError(); }

    void requestToken(QObject *context, Callback callback) override;
    bool tokenRejected(const QString &token) override;

    /// How long before expiry a token is replaced: a minute, or a fifth of the lifetime when that is shorter, so
    /// that an hour-long token is refreshed at 59 minutes and a 5-second one at 4 seconds. Never negative.
    static std::chrono::milliseconds refreshMargin(std::chrono::milliseconds lifetime);

signals:
    /// GetBill no longer accepts this client (invalid client, or a fresh token rejected): sign in again.
    void signedOut(const getbill::ApiError &reason);

private:
    struct Waiter
    {
        QPointer<QObject> context;
        Callback callback;
    };

    void fetch();
    void onFinished(const HttpJob &request);
    void handleFailure(const ApiError &error);
    void deliver(const QString &token, const ApiError &error);
    void signOut(const ApiError &reason);
    ApiError parseError(const HttpJob &request) const;
    QString scrub(QString text) const;

    QNetworkAccessManager *m_network;
    QUrl m_tokenUrl;
    QString m_clientId;
    QString m_clientSecret;
    NetworkOptions m_options;

    QString m_token;
    qint64 m_refreshAtMs = 0;
    qint64 m_expiresAtMs = 0;
    /// The current token was fetched because the previous one got a 401: a 401 on this one means signed out.
    bool m_tokenAfterRejection = false;
    bool m_nextFetchAfterRejection = false;
    ApiError m_signedOut;

    QList<Waiter> m_waiters;
    QPointer<HttpJob> m_request;
    qint64 m_sentAtMs = 0;
    bool m_fetchQueued = false;
};

} // namespace getbill
