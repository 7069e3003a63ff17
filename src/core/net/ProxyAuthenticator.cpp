#include "net/ProxyAuthenticator.h"

#include <QAuthenticator>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>

namespace getbill {

ProxyAuthenticator::ProxyAuthenticator(QNetworkAccessManager *network, QObject *parent) : QObject(parent)
{
    connect(network, &QNetworkAccessManager::proxyAuthenticationRequired, this,
            &ProxyAuthenticator::onProxyAuthenticationRequired);
}

void ProxyAuthenticator::useSystemProxies()
{
    QNetworkProxyFactory::setUseSystemConfiguration(true);
}

void ProxyAuthenticator::setCredentials(const QString &user, const QString &password)
{
    m_user = user;
    m_password = password;
}

void ProxyAuthenticator::onProxyAuthenticationRequired(const QNetworkProxy &proxy, QAuthenticator *authenticator)
{
    const QString key = proxy.hostName() + QLatin1Char(':') + QString::number(proxy.port());
    int &attempts = m_attempts[key];
    ++attempts;
    // Qt has already offered the credentials of the proxy's own address (user:password@host) when this is asked:
    // the first time here, the handed-in ones; after that, the user's answer, once. A refusal of those ends it
    // (Qt then fails the request with ProxyAuthenticationRequiredError).
    if (attempts == 1 && !m_user.isEmpty()) {
        authenticator->setUser(m_user);
        authenticator->setPassword(m_password);
        return;
    }
    if (const auto known = m_answers.constFind(key); known != m_answers.constEnd() && attempts <= 2) {
        authenticator->setUser(known->first);
        authenticator->setPassword(known->second);
        return;
    }
    if (!m_asker || attempts > 2)
        return;
    QString user;
    QString password;
    ++m_questions;
    if (!m_asker(key, &user, &password))
        return;
    m_answers.insert(key, {user, password});
    authenticator->setUser(user);
    authenticator->setPassword(password);
}

} // namespace getbill
