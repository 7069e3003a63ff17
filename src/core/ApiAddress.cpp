#include "ApiAddress.h"

#include "api/ApiClient.h"

namespace getbill::ApiAddress {

QUrl choose(const QString &option, const QString &environment, const QUrl &setting)
{
    if (!option.trimmed().isEmpty())
        return QUrl(option.trimmed(), QUrl::StrictMode);
    if (!environment.trimmed().isEmpty())
        return QUrl(environment.trimmed(), QUrl::StrictMode);
    if (!setting.isEmpty())
        return setting;
    return ApiClient::defaultBaseUrl();
}

QUrl tokenUrl(const QUrl &apiUrl, const QString &environmentTokenUrl)
{
    if (!environmentTokenUrl.trimmed().isEmpty())
        return QUrl(environmentTokenUrl.trimmed(), QUrl::StrictMode);
    QUrl url = apiUrl.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    url.setPath(QStringLiteral("/token"));
    return url;
}

} // namespace getbill::ApiAddress
