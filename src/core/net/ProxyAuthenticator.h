#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <functional>

class QAuthenticator;
class QNetworkAccessManager;
class QNetworkProxy;

namespace getbill {

/// Companies put a proxy between their people and the internet, and some proxies ask who is there. Requests go
/// through the system's proxy (https_proxy, no_proxy, the desktop's settings; QNetworkProxyFactory's system
/// configuration): for https only a CONNECT tunnel reaches the proxy, so it sees host and port, never a token or a
/// link's signature. When the proxy asks for credentials they are given once: the ones in the proxy's address, or
/// those handed in (the CLI's GETBILL_PROXY_USER and GETBILL_PROXY_PASSWORD), or the user's answer to the window's
/// question, asked once per proxy and kept in memory for the session. A second refusal is not retried: the request
/// fails with "the proxy refused the credentials".
class ProxyAuthenticator : public QObject
{
    Q_OBJECT
public:
    /// Asks the user for the credentials of `proxy` (host:port); false when they cancelled. Synchronous: Qt needs
    /// the answer before the request goes on.
    using Asker = std::function<bool(const QString &proxy, QString *user, QString *password)>;

    explicit ProxyAuthenticator(QNetworkAccessManager *network, QObject *parent = nullptr);

    /// Uses the system's proxy settings for every request of the process (the default of both executables).
    static void useSystemProxies();

    void setCredentials(const QString &user, const QString &password);
    void setAsker(Asker asker) { m_asker = std::move(asker); }
    /// How many times credentials were asked for (tests: exactly once per proxy).
    int questionsAsked() const { return m_questions; }

private:
    void onProxyAuthenticationRequired(const QNetworkProxy &proxy, QAuthenticator *authenticator);

    QString m_user;
    QString m_password;
    Asker m_asker;
    QHash<QString, int> m_attempts; ///< per proxy: credentials given so far
    QHash<QString, QPair<QString, QString>> m_answers;
    int m_questions = 0;
};

} // namespace getbill
