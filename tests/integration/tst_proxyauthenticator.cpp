// ProxyAuthenticator against a real proxy that asks who is there (tinyproxy with BasicAuth): the window's question
// comes once per proxy and session however many requests follow, the answer is reused, and a cancelled question
// fails the request with the proxy's name in the message. Through nginx over TLS, as the window would go.

#include "NginxServer.h"
#include "TinyProxy.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "auth/TokenProvider.h"
#include "net/ProxyAuthenticator.h"
#include "sandbox/SandboxServer.h"

#include <QNetworkAccessManager>
#include <QtTest>

using namespace getbill;
using namespace getbill::test;

class TestProxyAuthenticator : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void theQuestionComesOnce();
    void aCancelledQuestionFailsWithTheProxysName();

private:
    bool list(ApiClient &api, ApiError *error);

    sandbox::SandboxServer m_sandbox;
    NginxServer m_nginx;
    TinyProxy m_proxy;
};

void TestProxyAuthenticator::initTestCase()
{
    sandbox::SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY(m_sandbox.start(options));
    NginxServer::Options nginx;
    nginx.apiOrigin = m_sandbox.apiUrl();
    QVERIFY2(m_nginx.start(nginx), qPrintable(m_nginx.errorString()));
    TinyProxy::Options proxy;
    proxy.user = QStringLiteral("finance");
    proxy.password = QStringLiteral("s3cret-pass");
    QVERIFY2(m_proxy.start(proxy), qPrintable(m_proxy.errorString()));
    // The system's proxy setting, as a desktop session would have it (Qt reads it through libproxy).
    qputenv("https_proxy", m_proxy.url().toString().toUtf8());
    ProxyAuthenticator::useSystemProxies();
}

bool TestProxyAuthenticator::list(ApiClient &api, ApiError *error)
{
    std::unique_ptr<ReportListJob> job(api.listReports());
    QSignalSpy finished(job.get(), &Job::finished);
    job->start();
    if (!job->isFinished() && !finished.wait(20'000))
        return false;
    *error = job->error();
    return job->succeeded();
}

void TestProxyAuthenticator::theQuestionComesOnce()
{
    QNetworkAccessManager network;
    ProxyAuthenticator authenticator(&network);
    QStringList asked;
    authenticator.setAsker([&](const QString &proxy, QString *user, QString *password) {
        asked << proxy;
        *user = QStringLiteral("finance");
        *password = QStringLiteral("s3cret-pass");
        return true;
    });
    StaticToken token(sandbox::SandboxServer::demoToken());
    ApiClient api(&network, &token);
    NetworkOptions options;
    QString why;
    QVERIFY(options.addCaBundle(m_nginx.caBundlePath(), &why));
    api.setOptions(options);
    // Qt never proxies loopback names: 0.0.0.0 reaches nginx's loopback port and is in its certificate.
    QUrl url = m_nginx.apiUrl(NginxServer::Protocol::Http1);
    url.setHost(QStringLiteral("0.0.0.0"));
    QVERIFY(api.setBaseUrl(url));
    ApiError error;
    for (int i = 0; i < 3; ++i)
        QVERIFY2(list(api, &error), qPrintable(error.message()));
    QCOMPARE(asked, QStringList{QStringLiteral("127.0.0.1:") + QString::number(m_proxy.port())});
    QCOMPARE(authenticator.questionsAsked(), 1);
    QVERIFY(m_proxy.logText().contains(QStringLiteral("CONNECT 0.0.0.0:")));
    QVERIFY(!m_proxy.logText().contains(sandbox::SandboxServer::demoToken()));
}

void TestProxyAuthenticator::aCancelledQuestionFailsWithTheProxysName()
{
    QNetworkAccessManager network;
    ProxyAuthenticator authenticator(&network);
    authenticator.setAsker([](const QString &, QString *, QString *) { return false; });
    StaticToken token(sandbox::SandboxServer::demoToken());
    ApiClient api(&network, &token);
    NetworkOptions options;
    QString why;
    QVERIFY(options.addCaBundle(m_nginx.caBundlePath(), &why));
    options.retry.maxAttempts = 1;
    api.setOptions(options);
    QUrl url = m_nginx.apiUrl(NginxServer::Protocol::Http1);
    url.setHost(QStringLiteral("0.0.0.0"));
    QVERIFY(api.setBaseUrl(url));
    ApiError error;
    QVERIFY(!list(api, &error));
    QCOMPARE(error.kind(), ApiError::Kind::Network);
    QVERIFY2(error.message().contains(QStringLiteral("127.0.0.1:") + QString::number(m_proxy.port())),
             qPrintable(error.message()));
}

QTEST_GUILESS_MAIN(TestProxyAuthenticator)
#include "tst_proxyauthenticator.moc"
