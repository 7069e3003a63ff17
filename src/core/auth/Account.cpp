#include "auth/Account.h"

#include "ApiAddress.h"
#include "api/ApiClient.h"
#include "auth/ClientCredentials.h"
#include "auth/MemorySecretStore.h"

#include <QCoreApplication>
#include <QTimer>

namespace getbill {

Account::Account(SecretStore *store, QNetworkAccessManager *network, QObject *parent)
    : TokenProvider(parent), m_store(store), m_network(network), m_apiUrl(ApiClient::defaultBaseUrl())
{}

Account::~Account() = default;

void Account::setApiUrl(const QUrl &apiUrl)
{
    const QUrl url = apiUrl.adjusted(QUrl::StripTrailingSlash);
    if (url == m_apiUrl)
        return;
    m_apiUrl = url;
    setCredential({});
}

void Account::setTokenUrl(const QUrl &tokenUrl)
{
    m_tokenUrl = tokenUrl;
}

QUrl Account::tokenUrl() const
{
    return m_tokenUrl.isEmpty() ? tokenUrlFor(m_apiUrl) : m_tokenUrl;
}

QUrl Account::tokenUrlFor(const QUrl &apiUrl)
{
    return ApiAddress::tokenUrl(apiUrl);
}

void Account::setOptions(const NetworkOptions &options)
{
    m_options = options;
    if (auto *cc = qobject_cast<ClientCredentials *>(m_provider.get()))
        cc->setOptions(options);
}

void Account::useSessionOnlyStore()
{
    if (!m_sessionStore)
        m_sessionStore = std::make_unique<MemorySecretStore>();
    m_store = m_sessionStore.get();
    emit changed();
}

bool Account::isSessionOnly() const
{
    return !m_store->isPersistent();
}

SecretJob *Account::load()
{
    const QString key = storeKey();
    return new SecretJob(key, {}, [this, key, apiUrl = m_apiUrl](SecretJob *job) {
        job->then(m_store->read(key), [this, job, apiUrl](SecretJob *read) {
            SecretStore::Result result = read->result();
            // The account moved to another API meanwhile: that answer is not this account's any more.
            if (apiUrl == m_apiUrl) {
                if (result.isOk()) {
                    const std::optional<Credential> credential = Credential::fromSecret(read->secret());
                    if (credential)
                        setCredential(*credential);
                    else
                        result = {SecretStore::Result::Status::Failed,
                                  QCoreApplication::translate("getbill::Account",
                                                              "The keychain item of this account is not readable "
                                                              "by this version. Sign in again.")};
                } else if (result.status == SecretStore::Result::Status::NotFound) {
                    setCredential({});
                }
            }
            job->complete(result);
        });
    });
}

void Account::signIn(const Credential &credential)
{
    setCredential(credential);
}

SecretJob *Account::save()
{
    if (!m_credential.isValid()) {
        return new SecretJob(storeKey(), {}, [](SecretJob *job) {
            QTimer::singleShot(0, job, [job] {
                job->complete({SecretStore::Result::Status::Failed,
                               QCoreApplication::translate("getbill::Account", "Nothing to save: not signed in.")});
            });
        });
    }
    return m_store->write(storeKey(), m_credential.toSecret());
}

SecretJob *Account::signOut()
{
    setCredential({});
    return m_store->remove(storeKey());
}

QDateTime Account::tokenExpiry() const
{
    if (const auto *cc = qobject_cast<const ClientCredentials *>(m_provider.get()))
        return cc->tokenExpiry();
    return {};
}

void Account::requestToken(QObject *context, Callback callback)
{
    if (!m_provider) {
        QTimer::singleShot(0, context, [callback = std::move(callback)] {
            callback({}, ApiError(ApiError::Kind::NotAuthenticated,
                                  QCoreApplication::translate("getbill::Account",
                                                              "Not signed in to GetBill. Sign in with an access "
                                                              "token or an API client first.")));
        });
        return;
    }
    m_provider->requestToken(context, std::move(callback));
}

bool Account::tokenRejected(const QString &token)
{
    return m_provider && m_provider->tokenRejected(token);
}

std::unique_ptr<TokenProvider> Account::makeProvider(const Credential &credential, QNetworkAccessManager *network,
                                                     const QUrl &tokenUrl, const NetworkOptions &options)
{
    switch (credential.kind) {
    case Credential::Kind::AccessToken:
        return std::make_unique<StaticToken>(credential.accessToken.trimmed());
    case Credential::Kind::ApiClient: {
        auto cc = std::make_unique<ClientCredentials>(network, tokenUrl, credential.clientId.trimmed(),
                                                      credential.clientSecret);
        cc->setOptions(options);
        return cc;
    }
    case Credential::Kind::None:
        break;
    }
    return nullptr;
}

void Account::setCredential(const Credential &credential)
{
    m_credential = credential;
    m_provider = credential.isValid() ? makeProvider(credential, m_network, tokenUrl(), m_options) : nullptr;
    if (m_provider) {
        connect(m_provider.get(), &TokenProvider::changed, this, &TokenProvider::changed);
        if (auto *cc = qobject_cast<ClientCredentials *>(m_provider.get()))
            connect(cc, &ClientCredentials::signedOut, this, &Account::signedOut);
    }
    emit changed();
}

} // namespace getbill
