// TinyProxy's own promises, checked with curl: https goes through it as CONNECT tunnels to nginx (the file arrives
// whole), its log shows only the CONNECT lines (never a signature or a token), BasicAuth and ConnectPort refuse
// what they should, and a missing or failing tinyproxy is a clear error.
#include "ChildProcess.h"
#include "NginxServer.h"
#include "TinyProxy.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace getbill::test;
using Protocol = NginxServer::Protocol;

class TestTinyProxy : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void curlThroughTheProxy();
    void wrongOrMissingCredentialsAreRefused();
    void connectToAnotherPortIsRefused();
    void missingTinyproxyFailsClearly();
    void exitingTinyproxyIsReported();
    void tinyproxyNeverListeningIsReported();

private:
    ChildResult curl(const QUrl &proxy, const QUrl &url, const QString &out);

    NginxServer m_nginx;
    TinyProxy m_proxy;
    QByteArray m_bytes;
    QTemporaryDir m_out;
};

void TestTinyProxy::initTestCase()
{
    QVERIFY2(m_nginx.start(), qPrintable(m_nginx.errorString()));
    m_bytes = QByteArray("date,amount\n2024-01-01,10.00\n").repeated(5000);
    QFile file(QDir(m_nginx.filesFolder()).filePath(QStringLiteral("r.csv")));
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(m_bytes) == m_bytes.size());
    TinyProxy::Options options;
    options.user = QStringLiteral("proxyuser");
    options.password = QStringLiteral("pr0xy-pass");
    options.connectPorts = {m_nginx.port(Protocol::Http2), m_nginx.port(Protocol::Http1)};
    QVERIFY2(m_proxy.start(options), qPrintable(m_proxy.errorString()));
    QVERIFY(m_proxy.isRunning());
    QCOMPARE(m_proxy.url().toString(), QStringLiteral("http://127.0.0.1:%1").arg(m_proxy.port()));
}

ChildResult TestTinyProxy::curl(const QUrl &proxy, const QUrl &url, const QString &out)
{
    return ChildProcess::run(QStringLiteral("curl"),
                             {QStringLiteral("--silent"), QStringLiteral("--max-time"), QStringLiteral("20"),
                              QStringLiteral("--proxy"), proxy.toString(), QStringLiteral("--cacert"),
                              m_nginx.caBundlePath(), QStringLiteral("-o"), out, QStringLiteral("--write-out"),
                              QStringLiteral("%{http_connect} %{http_code} %{http_version}"), url.toString()},
                             QProcessEnvironment::systemEnvironment(), 30'000);
}

void TestTinyProxy::curlThroughTheProxy()
{
    const qint64 expires = QDateTime::currentSecsSinceEpoch() + 600;
    const QString out = m_out.filePath(QStringLiteral("r.csv"));
    for (const Protocol protocol : {Protocol::Http2, Protocol::Http1}) {
        const QUrl link = m_nginx.signedUrl(protocol, QStringLiteral("r.csv"), expires);
        const ChildResult r = curl(m_proxy.urlWithCredentials(), link, out);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, protocol == Protocol::Http2 ? QByteArray("200 200 2") : QByteArray("200 200 1.1"));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll() == m_bytes);
    }
    const QString log = m_proxy.logText();
    const QStringList requests =
        log.split(QLatin1Char('\n')).filter(QRegularExpression(QStringLiteral("Request \\(file descriptor \\d+\\): ")));
    QCOMPARE(requests.size(), 2);
    for (const QString &line : requests)
        QVERIFY2(line.contains(QRegularExpression(QStringLiteral("\\): CONNECT localhost:\\d+ HTTP/1\\.1$"))),
                 qPrintable(line));
    // What is inside the tunnel stays there: no path, no signature, no proxy password.
    QVERIFY(!log.contains(QStringLiteral("md5=")));
    QVERIFY(!log.contains(QStringLiteral("/files/")));
    QVERIFY(!log.contains(QStringLiteral("pr0xy-pass")));
    // And nginx saw the requests, over the protocol of each port.
    const QList<NginxLogEntry> served = m_nginx.accessLog();
    QCOMPARE(served.size(), 2);
    QCOMPARE(served.at(0).protocol, QStringLiteral("HTTP/2.0"));
    QCOMPARE(served.at(1).protocol, QStringLiteral("HTTP/1.1"));
}

void TestTinyProxy::wrongOrMissingCredentialsAreRefused()
{
    QUrl wrong = m_proxy.url();
    wrong.setUserName(QStringLiteral("proxyuser"));
    wrong.setPassword(QStringLiteral("wrong"));
    const ChildResult r = curl(
        wrong, m_nginx.signedUrl(Protocol::Http2, QStringLiteral("r.csv"), QDateTime::currentSecsSinceEpoch() + 60),
        QStringLiteral("/dev/null"));
    QVERIFY(r.exitCode != 0);
    QCOMPARE(r.out.left(4), QByteArray("401 ")); // tinyproxy 1.11 answers wrong credentials 401, missing ones 407
    const ChildResult none = curl(m_proxy.url(), m_nginx.signedUrl(Protocol::Http2, QStringLiteral("r.csv"), 0),
                                  QStringLiteral("/dev/null"));
    QVERIFY(none.exitCode != 0);
    QCOMPARE(none.out.left(4), QByteArray("407 "));
}

void TestTinyProxy::connectToAnotherPortIsRefused()
{
    QUrl other = m_nginx.origin(Protocol::Http2);
    other.setPort(m_proxy.port()); // any port not in ConnectPort
    const ChildResult r = curl(m_proxy.urlWithCredentials(), other, QStringLiteral("/dev/null"));
    QVERIFY(r.exitCode != 0);
    QCOMPARE(r.out.left(4), QByteArray("403 "));
}

void TestTinyProxy::missingTinyproxyFailsClearly()
{
    TinyProxy proxy;
    TinyProxy::Options options;
    options.program = QStringLiteral("/nonexistent/tinyproxy");
    QVERIFY(!proxy.start(options));
    QVERIFY2(proxy.errorString().contains(QStringLiteral("tinyproxy was not found (/nonexistent/tinyproxy)")),
             qPrintable(proxy.errorString()));
}

void TestTinyProxy::exitingTinyproxyIsReported()
{
    TinyProxy proxy;
    TinyProxy::Options options;
    options.program = QStringLiteral("/bin/false");
    QVERIFY(!proxy.start(options));
    QVERIFY2(proxy.errorString().startsWith(QStringLiteral("tinyproxy exited before accepting connections")),
             qPrintable(proxy.errorString()));
    QVERIFY(!proxy.isRunning());
    QVERIFY(!m_proxy.start()); // and one already running is not started twice
    QCOMPARE(m_proxy.errorString(), QStringLiteral("tinyproxy is already started"));
}

void TestTinyProxy::tinyproxyNeverListeningIsReported()
{
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("tinyproxy"));
    QFile script(fake);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\nexec sleep 30\n");
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    TinyProxy proxy;
    TinyProxy::Options options;
    options.program = fake;
    options.startTimeoutMs = 300;
    QVERIFY(!proxy.start(options));
    QVERIFY2(proxy.errorString().startsWith(QStringLiteral("tinyproxy did not accept connections within 300 ms")),
             qPrintable(proxy.errorString()));
    QVERIFY(!proxy.isRunning());
}

QTEST_GUILESS_MAIN(TestTinyProxy)
#include "tst_tinyproxy.moc"
