#pragma once

#include "Job.h"
#include "api/NetworkOptions.h"
#include "auth/Credential.h"

#include <QDateTime>
#include <QUrl>
#include <memory>

class QNetworkAccessManager;

namespace getbill {

class ApiClient;
class TokenProvider;

/// Tries a credential before it is saved: signs in (API clients) and asks the API for one report
/// (GET /reports?limit=1), so that a token or secret the API rejects is never stored. The sign-in dialog and
/// `auth set-token` / `auth set-client` share it. Fails with the API's own message.
class CredentialCheck : public Job
{
    Q_OBJECT
public:
    CredentialCheck(QNetworkAccessManager *network, const NetworkOptions &options, const QUrl &apiUrl,
                    const QUrl &tokenUrl, const Credential &credential, QObject *parent = nullptr);
    ~CredentialCheck() override;

    /// The access token's expiry, when the credential says (API clients).
    QDateTime tokenExpiry() const { return m_expiry; }
    /// How many reports the account sees (pagination.total).
    int reportCount() const { return m_reportCount; }

protected:
    void run() override;

private:
    std::unique_ptr<TokenProvider> m_tokens;
    std::unique_ptr<ApiClient> m_api;
    QUrl m_apiUrl;
    QDateTime m_expiry;
    int m_reportCount = 0;
};

} // namespace getbill
