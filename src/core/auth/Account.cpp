#include "auth/Account.h"

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
    QUrl url = apiUrl.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    url.setPath(QStringLiteral("/token"));
    return url;
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

void Account::load(QObject *context, SecretStore::Callback callback)
{
    const QUrl apiUrl = m_apiUrl;
    m_store->read(storeKey(), context, [this, apiUrl, callback](const SecretStore::Result &result, QByteArray secret) {
        if (apiUrl == m_apiUrl) {
            if (result.isOk()) {
                const std::optional<Credential> credential = Credential::fromSecret(secret);
                secret.fill('\0');
                if (!credential) {
                    callback({SecretStore::Result::Status::Failed,
                              QCoreApplication::translate("getbill::Account",
                                                          "The keychain item of this account is not readable by "
                                                          "this version. Sign in again.")});
                    return;
                }
                setCredential(*credential);
            } else if (result.status == SecretStore::Result::Status::NotFound) {
                setCredential({});
            }
        }
        callback(result);
    });
}

void Account::signIn(const Credential &credential)
{
    setCredential(credential);
}

void Account::save(QObject *context, SecretStore::Callback callback)
{
    if (!m_credential.isValid()) {
        QTimer::singleShot(0, context, [callback] {
            callback({SecretStore::Result::Status::Failed,
                      QCoreApplication::translate("getbill::Account", "Nothing to save: not signed in.")});
        });
        return;
    }
    QByteArray secret = m_credential.toSecret();
    m_store->write(storeKey(), secret, context, callback);
    secret.fill('\0');
}

void Account::signOut(QObject *context, SecretStore::Callback callback)
{
    setCredential({});
    m_store->remove(storeKey(), context, callback);
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
