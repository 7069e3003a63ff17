// The sandbox's own download host: signed links, expiry, single use, ranges, generated bodies, TLS.
// Drives the sandbox over real loopback sockets with a real QNetworkAccessManager, as the client will.
#include "SandboxTestCase.h"
#include "sandbox/GeneratedBody.h"
#include "sandbox/SampleCatalogue.h"

#include <QTest>
#include <QUrlQuery>

using namespace getbill::sandbox;
using namespace getbill::sandbox::test;
using namespace Qt::Literals::StringLiterals;

class TestSandboxDownloads : public SandboxTestCase
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void downloadServesExactBytesWithoutAuthorization();
    void rangeAndIfRange();
    void expiredLinkIs403();
    void singleUseLinks();
    void tamperedSignatureIs403();
    void largeGeneratedBodyEndsMatch();
    void smallGeneratedBodyMaterialises();
    void tlsTrustedWithSandboxCa();
    void tlsUntrustedFails();
};

void TestSandboxDownloads::init()
{
    const QByteArray tag(QTest::currentTestFunction());
    SandboxServer::Options options;
    options.sampleData = tag.startsWith("largeGenerated");
    options.tls = tag.startsWith("tls");
    QVERIFY2(startServer(options), qPrintable(m_server->errorString()));
    if (!options.sampleData)
        addStandardReports();
}

void TestSandboxDownloads::cleanup()
{
    stopServer();
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxDownloads::downloadServesExactBytesWithoutAuthorization()
{
    const QUrl link = ticketUrl(u"report_abc123"_s);
    QVERIFY(link.isValid());
    m_server->clearRequests();
    const Result r = get(link);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s));
    QCOMPARE(r.header("Content-Type"), "text/csv"_ba);
    QCOMPARE(r.header("Content-Length").toLongLong(), r.body.size());
    QCOMPARE(r.header("ETag"), m_server->etagOf(u"report_abc123"_s));
    QCOMPARE(r.header("Accept-Ranges"), "bytes"_ba);
    // The ETag is stable across links and servers for the same bytes.
    QCOMPARE(get(ticketUrl(u"report_abc123"_s)).header("ETag"), r.header("ETag"));
    const QList<RecordedRequest> log = m_server->requests();
    QVERIFY(!log.isEmpty());
    for (const RecordedRequest &req : log) {
        if (req.host == Fault::Host::Download)
            QVERIFY(!req.headers.contains("authorization"));
    }
    QCOMPARE(log.first().host, Fault::Host::Download);
}

void TestSandboxDownloads::rangeAndIfRange()
{
    const QByteArray content = m_server->contentOf(u"report_abc123"_s);
    const QByteArray etag = m_server->etagOf(u"report_abc123"_s);
    const Result partial = get(ticketUrl(u"report_abc123"_s), {{"Range", "bytes=100-"}});
    QCOMPARE(partial.status, 206);
    QCOMPARE(partial.body, content.mid(100));
    QCOMPARE(partial.header("Content-Range"),
             "bytes 100-" + QByteArray::number(content.size() - 1) + '/' + QByteArray::number(content.size()));

    const Result matching = get(ticketUrl(u"report_abc123"_s), {{"Range", "bytes=10-19"}, {"If-Range", etag}});
    QCOMPARE(matching.status, 206);
    QCOMPARE(matching.body, content.mid(10, 10));

    const Result changed = get(ticketUrl(u"report_abc123"_s), {{"Range", "bytes=100-"}, {"If-Range", "\"stale\""}});
    QCOMPARE(changed.status, 200);
    QCOMPARE(changed.body, content);

    const Result beyond =
        get(ticketUrl(u"report_abc123"_s), {{"Range", "bytes=" + QByteArray::number(content.size()) + '-'}});
    QCOMPARE(beyond.status, 416);
}

void TestSandboxDownloads::expiredLinkIs403()
{
    m_server->setLinkLifetime(0);
    const Result r = get(ticketUrl(u"report_abc123"_s));
    QCOMPARE(r.status, 403);
    QCOMPARE(r.body.trimmed(), "Request has expired"_ba);
    QVERIFY(r.header("Content-Type").startsWith("text/plain"));
    m_server->setLinkLifetime(60);
    QCOMPARE(get(ticketUrl(u"report_abc123"_s)).status, 200);
}

void TestSandboxDownloads::singleUseLinks()
{
    const QUrl reusable = ticketUrl(u"report_abc123"_s);
    QCOMPARE(get(reusable).status, 200);
    QCOMPARE(get(reusable).status, 200);

    m_server->setSingleUseLinks(true);
    const QUrl once = ticketUrl(u"report_abc123"_s);
    QCOMPARE(get(once).status, 200);
    const Result again = get(once);
    QCOMPARE(again.status, 403);
    QCOMPARE(again.body.trimmed(), "Link already used"_ba);
    // A fresh ticket gives a fresh link.
    QCOMPARE(get(ticketUrl(u"report_abc123"_s)).status, 200);
}

void TestSandboxDownloads::tamperedSignatureIs403()
{
    const QUrl link = ticketUrl(u"report_abc123"_s);
    QUrlQuery query(link);
    QString signature = query.queryItemValue(u"signature"_s);
    signature[0] = signature[0] == u'0' ? u'1' : u'0';

    QUrl badSignature = link;
    QUrlQuery q1 = query;
    q1.removeQueryItem(u"signature"_s);
    q1.addQueryItem(u"signature"_s, signature);
    badSignature.setQuery(q1);
    const Result r1 = get(badSignature);
    QCOMPARE(r1.status, 403);
    QVERIFY(r1.header("Content-Type").startsWith("text/plain"));

    QUrl laterExpiry = link;
    QUrlQuery q2 = query;
    const qint64 expires = query.queryItemValue(u"expires"_s).toLongLong();
    q2.removeQueryItem(u"expires"_s);
    q2.addQueryItem(u"expires"_s, QString::number(expires + 86400));
    laterExpiry.setQuery(q2);
    QCOMPARE(get(laterExpiry).status, 403);

    QUrl otherPath = link;
    otherPath.setPath(link.path() + u"0"_s);
    QCOMPARE(get(otherPath).status, 403);

    QUrl unsigned_ = link;
    unsigned_.setQuery(QString());
    QCOMPARE(get(unsigned_).status, 403);

    QCOMPARE(get(link).status, 200);
}

void TestSandboxDownloads::largeGeneratedBodyEndsMatch()
{
    const QString id = SampleCatalogue::largeReportId();
    const qint64 size = SampleCatalogue::LargeReportSize;
    const QJsonObject ticket = api(u"/reports/download/"_s + id).json()[u"data"_s].toObject();
    QCOMPARE(ticket[u"file_size"_s].toInteger(), size);
    QCOMPARE(ticket[u"mime_type"_s].toString(), u"text/csv"_s);
    const QUrl link(ticket[u"download_url"_s].toString());

    const Result head = get(link, {{"Range", "bytes=0-65599"}});
    QCOMPARE(head.status, 206);
    QCOMPARE(head.body, GeneratedBody::chunk(id, 0, 65600));
    QVERIFY(head.body.startsWith("row_number,"));

    const Result tail = get(link, {{"Range", "bytes=" + QByteArray::number(size - 1000) + '-'}});
    QCOMPARE(tail.status, 206);
    QCOMPARE(tail.header("Content-Range"), "bytes " + QByteArray::number(size - 1000) + '-' +
                                               QByteArray::number(size - 1) + '/' + QByteArray::number(size));
    QCOMPARE(tail.body, GeneratedBody::chunk(id, size - 1000, 1000));
    QVERIFY(tail.body.endsWith('\n'));
}

void TestSandboxDownloads::smallGeneratedBodyMaterialises()
{
    SandboxReport r = makeReport(u"report_gen001"_s, {});
    r.generatedSize = 300001; // not a multiple of the line length nor of the chunk size
    m_server->addReport(r);
    const QByteArray expected = m_server->contentOf(u"report_gen001"_s);
    QCOMPARE(expected.size(), 300001);
    QCOMPARE(expected, GeneratedBody::materialise(u"report_gen001"_s, 300001));
    QCOMPARE(GeneratedBody::chunk(u"report_gen001"_s, 12345, 777), expected.mid(12345, 777));
    QVERIFY(expected != GeneratedBody::materialise(u"report_gen002"_s, 300001));
    const Result got = get(ticketUrl(u"report_gen001"_s));
    QCOMPARE(got.status, 200);
    QCOMPARE(got.body.size(), expected.size());
    QVERIFY(got.body == expected);
    QCOMPARE(api(u"/reports/report_gen001"_s).json()[u"data"_s][u"file_size"_s].toInteger(), 300001);
}

void TestSandboxDownloads::tlsTrustedWithSandboxCa()
{
    QCOMPARE(m_server->apiUrl().scheme(), u"https"_s);
    QCOMPARE(m_server->downloadOrigin().scheme(), u"https"_s);
    const QList<QSslCertificate> ca = QSslCertificate::fromData(SandboxServer::caCertificatePem(), QSsl::Pem);
    QCOMPARE(ca.size(), 1);
    m_ssl.addCaCertificates(ca);
    const Result r = api(u"/reports/report_abc123"_s);
    QCOMPARE(r.error, QNetworkReply::NoError);
    QCOMPARE(r.status, 200);
    // The download host is reached by name (localhost): the certificate's SAN covers it.
    const Result file = get(ticketUrl(u"report_abc123"_s));
    QCOMPARE(file.error, QNetworkReply::NoError);
    QCOMPARE(file.body, m_server->contentOf(u"report_abc123"_s));
}

void TestSandboxDownloads::tlsUntrustedFails()
{
    const Result r = api(u"/reports"_s);
    QCOMPARE(r.error, QNetworkReply::SslHandshakeFailedError);
    QCOMPARE(r.status, 0);
}

QTEST_GUILESS_MAIN(TestSandboxDownloads)
#include "tst_sandboxdownloads.moc"
