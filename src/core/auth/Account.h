#pragma once

#include "api/NetworkOptions.h"
#include "auth/Credential.h"
#include "auth/SecretStore.h"
#include "auth/TokenProvider.h"

#include <QDateTime>
#include <QUrl>
#include <memory>

class QNetworkAccessManager;

namespace getbill {

class MemorySecretStore;

/// The signed-in account of one GetBill API: what main() hands to ApiClient as its TokenProvider. It holds the
/// credential in memory (a pasted token, or an API client whose tokens it fetches and refreshes), loads and saves
/// it in a SecretStore under the API URL's key, and signs out. When the keychain fails, the store's Result reaches
/// the caller, who may switch to a memory store for this session only.
class Account : public TokenProvider
{
    Q_OBJECT
public:
    Account(SecretStore *store, QNetworkAccessManager *network, QObject *parent = nullptr);
    ~Account() override;

    /// The API this account belongs to; changing it forgets the in-memory credential (it was the other API's).
    void setApiUrl(const QUrl &apiUrl);
    QUrl apiUrl() const { return m_apiUrl; }
    /// An explicit token URL (GETBILL_TOKEN_URL); empty goes back to the one derived from the API URL.
    void setTokenUrl(const QUrl &tokenUrl);
    QUrl tokenUrl() const;
    /// GetBill serves the token endpoint at /token on the API's origin (https://getbill.io/token).
    static QUrl tokenUrlFor(const QUrl &apiUrl);
    void setOptions(const NetworkOptions &options);
    const NetworkOptions &options() const { return m_options; }
    QNetworkAccessManager *network() const { return m_network; }

    SecretStore *store() const { return m_store; }
    /// The item's key in the store: one per API URL.
    QString storeKey() const { return SecretStore::keyFor(m_apiUrl); }
    /// The keychain failed and the user chose "keep for this session only": from now on secrets live in memory.
    /// The current credential stays signed in.
    void useSessionOnlyStore();
    bool isSessionOnly() const;

    /// Reads the credential from the store (a job, not started). Ok: signed in. NotFound: signed out, nothing
    /// wrong. Otherwise the store is unavailable (the result says why) and the account stays as it was.
    SecretJob *load();
    /// Uses `credential` from now on (memory only until save()).
    void signIn(const Credential &credential);
    /// Writes the current credential to the store.
    SecretJob *save();
    /// Forgets the credential in memory and removes it from the store.
    SecretJob *signOut();

    bool isSignedIn() const { return m_provider != nullptr; }
    Credential::Kind kind() const { return m_credential.kind; }
    QString clientId() const { return m_credential.clientId; }
    /// When the current access token expires, when known (API clients; a pasted token does not say).
    QDateTime tokenExpiry() const;

    void requestToken(QObject *context, Callback callback) override;
    bool tokenRejected(const QString &token) override;
    /// The provider of the current credential (null when signed out): replaced, and the old one destroyed, whenever
    /// the credential or the API changes.
    TokenProvider *session() override { return m_provider.get(); }

    /// The provider a credential needs (StaticToken or ClientCredentials), wired to `network` and `options`.
    static std::unique_ptr<TokenProvider> makeProvider(const Credential &credential, QNetworkAccessManager *network,
                                                       const QUrl &tokenUrl, const NetworkOptions &options);

signals:
    /// GetBill no longer accepts the credential: the UI asks the user to sign in again.
    void signedOut(const getbill::ApiError &reason);

private:
    void setCredential(const Credential &credential);

    SecretStore *m_store;
    std::unique_ptr<MemorySecretStore> m_sessionStore;
    QNetworkAccessManager *m_network;
    QUrl m_apiUrl;
    QUrl m_tokenUrl;
    NetworkOptions m_options;
    Credential m_credential;
    std::unique_ptr<TokenProvider> m_provider;
};

} // namespace getbill
