// NginxServer's own promises, checked with curl (an independent client): TLS from its CA on both ports, HTTP/2 on
// one and HTTP/1.1 only on the other, secure_link as the sandbox signs it (403 bad, 410 expired), Range and
// throttling, an access log that shows protocol, range and whether Authorization came (never its value), the
// reverse proxy to a sandbox, and clear failures when a tool is missing or nginx does not come up.
#include "ChildProcess.h"
#include "NginxServer.h"
#include "sandbox/SandboxServer.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>

using namespace getbill::test;
using Protocol = NginxServer::Protocol;

namespace {
QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(42);
    for (char &c : bytes)
        c = static_cast<char>(generator.bounded(256));
    return bytes;
}

qint64 inAnHour()
{
    return QDateTime::currentSecsSinceEpoch() + 3600;
}
} // namespace

class TestNginxServer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void servesBothProtocolsWithItsCa();
    void untrustedWithoutItsCa();
    void secureLinkRefusesBadAndExpiredLinks();
    void rangeAndAuthorizationAreLogged();
    void slowLocationIsThrottled();
    void sandboxLinksAreAccepted();
    void proxiesTheApiToTheSandbox();
    void stopsAndFreesItsPorts();
    void missingNginxFailsClearly();
    void missingOpensslFailsClearly();
    void opensslFailureIsReported();
    void nginxExitingIsReported();
    void nginxNeverListeningIsReported();
    void startTwiceIsRefused();

private:
    /// curl against the server; returns "status version" from -w, or the curl error.
    ChildResult curl(const QStringList &args);
    QString fileName(const QString &name, const QByteArray &bytes);
    /// The download_url of a sandbox ticket, fetched with curl straight from the sandbox.
    QString ticketLink(const QString &id);

    getbill::sandbox::SandboxServer m_sandbox;
    std::unique_ptr<NginxServer> m_nginx;
    QByteArray m_bytes;
    QTemporaryDir m_out;
};

void TestNginxServer::initTestCase()
{
    getbill::sandbox::SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY(m_sandbox.start(options));
    m_nginx = std::make_unique<NginxServer>();
    NginxServer::Options nginx;
    nginx.apiOrigin = m_sandbox.apiUrl();
    nginx.slowBytesPerSecond = 128 * 1024;
    QVERIFY2(m_nginx->start(nginx), qPrintable(m_nginx->errorString()));
    QVERIFY(m_nginx->isRunning());
    QVERIFY(m_nginx->port(Protocol::Http2) != m_nginx->port(Protocol::Http1));
    m_bytes = randomBytes(300'000);
    fileName(QStringLiteral("a.bin"), m_bytes);
}

QString TestNginxServer::fileName(const QString &name, const QByteArray &bytes)
{
    QFile file(QDir(m_nginx->filesFolder()).filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
    return name;
}

ChildResult TestNginxServer::curl(const QStringList &args)
{
    return ChildProcess::run(QStringLiteral("curl"),
                             QStringList{QStringLiteral("--silent"), QStringLiteral("--show-error"),
                                         QStringLiteral("--max-time"), QStringLiteral("20"),
                                         QStringLiteral("--write-out"),
                                         QStringLiteral("%{http_code} %{http_version}")} +
                                 args,
                             QProcessEnvironment::systemEnvironment(), 30'000);
}

QString TestNginxServer::ticketLink(const QString &id)
{
    const QString body = m_out.filePath(QStringLiteral("ticket.json"));
    const ChildResult r =
        curl({QStringLiteral("-o"), body, QStringLiteral("-H"), QStringLiteral("Authorization: Bearer demo-token"),
              m_sandbox.apiUrl().toString() + QStringLiteral("/reports/download/") + id});
    QFile file(body);
    if (r.out != "200 1.1" || !file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll())
        .object()
        .value(QStringLiteral("data"))
        .toObject()
        .value(QStringLiteral("download_url"))
        .toString();
}

void TestNginxServer::servesBothProtocolsWithItsCa()
{
    const QString out = m_out.filePath(QStringLiteral("both"));
    for (const Protocol protocol : {Protocol::Http2, Protocol::Http1}) {
        const qsizetype before = m_nginx->accessLog().size();
        const ChildResult r = curl({QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"), out,
                                    m_nginx->signedUrl(protocol, QStringLiteral("a.bin"), inAnHour()).toString()});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, protocol == Protocol::Http2 ? QByteArray("200 2") : QByteArray("200 1.1"));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll() == m_bytes);
        const QList<NginxLogEntry> log = m_nginx->accessLog();
        QCOMPARE(log.size(), before + 1);
        QCOMPARE(log.last().uri, QStringLiteral("/files/a.bin"));
        QCOMPARE(log.last().status, 200);
        QCOMPARE(log.last().bytes, m_bytes.size());
        QCOMPARE(log.last().protocol,
                 protocol == Protocol::Http2 ? QStringLiteral("HTTP/2.0") : QStringLiteral("HTTP/1.1"));
        QCOMPARE(log.last().port, int(m_nginx->port(protocol)));
        QVERIFY(log.last().request.startsWith(QStringLiteral("GET /files/a.bin?md5=")));
        QVERIFY(!log.last().authorization);
    }
    // 127.0.0.1 is in the certificate too.
    QUrl byAddress = m_nginx->signedUrl(Protocol::Http2, QStringLiteral("a.bin"), inAnHour());
    byAddress.setHost(QStringLiteral("127.0.0.1"));
    const ChildResult r = curl({QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"),
                                QStringLiteral("/dev/null"), byAddress.toString()});
    QCOMPARE(r.out, QByteArray("200 2"));
}

void TestNginxServer::untrustedWithoutItsCa()
{
    const ChildResult r = curl({QStringLiteral("-o"), QStringLiteral("/dev/null"),
                                m_nginx->signedUrl(Protocol::Http2, QStringLiteral("a.bin"), inAnHour()).toString()});
    QCOMPARE(r.exitCode, 60); // CURLE_PEER_FAILED_VERIFICATION
}

void TestNginxServer::secureLinkRefusesBadAndExpiredLinks()
{
    const QStringList ca{QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"),
                         QStringLiteral("/dev/null")};
    QUrl tampered = m_nginx->signedUrl(Protocol::Http2, QStringLiteral("a.bin"), inAnHour());
    tampered.setQuery(tampered.query().replace(QStringLiteral("md5="), QStringLiteral("md5=x")));
    QCOMPARE(curl(ca + QStringList{tampered.toString()}).out, QByteArray("403 2"));
    QUrl unsigned_ = m_nginx->filesUrl(Protocol::Http1);
    unsigned_.setPath(unsigned_.path() + QStringLiteral("a.bin"));
    QCOMPARE(curl(ca + QStringList{unsigned_.toString()}).out, QByteArray("403 1.1"));
    // The signature of one file does not open another.
    fileName(QStringLiteral("b.bin"), "other");
    QUrl other = m_nginx->signedUrl(Protocol::Http2, QStringLiteral("a.bin"), inAnHour());
    other.setPath(QStringLiteral("/files/b.bin"));
    QCOMPARE(curl(ca + QStringList{other.toString()}).out, QByteArray("403 2"));
    const qint64 past = QDateTime::currentSecsSinceEpoch() - 2;
    QCOMPARE(curl(ca + QStringList{m_nginx->signedUrl(Protocol::Http2, QStringLiteral("a.bin"), past).toString()}).out,
             QByteArray("410 2"));
    // A signature made with another secret is a bad signature.
    QUrl wrongSecret = m_nginx->signedUrl(Protocol::Http2, QStringLiteral("a.bin"), inAnHour());
    const qint64 expires = inAnHour();
    wrongSecret.setQuery(QStringLiteral("md5=") +
                         QString::fromLatin1(getbill::sandbox::SandboxServer::secureLinkMd5(
                             QStringLiteral("/files/a.bin"), expires, "wrong")) +
                         QStringLiteral("&expires=") + QString::number(expires));
    QCOMPARE(curl(ca + QStringList{wrongSecret.toString()}).out, QByteArray("403 2"));
}

void TestNginxServer::rangeAndAuthorizationAreLogged()
{
    const QString out = m_out.filePath(QStringLiteral("range"));
    const ChildResult r =
        curl({QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"), out, QStringLiteral("-r"),
              QStringLiteral("1000-"), QStringLiteral("-H"), QStringLiteral("Authorization: Bearer tok-never-logged"),
              m_nginx->signedUrl(Protocol::Http1, QStringLiteral("a.bin"), inAnHour()).toString()});
    QCOMPARE(r.out, QByteArray("206 1.1"));
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll() == m_bytes.mid(1000));
    const NginxLogEntry last = m_nginx->accessLog().last();
    QCOMPARE(last.status, 206);
    QCOMPARE(last.range, QStringLiteral("bytes=1000-"));
    QCOMPARE(last.bytes, m_bytes.size() - 1000);
    QVERIFY(last.authorization);
    QFile log(m_nginx->accessLogPath());
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(!log.readAll().contains("tok-never-logged"));
}

void TestNginxServer::slowLocationIsThrottled()
{
    // 384 KiB at 128 KiB/s: well over two seconds; /files/ serves the same in milliseconds.
    fileName(QStringLiteral("slow.bin"), randomBytes(384 * 1024));
    const QStringList ca{QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"),
                         QStringLiteral("/dev/null")};
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(
        curl(ca +
             QStringList{m_nginx->signedUrl(Protocol::Http2, QStringLiteral("slow.bin"), inAnHour(), true).toString()})
            .out,
        QByteArray("200 2"));
    const qint64 slow = clock.restart();
    QCOMPARE(
        curl(ca + QStringList{m_nginx->signedUrl(Protocol::Http2, QStringLiteral("slow.bin"), inAnHour()).toString()})
            .out,
        QByteArray("200 2"));
    const qint64 fast = clock.elapsed();
    QVERIFY2(slow >= 1800 && fast < slow / 2, qPrintable(QStringLiteral("slow %1 ms, fast %2 ms").arg(slow).arg(fast)));
    QCOMPARE(m_nginx->slowFilesUrl(Protocol::Http2).path(), QStringLiteral("/slow/"));
}

void TestNginxServer::sandboxLinksAreAccepted()
{
    // What the sandbox signs, nginx accepts: the format check of SandboxServer::setExternalDownloadHost.
    getbill::sandbox::SandboxReport report;
    report.id = QStringLiteral("report_ngx01");
    report.type = QStringLiteral("export");
    report.filename = QStringLiteral("ledger.csv");
    report.mimeType = QStringLiteral("text/csv");
    report.generatedSize = 200'000;
    m_sandbox.addReport(report);
    for (const Protocol protocol : {Protocol::Http2, Protocol::Http1}) {
        m_sandbox.setExternalDownloadHost(m_nginx->downloadHost(protocol));
        const QString link = ticketLink(QStringLiteral("report_ngx01"));
        QVERIFY2(link.startsWith(m_nginx->filesUrl(protocol).toString()), qPrintable(link));
        const QString out = m_out.filePath(QStringLiteral("ledger.csv"));
        const ChildResult r =
            curl({QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"), out, link});
        QCOMPARE(r.out, protocol == Protocol::Http2 ? QByteArray("200 2") : QByteArray("200 1.1"));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll() == m_sandbox.contentOf(report.id));
    }
    // And an expired sandbox link is nginx's 410.
    m_sandbox.setLinkLifetime(0);
    const QString link = ticketLink(QStringLiteral("report_ngx01"));
    m_sandbox.setLinkLifetime(3600);
    QCOMPARE(curl({QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"),
                   QStringLiteral("/dev/null"), link})
                 .out,
             QByteArray("410 1.1"));
    m_sandbox.setExternalDownloadHost(std::nullopt);
}

void TestNginxServer::proxiesTheApiToTheSandbox()
{
    for (const Protocol protocol : {Protocol::Http2, Protocol::Http1}) {
        const QString body = m_out.filePath(QStringLiteral("api.json"));
        const ChildResult r = curl({QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"), body,
                                    QStringLiteral("-H"), QStringLiteral("Authorization: Bearer demo-token"),
                                    m_nginx->apiUrl(protocol).toString() + QStringLiteral("/reports")});
        QCOMPARE(r.out, protocol == Protocol::Http2 ? QByteArray("200 2") : QByteArray("200 1.1"));
        QFile file(body);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("error")).toBool(true), false);
        const NginxLogEntry last = m_nginx->accessLog().last();
        QCOMPARE(last.uri, QStringLiteral("/external-api/v1/reports"));
        QVERIFY(last.authorization);
    }
    // /token goes through too: the sandbox's OAuth error, not nginx's 404.
    QUrl token = m_nginx->origin(Protocol::Http2);
    token.setPath(QStringLiteral("/token"));
    QCOMPARE(curl({QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"),
                   QStringLiteral("/dev/null"), QStringLiteral("--data"),
                   QStringLiteral("grant_type=client_credentials&client_id=x&client_secret=y"), token.toString()})
                 .out,
             QByteArray("401 2"));
    QUrl elsewhere = m_nginx->origin(Protocol::Http2);
    elsewhere.setPath(QStringLiteral("/elsewhere"));
    QCOMPARE(curl({QStringLiteral("--cacert"), m_nginx->caBundlePath(), QStringLiteral("-o"),
                   QStringLiteral("/dev/null"), elsewhere.toString()})
                 .out,
             QByteArray("404 2"));
}

void TestNginxServer::stopsAndFreesItsPorts()
{
    NginxServer own;
    QVERIFY2(own.start(), qPrintable(own.errorString()));
    const quint16 port = own.port(Protocol::Http2);
    const QString folder = own.folder();
    QVERIFY(QFileInfo(folder).isDir());
    own.stop();
    QVERIFY(!own.isRunning());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(!socket.waitForConnected(1000));
}

void TestNginxServer::missingNginxFailsClearly()
{
    NginxServer server;
    NginxServer::Options options;
    options.nginxProgram = QStringLiteral("/nonexistent/nginx");
    QVERIFY(!server.start(options));
    QVERIFY2(server.errorString().contains(QStringLiteral("nginx was not found (/nonexistent/nginx)")) &&
                 server.errorString().contains(QStringLiteral("nginx-light")),
             qPrintable(server.errorString()));
    options.nginxProgram = QStringLiteral("getbill-no-such-nginx");
    QVERIFY(!server.start(options));
    QVERIFY(server.errorString().contains(QStringLiteral("nginx was not found (getbill-no-such-nginx)")));
}

void TestNginxServer::missingOpensslFailsClearly()
{
    NginxServer server;
    NginxServer::Options options;
    options.opensslProgram = QStringLiteral("/nonexistent/openssl");
    QVERIFY(!server.start(options));
    QVERIFY2(server.errorString().contains(QStringLiteral("openssl was not found (/nonexistent/openssl)")),
             qPrintable(server.errorString()));
}

void TestNginxServer::opensslFailureIsReported()
{
    NginxServer server;
    NginxServer::Options options;
    options.opensslProgram = QStringLiteral("/bin/false");
    QVERIFY(!server.start(options));
    QVERIFY2(server.errorString().startsWith(QStringLiteral("openssl req failed (exit 1)")),
             qPrintable(server.errorString()));
    QVERIFY(!server.isRunning());
}

void TestNginxServer::nginxExitingIsReported()
{
    NginxServer server;
    NginxServer::Options options;
    options.nginxProgram = QStringLiteral("/bin/false");
    QVERIFY(!server.start(options));
    QVERIFY2(server.errorString().startsWith(QStringLiteral("nginx exited before accepting connections")),
             qPrintable(server.errorString()));
    QVERIFY(!server.isRunning());
    QCOMPARE(server.port(Protocol::Http2), quint16(0));
}

void TestNginxServer::nginxNeverListeningIsReported()
{
    // A program that runs but never listens: start() gives up after startTimeoutMs and stops it.
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("nginx"));
    QFile script(fake);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\nexec sleep 30\n");
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    NginxServer server;
    NginxServer::Options options;
    options.nginxProgram = fake;
    options.startTimeoutMs = 300;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(!server.start(options));
    QVERIFY2(server.errorString().startsWith(QStringLiteral("nginx did not accept connections within 300 ms")),
             qPrintable(server.errorString()));
    QVERIFY(clock.elapsed() < 8000); // stopped by SIGTERM, not waited out
    QVERIFY(!server.isRunning());
}

void TestNginxServer::startTwiceIsRefused()
{
    QVERIFY(!m_nginx->start());
    QCOMPARE(m_nginx->errorString(), QStringLiteral("nginx is already started"));
    QVERIFY(m_nginx->isRunning());
}

QTEST_GUILESS_MAIN(TestNginxServer)
#include "tst_nginxserver.moc"
