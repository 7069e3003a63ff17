// The CLI behind a company's proxy (Debian's tinyproxy on loopback), with everything over TLS: nginx fronts the
// sandbox's API and serves the files. Qt never sends loopback names or addresses through a proxy, so the servers
// are addressed as 0.0.0.0, which reaches nginx's loopback port while not being "loopback" to Qt (the test CA's
// certificate names it). The system's proxy settings are honoured (https_proxy, no_proxy), a proxy
// that asks for credentials gets them (from its address or GETBILL_PROXY_USER/PASSWORD), a wrong password is a
// clear network failure, and only CONNECT tunnels reach the proxy: its log never holds a token or a signature.

#include "ChildProcess.h"
#include "NginxCli.h"
#include "NginxServer.h"
#include "TinyProxy.h"
#include "sandbox/SandboxServer.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace getbill;
using namespace getbill::test;
using Protocol = NginxServer::Protocol;

class TestProxy : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void throughTheSystemProxy();
    void proxyCredentialsFromItsAddress();
    void proxyCredentialsFromTheEnvironment();
    void wrongProxyPasswordIsANetworkFailure();
    void noProxyBypassesIt();

private:
    ChildResult download(const QString &proxyUrl, const QMap<QString, QString> &extra = {});
    void checkOnlyTunnels(const TinyProxy &proxy);

    sandbox::SandboxServer m_sandbox;
    NginxServer m_nginx;
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QTemporaryDir> m_output;
};

void TestProxy::initTestCase()
{
    sandbox::SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY(m_sandbox.start(options));
    NginxServer::Options nginx;
    nginx.apiOrigin = m_sandbox.apiUrl();
    QVERIFY2(m_nginx.start(nginx), qPrintable(m_nginx.errorString()));
    sandbox::ExternalDownloadHost host = m_nginx.downloadHost(Protocol::Http2);
    host.base.setHost(QStringLiteral("0.0.0.0"));
    m_sandbox.setExternalDownloadHost(host);
    sandbox::SandboxReport r;
    r.id = QStringLiteral("report_proxied");
    r.type = QStringLiteral("export");
    r.title = QStringLiteral("Through the proxy");
    r.filename = QStringLiteral("proxied.csv");
    r.mimeType = QStringLiteral("text/csv");
    r.content = QByteArray("date,amount\n2024-01-01,10.00\n").repeated(2000);
    r.createdAt = QDateTime::currentDateTimeUtc();
    m_sandbox.addReport(r);
}

void TestProxy::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    m_output = std::make_unique<QTemporaryDir>();
}

ChildResult TestProxy::download(const QString &proxyUrl, const QMap<QString, QString> &extra)
{
    QUrl api = m_nginx.apiUrl(Protocol::Http2);
    api.setHost(QStringLiteral("0.0.0.0"));
    QProcessEnvironment env = nginxCliEnvironment(m_home->path(), api, m_nginx.caBundlePath());
    for (const char *name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"})
        env.remove(QString::fromLatin1(name));
    if (!proxyUrl.isEmpty())
        env.insert(QStringLiteral("https_proxy"), proxyUrl);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        env.insert(it.key(), it.value());
    return ChildProcess::run(cliPath(),
                             {QStringLiteral("download"), QStringLiteral("report_proxied"),
                              QStringLiteral("--output-dir"), m_output->path()},
                             env, 60'000);
}

void TestProxy::checkOnlyTunnels(const TinyProxy &proxy)
{
    const QString log = proxy.logText();
    QVERIFY2(log.contains(QStringLiteral("CONNECT 0.0.0.0:")), qPrintable(log));
    QVERIFY2(!log.contains(sandbox::SandboxServer::demoToken()), "the token reached the proxy");
    QVERIFY2(!log.contains(QStringLiteral("md5=")) && !log.contains(QStringLiteral("expires=")),
             "a link's signature reached the proxy");
    QVERIFY2(!log.contains(QStringLiteral("GET ")), qPrintable(log));
}

void TestProxy::throughTheSystemProxy()
{
    TinyProxy proxy;
    QVERIFY2(proxy.start(), qPrintable(proxy.errorString()));
    const ChildResult r = download(proxy.url().toString());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(QDir(m_output->path()).entryList(QDir::Files), QStringList{QStringLiteral("proxied.csv")});
    checkOnlyTunnels(proxy);
}

void TestProxy::proxyCredentialsFromItsAddress()
{
    TinyProxy::Options options;
    options.user = QStringLiteral("finance");
    options.password = QStringLiteral("s3cret-pass");
    TinyProxy proxy;
    QVERIFY2(proxy.start(options), qPrintable(proxy.errorString()));
    const ChildResult r = download(proxy.urlWithCredentials().toString());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(!r.err.contains("s3cret-pass"));
    checkOnlyTunnels(proxy);
}

void TestProxy::proxyCredentialsFromTheEnvironment()
{
    TinyProxy::Options options;
    options.user = QStringLiteral("finance");
    options.password = QStringLiteral("s3cret-pass");
    TinyProxy proxy;
    QVERIFY2(proxy.start(options), qPrintable(proxy.errorString()));
    const ChildResult r =
        download(proxy.url().toString(), {{QStringLiteral("GETBILL_PROXY_USER"), options.user},
                                          {QStringLiteral("GETBILL_PROXY_PASSWORD"), options.password}});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    checkOnlyTunnels(proxy);
}

void TestProxy::wrongProxyPasswordIsANetworkFailure()
{
    TinyProxy::Options options;
    options.user = QStringLiteral("finance");
    options.password = QStringLiteral("s3cret-pass");
    TinyProxy proxy;
    QVERIFY2(proxy.start(options), qPrintable(proxy.errorString()));
    const ChildResult r =
        download(proxy.url().toString(), {{QStringLiteral("GETBILL_PROXY_USER"), options.user},
                                          {QStringLiteral("GETBILL_PROXY_PASSWORD"), QStringLiteral("nope")}});
    QCOMPARE(r.exitCode, 5);
    QVERIFY2(r.err.contains("proxy"), r.err.constData());
    QVERIFY(!r.err.contains("nope"));
    QVERIFY(QDir(m_output->path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
}

void TestProxy::noProxyBypassesIt()
{
    TinyProxy proxy;
    QVERIFY2(proxy.start(), qPrintable(proxy.errorString()));
    const ChildResult r = download(proxy.url().toString(), {{QStringLiteral("no_proxy"), QStringLiteral("0.0.0.0")}});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(!proxy.logText().contains(QStringLiteral("CONNECT 0.0.0.0")), qPrintable(proxy.logText()));
}

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
