#include "auth/CredentialCheck.h"

#include "api/ApiClient.h"
#include "api/JsonParsing.h"
#include "api/UrlPolicy.h"
#include "auth/Account.h"
#include "auth/ClientCredentials.h"

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
    QMetaObject::invokeMethod(this, &CredentialCheck::start, Qt::QueuedConnection);
}

CredentialCheck::~CredentialCheck()
{
    // The call refers to the client: it goes first.
    delete m_call;
}

void CredentialCheck::start()
{
    if (isFinished())
        return;
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
    m_call = new ApiCall(m_api.get(), m_api->endpoint(QStringLiteral("/reports"), query), this);
    connect(m_call, &ApiCall::succeeded, this, [this](const QByteArray &body) {
        ReportPage page;
        ApiError error;
        if (!json::parseReportPage(body, &page, &error)) {
            emitFailure(error);
            return;
        }
        m_reportCount = page.total;
        if (const auto *cc = qobject_cast<const ClientCredentials *>(m_tokens.get()))
            m_expiry = cc->tokenExpiry();
        emitSuccess();
    });
    connect(m_call, &ApiCall::failed, this, [this](const ApiError &error) { emitFailure(error); });
    m_call->start();
}

void CredentialCheck::abortWork()
{
    if (m_call)
        m_call->abort();
}

} // namespace getbill
