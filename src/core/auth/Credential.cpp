#include "auth/Credential.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace getbill {

namespace {
constexpr int formatVersion = 1;
const QString kindKey = QStringLiteral("kind");
const QString tokenKind = QStringLiteral("access_token");
const QString clientKind = QStringLiteral("api_client");
} // namespace

bool Credential::isValid() const
{
    switch (kind) {
    case Kind::AccessToken:
        return !accessToken.trimmed().isEmpty();
    case Kind::ApiClient:
        return !clientId.trimmed().isEmpty() && !clientSecret.isEmpty();
    case Kind::None:
        break;
    }
    return false;
}

QByteArray Credential::toSecret() const
{
    QJsonObject o{{QStringLiteral("version"), formatVersion}};
    if (kind == Kind::AccessToken) {
        o.insert(kindKey, tokenKind);
        o.insert(QStringLiteral("access_token"), accessToken);
    } else if (kind == Kind::ApiClient) {
        o.insert(kindKey, clientKind);
        o.insert(QStringLiteral("client_id"), clientId);
        o.insert(QStringLiteral("client_secret"), clientSecret);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<Credential> Credential::fromSecret(const QByteArray &secret)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(secret, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("version")).toInt() != formatVersion)
        return std::nullopt;
    Credential c;
    const QString kind = o.value(kindKey).toString();
    if (kind == tokenKind)
        c = token(o.value(QStringLiteral("access_token")).toString());
    else if (kind == clientKind)
        c = client(o.value(QStringLiteral("client_id")).toString(),
                   o.value(QStringLiteral("client_secret")).toString());
    if (!c.isValid())
        return std::nullopt;
    return c;
}

QString Credential::kindName(Kind kind)
{
    switch (kind) {
    case Kind::AccessToken:
        return QCoreApplication::translate("getbill::Credential", "access token");
    case Kind::ApiClient:
        return QCoreApplication::translate("getbill::Credential", "API client");
    case Kind::None:
        break;
    }
    return QCoreApplication::translate("getbill::Credential", "none");
}

} // namespace getbill
