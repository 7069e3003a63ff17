#include "auth/CredentialCheck.h"

#include "api/ApiClient.h"
#include "api/JsonParsing.h"
#include "api/UrlPolicy.h"
#include "auth/Account.h"
#include "auth/ClientCredentials.h"
#include "net/HttpJob.h"

#include <QCoreApplication>

namespace getbill {

CredentialCheck::CredentialCheck(QNetworkAccessManager *network, const NetworkOptions &options, const QUrl &apiUrl,
                                 const QUrl &tokenUrl, const Credential &credential, QObject *parent)
    : Job(parent), m_tokens(Account::makeProvider(credential, network, tokenUrl, options)), m_apiUrl(apiUrl)
{
    if (m_tokens) {
        m_api = std::make_unique<ApiClient>(network, m_tokens.get());
        m_api->setOptions(options);
    }
}

CredentialCheck::~CredentialCheck()
{
    // The request refers to the client and the token: it goes first.
    cancelChildren();
}

void CredentialCheck::run()
{
    if (!m_tokens) {
        emitFailure(ApiError(ApiError::Kind::InvalidInput,
                             QCoreApplication::translate("getbill::CredentialCheck",
                                                         "Enter an access token, or an API client id and secret.")));
        return;
    }
    if (!m_api->setBaseUrl(m_apiUrl)) {
        emitFailure(ApiError(ApiError::Kind::InsecureUrl,
                             QCoreApplication::translate("getbill::CredentialCheck",
                                                         "The API address %1 is not allowed: it must start with "
                                                         "https:// (or point to this computer).")
                                 .arg(UrlPolicy::redacted(m_apiUrl))));
        return;
    }
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("page"), QStringLiteral("1"));
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
    runChild(m_api->get(QStringLiteral("/reports"), query), [this](HttpJob *request) {
        ReportPage page;
        ApiError error = request->error();
        if (!request->succeeded() || !json::parseReportPage(request->body(), &page, &error)) {
            emitFailure(error);
            return;
        }
        m_reportCount = page.total;
        if (const auto *cc = qobject_cast<const ClientCredentials *>(m_tokens.get()))
            m_expiry = cc->tokenExpiry();
        emitSuccess();
    });
}

} // namespace getbill
