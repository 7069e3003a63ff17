#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace getbill {

/// What the user signed in with: a pasted access token, or an OAuth API client (id + secret). Stored as one
/// keychain item per account: the client id is not secret, but keeping it with the secret keeps the pair together.
struct Credential
{
    enum class Kind
    {
        None,
        AccessToken,
        ApiClient,
    };
    Kind kind = Kind::None;
    QString accessToken;
    QString clientId;
    QString clientSecret;

    static Credential token(const QString &accessToken) { return {Kind::AccessToken, accessToken, {}, {}}; }
    static Credential client(const QString &clientId, const QString &clientSecret)
    {
        return {Kind::ApiClient, {}, clientId, clientSecret};
    }

    bool isValid() const;
    /// The secret's stored form: compact JSON with a version, so later versions can read older items.
    QByteArray toSecret() const;
    /// nullopt when the bytes are not a credential this version understands.
    static std::optional<Credential> fromSecret(const QByteArray &secret);
    /// "access token" / "API client", for status lines.
    static QString kindName(Kind kind);

    bool operator==(const Credential &other) const
    {
        return kind == other.kind && accessToken == other.accessToken && clientId == other.clientId &&
               clientSecret == other.clientSecret;
    }
};

} // namespace getbill
