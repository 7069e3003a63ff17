// The CLI end to end against a real web server: the sandbox answers the API (over plain loopback HTTP, or through
// nginx's reverse proxy over TLS and HTTP/2) and issues links to nginx, which serves the files over TLS from a
// throw-away CA (GETBILL_CA_BUNDLE), on an HTTP/2 port and an HTTP/1.1-only port. What nginx logged is the
// evidence: the protocol, the Range of a resume, the 410 of an expired link, and that no file request carried an
// Authorization header.
#include "ChildProcess.h"
#include "NginxCli.h"
#include "NginxServer.h"
#include "download/ReportDownloadJob.h"
#include "sandbox/SandboxServer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace getbill;
using namespace getbill::test;
using Protocol = NginxServer::Protocol;

namespace {
constexpr int exitOk = 0;
constexpr int exitRefused = 4;
constexpr int exitTransient = 5;
constexpr int exitIntegrity = 6;

sandbox::SandboxReport report(const QString &id, qint64 size)
{
    sandbox::SandboxReport r;
    r.id = id;
    r.type = QStringLiteral("export");
    r.title = QStringLiteral("Export ") + id;
    r.filename = id + QStringLiteral(".csv");
    r.mimeType = QStringLiteral("text/csv");
    r.generatedSize = size;
    r.createdAt = QDateTime::currentDateTimeUtc();
    return r;
}

QByteArray sha256Of(const QString &path)
{
    QFile file(path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file))
        return {};
    return hash.result();
}
} // namespace

class TestNginx : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void downloadIsByteIdentical_data();
    void downloadIsByteIdentical();
    void resumesWithRangeAfterKill_data();
    void resumesWithRangeAfterKill();
    void sizeMismatchSavesNothing_data();
    void sizeMismatchSavesNothing();
    void expiredLinkIsRefreshed();
    void alwaysExpiredLinkIsRefused();
    void badSignatureIsRefused();
    void untrustedCertificateFailsClosed();
    void apiOverTlsThroughTheProxy_data();
    void apiOverTlsThroughTheProxy();

private:
    ChildResult cli(const QStringList &args, const QUrl &apiUrl = {}, bool trustCa = true);
    QStringList downloadArgs(const QString &id) const;
    QStringList outputFiles() const;
    QByteArray expectedSha256(const QString &id) const;
    /// nginx's log lines for one file since this test function began.
    QList<NginxLogEntry> served(const QString &fileName) const;

    sandbox::SandboxServer m_sandbox;
    NginxServer m_nginx;
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QTemporaryDir> m_output;
    qsizetype m_logStart = 0;
};

void TestNginx::initTestCase()
{
    QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath()));
    sandbox::SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY(m_sandbox.start(options));
    NginxServer::Options nginx;
    nginx.apiOrigin = m_sandbox.apiUrl();
    nginx.slowBytesPerSecond = 2 * 1024 * 1024;
    QVERIFY2(m_nginx.start(nginx), qPrintable(m_nginx.errorString()));
}

void TestNginx::init()
{
    m_sandbox.clearReports();
    m_sandbox.clearRequests();
    m_sandbox.clearFaults();
    m_sandbox.setLinkLifetime(3600);
    m_sandbox.setExternalDownloadHost(m_nginx.downloadHost(Protocol::Http2));
    m_home = std::make_unique<QTemporaryDir>();
    m_output = std::make_unique<QTemporaryDir>();
    m_logStart = m_nginx.accessLog().size();
}

void TestNginx::cleanup()
{
    // The served copies of large reports go with each test.
    const QStringList copies = QDir(m_nginx.filesFolder()).entryList(QDir::Files);
    for (const QString &name : copies)
        QFile::remove(QDir(m_nginx.filesFolder()).filePath(name));
    m_sandbox.setExternalDownloadHost(std::nullopt);
}

ChildResult TestNginx::cli(const QStringList &args, const QUrl &apiUrl, bool trustCa)
{
    const QProcessEnvironment env = nginxCliEnvironment(m_home->path(), apiUrl.isEmpty() ? m_sandbox.apiUrl() : apiUrl,
                                                        trustCa ? m_nginx.caBundlePath() : QString());
    return ChildProcess::run(cliPath(), args, env, 60'000);
}

QStringList TestNginx::downloadArgs(const QString &id) const
{
    return {QStringLiteral("download"), id, QStringLiteral("--output-dir"), m_output->path()};
}

QStringList TestNginx::outputFiles() const
{
    return QDir(m_output->path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

QByteArray TestNginx::expectedSha256(const QString &id) const
{
    return QCryptographicHash::hash(m_sandbox.contentOf(id), QCryptographicHash::Sha256);
}

QList<NginxLogEntry> TestNginx::served(const QString &fileName) const
{
    return fileRequests(m_nginx.accessLog().mid(m_logStart), fileName);
}

void TestNginx::downloadIsByteIdentical_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<qint64>("size");
    QTest::newRow("HTTP/2 port, 256 KiB") << Protocol::Http2 << qint64(256 * 1024);
    QTest::newRow("HTTP/2 port, 3 MiB + 1") << Protocol::Http2 << qint64(3 * 1024 * 1024 + 1);
    QTest::newRow("HTTP/1.1 port, 256 KiB") << Protocol::Http1 << qint64(256 * 1024);
    QTest::newRow("HTTP/1.1 port, 3 MiB + 1") << Protocol::Http1 << qint64(3 * 1024 * 1024 + 1);
}

void TestNginx::downloadIsByteIdentical()
{
    QFETCH(Protocol, protocol);
    QFETCH(qint64, size);
    const QString id = QStringLiteral("report_ngx_%1").arg(size);
    m_sandbox.addReport(report(id, size));
    m_sandbox.setExternalDownloadHost(m_nginx.downloadHost(protocol));
    const ChildResult r = cli(downloadArgs(id));
    QVERIFY2(r.exitCode == exitOk, r.err.constData());
    QCOMPARE(r.err, QByteArray());
    const QString saved = QDir(m_output->path()).filePath(id + QStringLiteral(".csv"));
    QCOMPARE(QString::fromUtf8(r.out), saved + QLatin1Char('\n'));
    QCOMPARE(QFileInfo(saved).size(), size);
    QCOMPARE(sha256Of(saved), expectedSha256(id));
    QCOMPARE(outputFiles(), QStringList{id + QStringLiteral(".csv")});

    const QList<NginxLogEntry> files = served(id + QStringLiteral(".csv"));
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().status, 200);
    QCOMPARE(files.first().bytes, size);
    QCOMPARE(files.first().port, int(m_nginx.port(protocol)));
    QCOMPARE(files.first().protocol, fileDownloadProtocol());
    QVERIFY(files.first().range.isEmpty());
    QVERIFY(!files.first().authorization);
}

void TestNginx::resumesWithRangeAfterKill_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::newRow("HTTP/2 port") << Protocol::Http2;
    QTest::newRow("HTTP/1.1 port") << Protocol::Http1;
}

void TestNginx::resumesWithRangeAfterKill()
{
    QFETCH(Protocol, protocol);
    const QString id = QStringLiteral("report_ngx_resume");
    const QString name = id + QStringLiteral(".csv");
    constexpr qint64 size = 12 * 1024 * 1024;
    m_sandbox.addReport(report(id, size));
    // 2 MiB/s: the first run is still busy when it is killed.
    m_sandbox.setExternalDownloadHost(m_nginx.downloadHost(protocol, true));
    const QDir out(m_output->path());
    const QString part = out.filePath(name + QStringLiteral(".part"));

    ChildProcess first(cliPath(), downloadArgs(id),
                       nginxCliEnvironment(m_home->path(), m_sandbox.apiUrl(), m_nginx.caBundlePath()));
    QVERIFY2(first.start(), qPrintable(first.errorString()));
    // QTRY keeps the event loop (and so the sandbox) running while the .part grows.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(part).size() >= 1024 * 1024, 20'000);
    QVERIFY(first.sendSignal(SIGKILL));
    QVERIFY(first.wait(10'000));
    QCOMPARE(first.result().signal, SIGKILL);
    QVERIFY(!out.exists(name));
    QVERIFY(QFileInfo::exists(part));
    const qint64 kept = QFileInfo(part).size();
    QVERIFY(kept > 0 && kept < size);
    // nginx logs the cut transfer once it notices the client is gone.
    QTRY_COMPARE_WITH_TIMEOUT(served(name).size(), 1, 10'000);
    QVERIFY(served(name).first().bytes < size);

    // The second run, at full speed, continues the .part with a Range request.
    m_sandbox.setExternalDownloadHost(m_nginx.downloadHost(protocol));
    const ChildResult r = cli(downloadArgs(id));
    QVERIFY2(r.exitCode == exitOk, r.err.constData());
    QCOMPARE(QString::fromUtf8(r.out), out.filePath(name) + QLatin1Char('\n'));
    QCOMPARE(sha256Of(out.filePath(name)), expectedSha256(id));
    QCOMPARE(outputFiles(), QStringList{name});
    const QList<NginxLogEntry> files = served(name);
    QCOMPARE(files.size(), 2);
    const NginxLogEntry resumed = files.last();
    QVERIFY2(resumed.range.startsWith(QStringLiteral("bytes=")) && resumed.range.endsWith(QLatin1Char('-')),
             qPrintable(resumed.range));
    const qint64 from = resumed.range.mid(6).chopped(1).toLongLong();
    QVERIFY2(from > 0 && from <= kept, qPrintable(QStringLiteral("from %1, kept %2").arg(from).arg(kept)));
    QCOMPARE(resumed.status, 206);
    QCOMPARE(resumed.bytes, size - from);
    QCOMPARE(resumed.protocol, fileDownloadProtocol());
    QVERIFY(!resumed.authorization);
}

void TestNginx::sizeMismatchSavesNothing_data()
{
    QTest::addColumn<qint64>("announced");
    QTest::newRow("GetBill announces more") << qint64(300'000 + 1000);
    QTest::newRow("GetBill announces less") << qint64(300'000 - 1000);
}

void TestNginx::sizeMismatchSavesNothing()
{
    QFETCH(qint64, announced);
    sandbox::SandboxReport r = report(QStringLiteral("report_ngx_size"), 300'000);
    r.advertisedSize = announced;
    m_sandbox.addReport(r);
    const ChildResult run = cli(downloadArgs(r.id));
    QCOMPARE(run.exitCode, exitIntegrity);
    const QByteArray expected = "The download server announced 300000 bytes, but GetBill said the report has " +
                                QByteArray::number(announced) + " bytes; the file was not saved.";
    QVERIFY2(run.err.contains(expected), run.err.constData());
    QCOMPARE(run.out, QByteArray());
    QCOMPARE(outputFiles(), QStringList());
    QCOMPARE(served(r.filename).size(), 1);
}

void TestNginx::expiredLinkIsRefreshed()
{
    m_sandbox.addReport(report(QStringLiteral("report_ngx_expired"), 100'000));
    // The first ticket's link is already expired when nginx sees it; the next ticket gets an hour.
    m_sandbox.setLinkLifetime(0);
    int tickets = 0;
    const QMetaObject::Connection watch =
        connect(&m_sandbox, &sandbox::SandboxServer::requestReceived, this,
                [this, &tickets](const sandbox::RecordedRequest &request) {
                    if (request.pathAndQuery.contains(u"/reports/download/") && ++tickets == 2)
                        m_sandbox.setLinkLifetime(3600);
                });
    const ChildResult r = cli(downloadArgs(QStringLiteral("report_ngx_expired")));
    disconnect(watch);
    QVERIFY2(r.exitCode == exitOk, r.err.constData());
    QCOMPARE(tickets, 2);
    QCOMPARE(sha256Of(QDir(m_output->path()).filePath(QStringLiteral("report_ngx_expired.csv"))),
             expectedSha256(QStringLiteral("report_ngx_expired")));
    const QList<NginxLogEntry> files = served(QStringLiteral("report_ngx_expired.csv"));
    QCOMPARE(files.size(), 2);
    QCOMPARE(files.at(0).status, 410);
    QCOMPARE(files.at(1).status, 200);
    QCOMPARE(outputFiles(), QStringList{QStringLiteral("report_ngx_expired.csv")});
}

void TestNginx::alwaysExpiredLinkIsRefused()
{
    m_sandbox.addReport(report(QStringLiteral("report_ngx_expired"), 100'000));
    m_sandbox.setLinkLifetime(0);
    const ChildResult r = cli(downloadArgs(QStringLiteral("report_ngx_expired")));
    QCOMPARE(r.exitCode, exitRefused);
    QVERIFY2(r.err.contains("The download link was refused by localhost (HTTP 410): it has expired or was already "
                            "used."),
             r.err.constData());
    QVERIFY(!r.err.contains("md5=") && !r.err.contains("expires="));
    QCOMPARE(r.out, QByteArray());
    QCOMPARE(outputFiles(), QStringList());
    // The first link, then each fresh one the job asks for.
    const QList<NginxLogEntry> files = served(QStringLiteral("report_ngx_expired.csv"));
    QCOMPARE(files.size(), 1 + ReportDownloadJob::maxLinkRefreshes);
    for (const NginxLogEntry &e : files)
        QCOMPARE(e.status, 410);
}

void TestNginx::badSignatureIsRefused()
{
    m_sandbox.addReport(report(QStringLiteral("report_ngx_badsig"), 10'000));
    sandbox::ExternalDownloadHost host = m_nginx.downloadHost(Protocol::Http2);
    host.secret = "not-nginx-secret";
    m_sandbox.setExternalDownloadHost(host);
    const ChildResult r = cli(downloadArgs(QStringLiteral("report_ngx_badsig")));
    QCOMPARE(r.exitCode, exitRefused);
    QVERIFY2(r.err.contains("The download link was refused by localhost (HTTP 403)"), r.err.constData());
    QCOMPARE(outputFiles(), QStringList());
    const QList<NginxLogEntry> files = served(QStringLiteral("report_ngx_badsig.csv"));
    QCOMPARE(files.size(), 1 + ReportDownloadJob::maxLinkRefreshes);
    for (const NginxLogEntry &e : files)
        QCOMPARE(e.status, 403);
}

void TestNginx::untrustedCertificateFailsClosed()
{
    // Without GETBILL_CA_BUNDLE nginx's certificate is not trusted: no byte is taken, nothing is saved. A TLS
    // failure is a network failure: exit 5, as the README's table says.
    m_sandbox.addReport(report(QStringLiteral("report_ngx_tls"), 10'000));
    const ChildResult r = cli(downloadArgs(QStringLiteral("report_ngx_tls")), {}, false);
    QCOMPARE(r.exitCode, exitTransient);
    QVERIFY2(r.err.contains("The secure connection to the download server localhost could not be verified "
                            "(untrusted or invalid certificate)."),
             r.err.constData());
    QCOMPARE(r.out, QByteArray());
    QCOMPARE(outputFiles(), QStringList());
    QCOMPARE(served(QStringLiteral("report_ngx_tls.csv")).size(), 0);
}

void TestNginx::apiOverTlsThroughTheProxy_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("apiProtocol");
    QTest::newRow("HTTP/2 port") << Protocol::Http2 << QStringLiteral("HTTP/2.0");
    QTest::newRow("HTTP/1.1 port") << Protocol::Http1 << QStringLiteral("HTTP/1.1");
}

void TestNginx::apiOverTlsThroughTheProxy()
{
    QFETCH(Protocol, protocol);
    QFETCH(QString, apiProtocol);
    for (int i = 0; i < 3; ++i)
        m_sandbox.addReport(report(QStringLiteral("report_ngx_api%1").arg(i), 20'000 + i));
    m_sandbox.setExternalDownloadHost(m_nginx.downloadHost(protocol));
    const qsizetype before = m_nginx.accessLog().size();

    const ChildResult list = cli({QStringLiteral("list"), QStringLiteral("--json")}, m_nginx.apiUrl(protocol));
    QVERIFY2(list.exitCode == exitOk, list.err.constData());
    for (int i = 0; i < 3; ++i)
        QVERIFY2(list.out.contains(QByteArray("\"id\":\"report_ngx_api" + QByteArray::number(i) + '"')) ||
                     list.out.contains(QByteArray("\"id\": \"report_ngx_api" + QByteArray::number(i) + '"')),
                 list.out.constData());
    const ChildResult download = cli(downloadArgs(QStringLiteral("report_ngx_api1")), m_nginx.apiUrl(protocol));
    QVERIFY2(download.exitCode == exitOk, download.err.constData());
    QCOMPARE(sha256Of(QDir(m_output->path()).filePath(QStringLiteral("report_ngx_api1.csv"))),
             expectedSha256(QStringLiteral("report_ngx_api1")));

    // The API calls went through nginx, over the port's protocol, with the token; the file without it.
    const QList<NginxLogEntry> log = m_nginx.accessLog().mid(before);
    int apiCalls = 0;
    bool sawTicket = false;
    for (const NginxLogEntry &e : log) {
        if (e.uri.startsWith(QStringLiteral("/external-api/v1/reports"))) {
            ++apiCalls;
            sawTicket = sawTicket || e.uri == QStringLiteral("/external-api/v1/reports/download/report_ngx_api1");
            QCOMPARE(e.protocol, apiProtocol);
            QCOMPARE(e.status, 200);
            QVERIFY(e.authorization);
        }
    }
    QVERIFY(apiCalls >= 2);
    QVERIFY(sawTicket);
    const QList<NginxLogEntry> files = served(QStringLiteral("report_ngx_api1.csv"));
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().protocol, fileDownloadProtocol());
    QVERIFY(!files.first().authorization);
    // Nothing reached the sandbox but through nginx.
    const QList<sandbox::RecordedRequest> seen = m_sandbox.requests();
    QCOMPARE(qsizetype(apiCalls), seen.size());
}

QTEST_GUILESS_MAIN(TestNginx)
#include "tst_nginx.moc"
