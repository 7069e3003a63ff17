#include "auth/SecretStore.h"

namespace getbill {

QString SecretStore::keyFor(const QUrl &apiUrl)
{
    const QUrl normal = apiUrl.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                        QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
    // The default port is spelled out so that https://h and https://h:443 are one account.
    QUrl withPort = normal;
    withPort.setPort(normal.port(normal.scheme() == QLatin1String("https") ? 443 : 80));
    return QLatin1String("account:") + withPort.toString(QUrl::FullyEncoded).toLower();
}

} // namespace getbill
