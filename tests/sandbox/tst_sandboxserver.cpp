// Drives the sandbox over real loopback sockets with a real QNetworkAccessManager, as the client will.
#include "sandbox/GeneratedBody.h"
#include "sandbox/SampleCatalogue.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/ZipWriter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <QtEndian>
#include <memory>

using namespace getbill::sandbox;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Result
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QMap<QByteArray, QByteArray> headers; // lower-case names
    qint64 elapsedMs = 0;
    bool finished = false;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

} // namespace

class TestSandboxServer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void listPaginatesNewestFirst();
    void listFiltersByType();
    void listValidatesParameters();
    void missingOrUnknownTokenIs401();
    void tokenWithoutScopeIs403();
    void reportDetailAndNotFound();
    void unknownPathIs404Envelope();
    void foreignReportIs403();
    void notReadyReportIs422();
    void ticketShapeAndOverrides();
    void downloadServesExactBytesWithoutAuthorization();
    void rangeAndIfRange();
    void expiredLinkIs403();
    void singleUseLinks();
    void tamperedSignatureIs403();
    void tokenEndpointIssuesAndRejects();
    void issuedTokensExpire();
    void rateLimitAnswers429WithRetryAfter();
    void faultStatusBodyHeadersAndTimes();
    void faultDelay();
    void faultCut();
    void faultStall();
    void faultContentLengthDelta();
    void faultAppendBytes();
    void faultRedirect();
    void faultTargetsOnlyItsHost();
    void tlsTrustedWithSandboxCa();
    void tlsUntrustedFails();
    void largeGeneratedBodyEndsMatch();
    void smallGeneratedBodyMaterialises();
    void requestLogRecordsHeadersAndBodies();
    void sampleCatalogueIsDeterministicAndRealistic();
    void samplePdfIsValid();
    void sampleXlsxIsValid();
    void survivesGarbageAndAbortedClients();
    void secureLinkMd5MatchesNginxFormat();
    void externalHostLinksAndWritesFileOnce();
    void externalHostStreamsLargeBodiesToDisk();
    void externalHostKeepsHostileNamesInsideTheFolder();
    void externalHostLinkLifetime();
    void externalHostUnwritableFolderIs500();
    void externalHostOffLinksToOwnHostAgain();
    void externalHostFilePreparedAhead();

private:
    QJsonObject ticketData(const QString &id);
    Result run(QNetworkReply *reply, int timeoutMs = 10000);
    Result api(const QString &pathAndQuery, const QString &token = SandboxServer::demoToken());
    Result get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {}, int transferTimeoutMs = 0);
    Result postToken(const QByteArray &form, const QByteArray &basicAuth = {});
    QUrl ticketUrl(const QString &id);
    QUrl url(const QString &pathAndQuery) const;
    SandboxReport makeReport(const QString &id, const QByteArray &content) const;

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QSslConfiguration m_ssl = QSslConfiguration::defaultConfiguration();
};

void TestSandboxServer::init()
{
    m_server = std::make_unique<SandboxServer>();
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_ssl = QSslConfiguration::defaultConfiguration();
    const QString tag = QString::fromLatin1(QTest::currentTestFunction());
    SandboxServer::Options options;
    options.sampleData = tag.startsWith(u"list"_s) || tag.startsWith(u"largeGenerated"_s);
    options.tls = tag.startsWith(u"tls"_s);
    QVERIFY2(m_server->start(options), qPrintable(m_server->errorString()));
    if (!options.sampleData) {
        m_server->addReport(makeReport(u"report_abc123"_s, "hello,world\r\n1,2\r\n"_ba.repeated(500)));
        SandboxReport pending = makeReport(u"report_pend01"_s, {});
        pending.status = u"processing"_s;
        pending.downloadAvailable = false;
        m_server->addReport(pending);
        SandboxReport foreign = makeReport(u"report_other1"_s, "secret");
        foreign.ownerCompany = u"acme"_s;
        m_server->addReport(foreign);
    }
}

void TestSandboxServer::cleanup()
{
    m_nam.reset();
    m_server.reset();
}

SandboxReport TestSandboxServer::makeReport(const QString &id, const QByteArray &content) const
{
    SandboxReport r;
    r.id = id;
    r.type = u"financial"_s;
    r.title = u"Synthèse financière – janvier 2024"_s;
    r.description = u"Test report"_s;
    r.filename = u"financial_summary_2024_01.csv"_s;
    r.mimeType = u"text/csv"_s;
    r.periodFrom = QDate(2024, 1, 1);
    r.periodTo = QDate(2024, 1, 31);
    r.createdAt = QDateTime(QDate(2024, 2, 1), QTime(9, 30), Qt::UTC);
    r.generatedAt = r.createdAt.addSecs(60);
    r.content = content;
    return r;
}

QUrl TestSandboxServer::url(const QString &pathAndQuery) const
{
    return QUrl(m_server->apiUrl().toString() + pathAndQuery);
}

Result TestSandboxServer::run(QNetworkReply *reply, int timeoutMs)
{
    Result result;
    QElapsedTimer timer;
    timer.start();
    // Collect as it arrives: bytes that came before an error are part of what the tests check.
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&result, reply] { result.body += reply->readAll(); });
    if (!reply->isFinished()) {
        QSignalSpy spy(reply, &QNetworkReply::finished);
        spy.wait(timeoutMs);
    }
    result.finished = reply->isFinished();
    if (!result.finished)
        reply->abort();
    if (reply->isOpen())
        result.body += reply->readAll();
    result.elapsedMs = timer.elapsed();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    for (const auto &h : reply->rawHeaderPairs())
        result.headers.insert(h.first.toLower(), h.second);
    reply->deleteLater();
    return result;
}

Result TestSandboxServer::get(const QUrl &target, const QList<QPair<QByteArray, QByteArray>> &headers,
                              int transferTimeoutMs)
{
    QNetworkRequest request(target);
    request.setSslConfiguration(m_ssl);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    if (transferTimeoutMs > 0)
        request.setTransferTimeout(transferTimeoutMs);
    return run(m_nam->get(request));
}

Result TestSandboxServer::api(const QString &pathAndQuery, const QString &token)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!token.isEmpty())
        headers.append({"Authorization", "Bearer " + token.toUtf8()});
    return get(url(pathAndQuery), headers);
}

Result TestSandboxServer::postToken(const QByteArray &form, const QByteArray &basicAuth)
{
    QNetworkRequest request(m_server->tokenUrl());
    request.setSslConfiguration(m_ssl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded"_ba);
    if (!basicAuth.isEmpty())
        request.setRawHeader("Authorization", "Basic " + basicAuth.toBase64());
    return run(m_nam->post(request, form));
}

QUrl TestSandboxServer::ticketUrl(const QString &id)
{
    const Result r = api(u"/reports/download/"_s + id);
    if (r.status != 200)
        return {};
    return QUrl(r.json().value(u"data"_s).toObject().value(u"download_url"_s).toString());
}

QJsonObject TestSandboxServer::ticketData(const QString &id)
{
    return api(u"/reports/download/"_s + id).json().value(u"data"_s).toObject();
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxServer::listPaginatesNewestFirst()
{
    const qsizetype total = m_server->reports().size();
    QCOMPARE(total, 37);
    QDateTime previous;
    QStringList seen;
    const int pages = int((total + 9) / 10);
    for (int page = 1; page <= pages; ++page) {
        const Result r = api(u"/reports?page=%1&limit=10"_s.arg(page));
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QCOMPARE(o.value(u"error"_s).toBool(true), false);
        const QJsonObject pagination = o.value(u"pagination"_s).toObject();
        QCOMPARE(pagination.value(u"total"_s).toInt(), total);
        QCOMPARE(pagination.value(u"pages"_s).toInt(), pages);
        QCOMPARE(pagination.value(u"page"_s).toInt(), page);
        QCOMPARE(pagination.value(u"limit"_s).toInt(), 10);
        const QJsonArray data = o.value(u"data"_s).toArray();
        QCOMPARE(data.size(), page < pages ? 10 : total - 10 * (pages - 1));
        for (const QJsonValue &v : data) {
            const QDateTime created = QDateTime::fromString(v[u"created_at"_s].toString(), Qt::ISODate);
            QVERIFY(created.isValid());
            if (previous.isValid())
                QVERIFY(created <= previous);
            previous = created;
            seen.append(v[u"id"_s].toString());
        }
    }
    seen.removeDuplicates();
    QCOMPARE(seen.size(), total);
    // Default limit is 20.
    const Result first = api(u"/reports"_s);
    QCOMPARE(first.json()[u"data"_s].toArray().size(), 20);
    QCOMPARE(first.json()[u"pagination"_s][u"pages"_s].toInt(), 2);
}

void TestSandboxServer::listFiltersByType()
{
    const Result r = api(u"/reports?type=aging&limit=100"_s);
    QCOMPARE(r.status, 200);
    const QJsonArray data = r.json()[u"data"_s].toArray();
    QCOMPARE(data.size(), 9);
    for (const QJsonValue &v : data)
        QCOMPARE(v[u"type"_s].toString(), u"aging"_s);
    QCOMPARE(r.json()[u"pagination"_s][u"total"_s].toInt(), 9);
}

void TestSandboxServer::listValidatesParameters()
{
    const Result tooMany = api(u"/reports?limit=101"_s);
    QCOMPARE(tooMany.status, 422);
    QCOMPARE(tooMany.json()[u"error"_s].toBool(), true);
    QCOMPARE(tooMany.json()[u"message"_s].toString(), u"Validation failed"_s);
    QCOMPARE(tooMany.json()[u"code"_s].toInt(), 422);
    QVERIFY(!tooMany.json()[u"details"_s][u"limit"_s][0].toString().isEmpty());

    const Result pageZero = api(u"/reports?page=0"_s);
    QCOMPARE(pageZero.status, 422);
    QVERIFY(pageZero.json()[u"details"_s].toObject().contains(u"page"_s));

    const Result notNumber = api(u"/reports?limit=abc&page=x"_s);
    QCOMPARE(notNumber.status, 422);
    QVERIFY(notNumber.json()[u"details"_s].toObject().contains(u"limit"_s));
    QVERIFY(notNumber.json()[u"details"_s].toObject().contains(u"page"_s));

    QCOMPARE(api(u"/reports?limit=100"_s).status, 200);
}

void TestSandboxServer::missingOrUnknownTokenIs401()
{
    for (const QString &token : {QString(), u"nope"_s}) {
        const Result r = api(u"/reports"_s, token);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json()[u"message"_s].toString(), u"Authentication credentials are missing or invalid"_s);
        QCOMPARE(r.json()[u"code"_s].toInt(), 401);
        QCOMPARE(r.header("X-RateLimit-Limit"), "1000"_ba);
        QVERIFY(!r.header("X-RateLimit-Remaining").isEmpty());
        QVERIFY(!r.header("X-RateLimit-Reset").isEmpty());
        QCOMPARE(r.header("X-RateLimit-Window"), "3600"_ba);
    }
    m_server->addToken(u"valid"_s);
    QCOMPARE(api(u"/reports"_s, u"valid"_s).status, 200);
}

void TestSandboxServer::tokenWithoutScopeIs403()
{
    m_server->addToken(u"writer"_s, {u"reports:write"_s});
    for (const QString &path : {u"/reports"_s, u"/reports/report_abc123"_s, u"/reports/download/report_abc123"_s}) {
        const Result r = api(path, u"writer"_s);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.json()[u"message"_s].toString(), u"Required scope \"reports:read\" not found in token"_s);
    }
}

void TestSandboxServer::reportDetailAndNotFound()
{
    const Result r = api(u"/reports/report_abc123"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json()[u"message"_s].toString(), u"Success"_s);
    const QJsonObject data = r.json()[u"data"_s].toObject();
    QCOMPARE(data[u"id"_s].toString(), u"report_abc123"_s);
    QCOMPARE(data[u"title"_s].toString(), u"Synthèse financière – janvier 2024"_s);
    QCOMPARE(data[u"status"_s].toString(), u"completed"_s);
    QCOMPARE(data[u"file_size"_s].toInteger(), m_server->contentOf(u"report_abc123"_s).size());
    QCOMPARE(data[u"period_from"_s].toString(), u"2024-01-01"_s);
    QCOMPARE(data[u"created_at"_s].toString(), u"2024-02-01T09:30:00Z"_s);
    QCOMPARE(data[u"download_available"_s].toBool(), true);

    const Result missing = api(u"/reports/report_zzzzzz"_s);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json()[u"message"_s].toString(), u"Report not found"_s);
    QCOMPARE(api(u"/reports/download/report_zzzzzz"_s).json()[u"message"_s].toString(), u"Report not found"_s);
}

void TestSandboxServer::unknownPathIs404Envelope()
{
    for (const QString &path : {u"/nothing"_s, u"/reports/a/b"_s}) {
        const Result r = api(path);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json()[u"error"_s].toBool(), true);
        QCOMPARE(r.json()[u"code"_s].toInt(), 404);
    }
    QUrl outside = m_server->apiUrl();
    outside.setPath(u"/elsewhere"_s);
    QCOMPARE(get(outside).json()[u"code"_s].toInt(), 404);
}

void TestSandboxServer::foreignReportIs403()
{
    for (const QString &path : {u"/reports/report_other1"_s, u"/reports/download/report_other1"_s}) {
        const Result r = api(path);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.json()[u"message"_s].toString(), u"Access denied to this report"_s);
    }
    // Another company's reports are not listed either.
    const QJsonArray data = api(u"/reports"_s).json()[u"data"_s].toArray();
    for (const QJsonValue &v : data)
        QVERIFY(v[u"id"_s].toString() != u"report_other1"_s);
}

void TestSandboxServer::notReadyReportIs422()
{
    const Result r = api(u"/reports/download/report_pend01"_s);
    QCOMPARE(r.status, 422);
    QCOMPARE(r.json()[u"message"_s].toString(), u"Report is not ready for download"_s);
    // Completed but flagged unavailable is not ready either.
    SandboxReport flagged = makeReport(u"report_flag01"_s, "x");
    flagged.downloadAvailable = false;
    m_server->addReport(flagged);
    QCOMPARE(api(u"/reports/download/report_flag01"_s).status, 422);
    QCOMPARE(api(u"/reports/report_pend01"_s).json()[u"data"_s][u"status"_s].toString(), u"processing"_s);
}

void TestSandboxServer::ticketShapeAndOverrides()
{
    const Result r = api(u"/reports/download/report_abc123"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json()[u"message"_s].toString(), u"Report download information retrieved"_s);
    const QJsonObject data = r.json()[u"data"_s].toObject();
    QCOMPARE(data[u"id"_s].toString(), u"report_abc123"_s);
    QCOMPARE(data[u"filename"_s].toString(), u"financial_summary_2024_01.csv"_s);
    QCOMPARE(data[u"mime_type"_s].toString(), u"text/csv"_s);
    QCOMPARE(data[u"file_size"_s].toInteger(), m_server->contentOf(u"report_abc123"_s).size());
    const QUrl link(data[u"download_url"_s].toString());
    QCOMPARE(link.scheme(), m_server->downloadOrigin().scheme());
    QCOMPARE(link.host(), u"localhost"_s);
    QCOMPARE(link.port(), m_server->downloadOrigin().port());
    QVERIFY(link.port() != m_server->apiUrl().port());
    QVERIFY(link.path().startsWith(u"/reports/"_s));
    const QUrlQuery query(link);
    QVERIFY(query.hasQueryItem(u"expires"_s));
    QCOMPARE(query.queryItemValue(u"signature"_s).size(), 64);
    const QDateTime expiresAt = QDateTime::fromString(data[u"expires_at"_s].toString(), Qt::ISODate);
    QCOMPARE(expiresAt.toSecsSinceEpoch(), query.queryItemValue(u"expires"_s).toLongLong());
    QVERIFY(qAbs(QDateTime::currentDateTimeUtc().secsTo(expiresAt) - 3600) < 5);

    SandboxReport odd = makeReport(u"report_odd001"_s, "abc");
    odd.advertisedSize = 999;
    odd.overrides = QJsonObject{{u"file_size"_s, u"big"_s}};
    odd.ticketOverrides = QJsonObject{{u"download_url"_s, u"ftp://elsewhere/x"_s}};
    m_server->addReport(odd);
    QCOMPARE(api(u"/reports/report_odd001"_s).json()[u"data"_s][u"file_size"_s].toString(), u"big"_s);
    const QJsonObject oddTicket = api(u"/reports/download/report_odd001"_s).json()[u"data"_s].toObject();
    QCOMPARE(oddTicket[u"file_size"_s].toInteger(), 999);
    QCOMPARE(oddTicket[u"download_url"_s].toString(), u"ftp://elsewhere/x"_s);
}

void TestSandboxServer::downloadServesExactBytesWithoutAuthorization()
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

void TestSandboxServer::rangeAndIfRange()
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

void TestSandboxServer::expiredLinkIs403()
{
    m_server->setLinkLifetime(0);
    const Result r = get(ticketUrl(u"report_abc123"_s));
    QCOMPARE(r.status, 403);
    QCOMPARE(r.body.trimmed(), "Request has expired"_ba);
    QVERIFY(r.header("Content-Type").startsWith("text/plain"));
    m_server->setLinkLifetime(60);
    QCOMPARE(get(ticketUrl(u"report_abc123"_s)).status, 200);
}

void TestSandboxServer::singleUseLinks()
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

void TestSandboxServer::tamperedSignatureIs403()
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

void TestSandboxServer::tokenEndpointIssuesAndRejects()
{
    m_server->addClient(u"client-1"_s, u"s3cret+/="_s);
    QCOMPARE(m_server->tokenRequestCount(), 0);
    const QByteArray form =
        "grant_type=client_credentials&client_id=client-1&client_secret=" + QUrl::toPercentEncoding(u"s3cret+/="_s) +
        "&scope=reports%3Aread";
    const Result good = postToken(form);
    QCOMPARE(good.status, 200);
    const QJsonObject o = good.json();
    const QString token = o[u"access_token"_s].toString();
    QVERIFY(token.size() >= 32);
    QCOMPARE(o[u"token_type"_s].toString(), u"Bearer"_s);
    QCOMPARE(o[u"expires_in"_s].toInt(), 3600);
    QCOMPARE(o[u"scope"_s].toString(), u"reports:read"_s);
    QCOMPARE(m_server->tokenRequestCount(), 1);
    QCOMPARE(api(u"/reports"_s, token).status, 200);

    // Tokens are random: a second grant gives another one.
    const Result basic =
        postToken("grant_type=client_credentials", "client-1:" + QUrl::toPercentEncoding(u"s3cret+/="_s));
    QCOMPARE(basic.status, 200);
    QVERIFY(basic.json()[u"access_token"_s].toString() != token);
    QCOMPARE(m_server->tokenRequestCount(), 2);

    const Result badSecret = postToken("grant_type=client_credentials&client_id=client-1&client_secret=wrong");
    QCOMPARE(badSecret.status, 401);
    QCOMPARE(badSecret.json()[u"error"_s].toString(), u"invalid_client"_s);
    QVERIFY(!badSecret.json()[u"error_description"_s].toString().isEmpty());
    QCOMPARE(postToken("grant_type=client_credentials&client_id=nobody&client_secret=x").status, 401);

    const Result badGrant = postToken("grant_type=password&client_id=client-1&client_secret=x");
    QCOMPARE(badGrant.status, 400);
    QCOMPARE(badGrant.json()[u"error"_s].toString(), u"unsupported_grant_type"_s);

    const Result badScope = postToken(form + "%20admin");
    QCOMPARE(badScope.status, 400);
    QCOMPARE(badScope.json()[u"error"_s].toString(), u"invalid_scope"_s);
    QCOMPARE(m_server->tokenRequestCount(), 2);
}

void TestSandboxServer::issuedTokensExpire()
{
    m_server->addClient(u"c"_s, u"s"_s);
    m_server->setTokenLifetime(0);
    const Result r = postToken("grant_type=client_credentials&client_id=c&client_secret=s");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json()[u"expires_in"_s].toInt(), 0);
    QCOMPARE(api(u"/reports"_s, r.json()[u"access_token"_s].toString()).status, 401);

    m_server->setTokenLifetime(120);
    const Result fresh = postToken("grant_type=client_credentials&client_id=c&client_secret=s");
    QCOMPARE(fresh.json()[u"expires_in"_s].toInt(), 120);
    QCOMPARE(api(u"/reports"_s, fresh.json()[u"access_token"_s].toString()).status, 200);
    QCOMPARE(m_server->tokenRequestCount(), 2);
}

void TestSandboxServer::rateLimitAnswers429WithRetryAfter()
{
    m_server->setRateLimit(3, 60);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (int i = 0; i < 3; ++i) {
        const Result r = api(u"/reports"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-RateLimit-Limit"), "3"_ba);
        QCOMPARE(r.header("X-RateLimit-Remaining").toInt(), 2 - i);
        QCOMPARE(r.header("X-RateLimit-Window"), "60"_ba);
        QVERIFY(qAbs(r.header("X-RateLimit-Reset").toLongLong() - (now + 60)) <= 2);
    }
    const Result limited = api(u"/reports/report_abc123"_s);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.json()[u"message"_s].toString(), u"Rate limit exceeded. Please try again later."_s);
    QCOMPARE(limited.json()[u"code"_s].toInt(), 429);
    const QJsonObject details = limited.json()[u"details"_s].toObject();
    QVERIFY(details[u"retry_after"_s].toInt() >= 58 && details[u"retry_after"_s].toInt() <= 60);
    QCOMPARE(details[u"limit"_s].toInt(), 3);
    QVERIFY(QDateTime::fromString(details[u"reset_time"_s].toString(), Qt::ISODate).isValid());
    QCOMPARE(limited.header("X-RateLimit-Remaining"), "0"_ba);

    // The window is per token.
    m_server->addToken(u"other"_s);
    QCOMPARE(api(u"/reports"_s, u"other"_s).status, 200);
}

void TestSandboxServer::faultStatusBodyHeadersAndTimes()
{
    Fault f;
    f.status = 503;
    f.body = "<html><body>Maintenance</body></html>";
    f.contentType = "text/html";
    f.headers = {{"Retry-After", "7"}};
    f.pathContains = u"/reports/report_abc123"_s;
    f.times = 2;
    m_server->addFault(f);

    QCOMPARE(api(u"/reports"_s).status, 200); // path does not match
    for (int i = 0; i < 2; ++i) {
        const Result r = api(u"/reports/report_abc123"_s);
        QCOMPARE(r.status, 503);
        QCOMPARE(r.body, f.body);
        QCOMPARE(r.header("Content-Type"), "text/html"_ba);
        QCOMPARE(r.header("Retry-After"), "7"_ba);
    }
    QCOMPARE(api(u"/reports/report_abc123"_s).status, 200);

    Fault always;
    always.status = 500;
    always.body = "{\"error\":true,\"message\":\"Internal error\",\"code\":500}";
    always.times = -1;
    m_server->addFault(always);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(api(u"/reports"_s).status, 500);
    m_server->clearFaults();
    QCOMPARE(api(u"/reports"_s).status, 200);
}

void TestSandboxServer::faultDelay()
{
    Fault f;
    f.delayMs = 300;
    m_server->addFault(f);
    const Result slow = api(u"/reports"_s);
    QCOMPARE(slow.status, 200);
    QVERIFY2(slow.elapsedMs >= 290, QByteArray::number(slow.elapsedMs).constData());
    QVERIFY(api(u"/reports"_s).elapsedMs < 290);
}

void TestSandboxServer::faultCut()
{
    const QUrl link = ticketUrl(u"report_abc123"_s);
    Fault f;
    f.host = Fault::Host::Download;
    f.cutAfterBytes = 1000;
    m_server->addFault(f);
    const Result r = get(link);
    QVERIFY(r.finished);
    QVERIFY(r.error != QNetworkReply::NoError);
    QVERIFY(r.body.size() <= 1000);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s).left(r.body.size()));
    // A cut transfer did not use up a single-use link: it can be resumed.
    QCOMPARE(get(link, {{"Range", "bytes=1000-"}}).status, 206);
}

void TestSandboxServer::faultStall()
{
    const QUrl link = ticketUrl(u"report_abc123"_s);
    Fault f;
    f.host = Fault::Host::Download;
    f.stallAfterBytes = 500;
    m_server->addFault(f);
    const Result r = get(link, {}, 300);
    QVERIFY(r.finished);
    QVERIFY(r.error == QNetworkReply::OperationCanceledError || r.error == QNetworkReply::TimeoutError);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s).left(500));
    QVERIFY(r.elapsedMs >= 250);
}

void TestSandboxServer::faultContentLengthDelta()
{
    const QByteArray content = m_server->contentOf(u"report_abc123"_s);
    Fault shorter;
    shorter.host = Fault::Host::Download;
    shorter.contentLengthDelta = -10;
    m_server->addFault(shorter);
    const Result less = get(ticketUrl(u"report_abc123"_s));
    QCOMPARE(less.header("Content-Length").toLongLong(), content.size() - 10);
    QCOMPARE(less.body, content.left(content.size() - 10));

    Fault longer = shorter;
    longer.contentLengthDelta = 10;
    m_server->addFault(longer);
    const Result more = get(ticketUrl(u"report_abc123"_s));
    QVERIFY(more.finished);
    QCOMPARE(more.header("Content-Length").toLongLong(), content.size() + 10);
    QVERIFY(more.error != QNetworkReply::NoError);
    QCOMPARE(more.body, content);
}

void TestSandboxServer::faultAppendBytes()
{
    Fault f;
    f.host = Fault::Host::Download;
    f.appendBytes = "TRAILING-GARBAGE";
    m_server->addFault(f);
    const Result r = get(ticketUrl(u"report_abc123"_s));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s) + "TRAILING-GARBAGE");
    QCOMPARE(r.header("Content-Length").toLongLong(), r.body.size());
}

void TestSandboxServer::faultRedirect()
{
    Fault f;
    f.redirectTo = u"https://evil.example/steal"_s;
    f.pathContains = u"/reports/report_abc123"_s;
    m_server->addFault(f);
    const Result r = api(u"/reports/report_abc123"_s);
    QCOMPARE(r.status, 302);
    QCOMPARE(r.header("Location"), "https://evil.example/steal"_ba);
    QCOMPARE(api(u"/reports/report_abc123"_s).status, 200);
}

void TestSandboxServer::faultTargetsOnlyItsHost()
{
    m_server->addClient(u"c"_s, u"s"_s);
    Fault f;
    f.host = Fault::Host::Token;
    f.status = 502;
    f.body = "Bad gateway";
    m_server->addFault(f);
    QCOMPARE(api(u"/reports"_s).status, 200);
    QCOMPARE(get(ticketUrl(u"report_abc123"_s)).status, 200);
    QCOMPARE(postToken("grant_type=client_credentials&client_id=c&client_secret=s").status, 502);
    QCOMPARE(postToken("grant_type=client_credentials&client_id=c&client_secret=s").status, 200);
}

void TestSandboxServer::tlsTrustedWithSandboxCa()
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

void TestSandboxServer::tlsUntrustedFails()
{
    const Result r = api(u"/reports"_s);
    QCOMPARE(r.error, QNetworkReply::SslHandshakeFailedError);
    QCOMPARE(r.status, 0);
}

void TestSandboxServer::largeGeneratedBodyEndsMatch()
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

void TestSandboxServer::smallGeneratedBodyMaterialises()
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

void TestSandboxServer::requestLogRecordsHeadersAndBodies()
{
    QSignalSpy spy(m_server.get(), &SandboxServer::requestReceived);
    m_server->clearRequests();
    QNetworkRequest request(url(u"/reports?limit=5"_s));
    request.setRawHeader("Authorization", "Bearer demo-token");
    request.setRawHeader("X-Trace-Id", "abc-123");
    run(m_nam->get(request));
    m_server->addClient(u"c"_s, u"s"_s);
    postToken("grant_type=client_credentials&client_id=c&client_secret=s");

    const QList<RecordedRequest> log = m_server->requests();
    QCOMPARE(log.size(), 2);
    QCOMPARE(spy.size(), 2);
    QCOMPARE(log[0].host, Fault::Host::Api);
    QCOMPARE(log[0].method, "GET"_ba);
    QCOMPARE(log[0].pathAndQuery, u"/external-api/v1/reports?limit=5"_s);
    QCOMPARE(log[0].headers.value("x-trace-id"), "abc-123"_ba);
    QCOMPARE(log[0].headers.value("authorization"), "Bearer demo-token"_ba);
    QCOMPARE(log[1].host, Fault::Host::Token);
    QCOMPARE(log[1].method, "POST"_ba);
    QCOMPARE(log[1].body, "grant_type=client_credentials&client_id=c&client_secret=s"_ba);
    QCOMPARE(spy.at(1).at(0).value<RecordedRequest>().pathAndQuery, u"/token"_s);
    m_server->clearRequests();
    QVERIFY(m_server->requests().isEmpty());
}

void TestSandboxServer::sampleCatalogueIsDeterministicAndRealistic()
{
    const QList<SandboxReport> a = SampleCatalogue::reports();
    const QList<SandboxReport> b = SampleCatalogue::reports();
    QCOMPARE(a.size(), 37);
    QSet<QString> ids;
    QSet<QString> types;
    int notReady = 0;
    const QRegularExpression idPattern(u"^report_[a-z0-9]{6}$"_s);
    for (int i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].id, b[i].id);
        QCOMPARE(a[i].content, b[i].content);
        ids.insert(a[i].id);
        types.insert(a[i].type);
        if (a[i].id != SampleCatalogue::largeReportId())
            QVERIFY2(idPattern.match(a[i].id).hasMatch(), qPrintable(a[i].id));
        if (a[i].status != u"completed"_s) {
            ++notReady;
            QVERIFY(!a[i].downloadAvailable);
        } else {
            QVERIFY(a[i].realSize() > 0);
        }
        QVERIFY(a[i].periodFrom.isValid() && a[i].periodTo > a[i].periodFrom);
    }
    QCOMPARE(ids.size(), a.size());
    QVERIFY(types.contains(u"financial"_s) && types.contains(u"collection"_s) && types.contains(u"payments"_s) &&
            types.contains(u"aging"_s));
    QVERIFY(notReady >= 2 && notReady <= 5);
    const auto csv = std::find_if(a.cbegin(), a.cend(), [](const SandboxReport &r) {
        return r.mimeType == u"text/csv"_s && !r.content.isEmpty();
    });
    QVERIFY(csv != a.cend());
    const QList<QByteArray> lines = csv->content.split('\n');
    QVERIFY(lines.size() > 25);
    QVERIFY(lines.first().startsWith("invoice_number,customer,"));
    QVERIFY(QString::fromUtf8(csv->content).contains(u"\"Dubois, Fabre et Associés\""_s) ||
            QString::fromUtf8(csv->content).contains(u"Boulangerie Lefèvre"_s));
}

void TestSandboxServer::samplePdfIsValid()
{
    const QList<SandboxReport> all = SampleCatalogue::reports();
    const auto it = std::find_if(all.cbegin(), all.cend(), [](const SandboxReport &r) {
        return r.mimeType == u"application/pdf"_s && !r.content.isEmpty();
    });
    QVERIFY(it != all.cend());
    const QByteArray pdf = it->content;
    QVERIFY(pdf.startsWith("%PDF-1.4\n"));
    QVERIFY(pdf.endsWith("%%EOF\n"));
    // Every xref entry must point exactly at "N 0 obj", and startxref at the xref table.
    const qsizetype startxref = pdf.lastIndexOf("startxref\n");
    const qsizetype xref = pdf.mid(startxref + 10).split('\n').first().toLongLong();
    QVERIFY(pdf.mid(xref).startsWith("xref\n0 "));
    const QList<QByteArray> rows = pdf.mid(xref).split('\n');
    const int count = rows[1].split(' ').at(1).toInt();
    QVERIFY(count >= 6);
    for (int obj = 1; obj < count; ++obj) {
        const QByteArray entry = rows[2 + obj];
        QCOMPARE(entry.size(), 19); // 20 bytes with the newline
        const qint64 offset = entry.left(10).toLongLong();
        QVERIFY(pdf.mid(offset).startsWith(QByteArray(QByteArray::number(obj) + " 0 obj\n")));
    }

    // Cross-check with poppler when it is installed (Debian: poppler-utils).
    const QString pdftotext = QStandardPaths::findExecutable(u"pdftotext"_s);
    if (pdftotext.isEmpty())
        QSKIP("pdftotext not installed: structural checks only");
    QTemporaryDir dir;
    QFile file(dir.filePath(u"r.pdf"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(pdf);
    file.close();
    QProcess p;
    p.start(pdftotext, {u"-enc"_s, u"UTF-8"_s, file.fileName(), u"-"_s});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardError().isEmpty());
    const QString text = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(text.contains(it->title), qPrintable(text));
    QVERIFY(text.contains(it->id));
}

void TestSandboxServer::sampleXlsxIsValid()
{
    const QList<SandboxReport> all = SampleCatalogue::reports();
    const auto it = std::find_if(all.cbegin(), all.cend(), [](const SandboxReport &r) {
        return r.filename.endsWith(u".xlsx"_s) && !r.content.isEmpty();
    });
    QVERIFY(it != all.cend());
    const QByteArray zip = it->content;
    // Walk the local headers: stored entries whose CRC-32 matches their data, then the central directory.
    QStringList names;
    qsizetype pos = 0;
    while (qFromLittleEndian<quint32>(zip.constData() + pos) == 0x04034b50) {
        QCOMPARE(qFromLittleEndian<quint16>(zip.constData() + pos + 8), quint16(0));
        const quint32 crc = qFromLittleEndian<quint32>(zip.constData() + pos + 14);
        const quint32 size = qFromLittleEndian<quint32>(zip.constData() + pos + 18);
        const quint16 nameLength = qFromLittleEndian<quint16>(zip.constData() + pos + 26);
        const quint16 extraLength = qFromLittleEndian<quint16>(zip.constData() + pos + 28);
        names.append(QString::fromUtf8(zip.mid(pos + 30, nameLength)));
        const QByteArray data = zip.mid(pos + 30 + nameLength + extraLength, size);
        QCOMPARE(ZipWriter::crc32(data), crc);
        pos += 30 + nameLength + extraLength + size;
    }
    QCOMPARE(names, QStringList({u"[Content_Types].xml"_s, u"_rels/.rels"_s, u"xl/workbook.xml"_s,
                                 u"xl/_rels/workbook.xml.rels"_s, u"xl/worksheets/sheet1.xml"_s}));
    QCOMPARE(qFromLittleEndian<quint32>(zip.constData() + pos), quint32(0x02014b50));
    QCOMPARE(qFromLittleEndian<quint32>(zip.constData() + zip.size() - 22), quint32(0x06054b50));
    QCOMPARE(ZipWriter::crc32("123456789"), quint32(0xCBF43926)); // the standard check value

    const QString unzip = QStandardPaths::findExecutable(u"unzip"_s);
    if (unzip.isEmpty())
        QSKIP("unzip not installed: structural checks only");
    QTemporaryDir dir;
    QFile file(dir.filePath(u"r.xlsx"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(zip);
    file.close();
    QProcess p;
    p.start(unzip, {u"-t"_s, u"-q"_s, file.fileName()});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
}

void TestSandboxServer::survivesGarbageAndAbortedClients()
{
    auto raw = [this](const QByteArray &bytes) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->apiUrl().port()));
        if (!socket.waitForConnected(5000))
            return QByteArray();
        socket.write(bytes);
        QByteArray answer;
        QSignalSpy closed(&socket, &QTcpSocket::disconnected);
        while (socket.state() == QAbstractSocket::ConnectedState && closed.wait(5000))
            ;
        answer += socket.readAll();
        return answer;
    };
    QVERIFY(raw("\x01\x02 garbage \xff\r\n\r\n").startsWith("HTTP/1.1 400 "));
    QVERIFY(raw("GET /x HTTP/1.1\r\nno colon here\r\n\r\n").startsWith("HTTP/1.1 400 "));
    QVERIFY(raw("POST /token HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n").startsWith("HTTP/1.1 413 "));
    QVERIFY(raw("GET /x HTTP/1.1\r\nX: " + QByteArray(70000, 'a')).startsWith("HTTP/1.1 431 "));

    // A client that goes away in the middle of a big body.
    SandboxReport big = makeReport(u"report_big001"_s, {});
    big.generatedSize = 64 * 1024 * 1024;
    m_server->addReport(big);
    QNetworkRequest request(ticketUrl(u"report_big001"_s));
    QNetworkReply *reply = m_nam->get(request);
    QSignalSpy progress(reply, &QNetworkReply::downloadProgress);
    QVERIFY(progress.wait(5000));
    reply->abort();
    reply->deleteLater();

    const Result after = api(u"/reports/report_abc123"_s);
    QCOMPARE(after.status, 200);
}

void TestSandboxServer::secureLinkMd5MatchesNginxFormat()
{
    // printf '%s' '2147483647/files/report.pdf s3cret' | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =
    QCOMPARE(SandboxServer::secureLinkMd5(u"/files/report.pdf"_s, 2147483647, "s3cret"), "2hxB03N8c5x5MfqVDygk-g"_ba);
}

void TestSandboxServer::externalHostLinksAndWritesFileOnce()
{
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "s3cret", folder.path()});
    QVERIFY(m_server->externalFilePath(u"report_abc123"_s).isEmpty());
    const QJsonObject data = ticketData(u"report_abc123"_s);
    const QUrl link(data[u"download_url"_s].toString());
    QCOMPARE(link.scheme(), u"https"_s);
    QCOMPARE(link.host(), u"localhost"_s);
    QCOMPARE(link.port(), 4443);
    QCOMPARE(link.path(), u"/files/financial_summary_2024_01.csv"_s);
    const QUrlQuery query(link);
    const qint64 expires = query.queryItemValue(u"expires"_s).toLongLong();
    QCOMPARE(query.queryItemValue(u"md5"_s).toLatin1(), SandboxServer::secureLinkMd5(link.path(), expires, "s3cret"));
    QVERIFY(!query.hasQueryItem(u"signature"_s));
    QCOMPARE(QDateTime::fromString(data[u"expires_at"_s].toString(), Qt::ISODate).toSecsSinceEpoch(), expires);
    QVERIFY(qAbs(expires - QDateTime::currentSecsSinceEpoch() - 3600) < 5);
    QCOMPARE(data[u"file_size"_s].toInteger(), m_server->contentOf(u"report_abc123"_s).size());

    const QString path = QDir(folder.path()).filePath(u"financial_summary_2024_01.csv"_s);
    QCOMPARE(m_server->externalFilePath(u"report_abc123"_s), path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), m_server->contentOf(u"report_abc123"_s));
    file.close();
    // Once: a second ticket leaves the file alone; a changed report is written again.
    const QDateTime written = QFileInfo(path).lastModified();
    QTest::qWait(20);
    QVERIFY(!ticketData(u"report_abc123"_s).isEmpty());
    QCOMPARE(QFileInfo(path).lastModified(), written);
    m_server->addReport(makeReport(u"report_abc123"_s, "changed\n"_ba));
    QVERIFY(!ticketData(u"report_abc123"_s).isEmpty());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), "changed\n"_ba);
    file.close();

    // Another report with the same file name gets a file of its own.
    m_server->addReport(makeReport(u"report_twin01"_s, "twin\n"_ba));
    const QUrl twin(ticketData(u"report_twin01"_s)[u"download_url"_s].toString());
    QVERIFY(twin.path() != link.path());
    QVERIFY(twin.path().endsWith(u"-financial_summary_2024_01.csv"_s));
    QCOMPARE(QDir(folder.path()).entryList(QDir::Files).size(), 2);
    QCOMPARE(m_server->externalDownloadHost()->secret, "s3cret"_ba);
}

void TestSandboxServer::externalHostStreamsLargeBodiesToDisk()
{
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files"_s), "k", folder.path()});
    SandboxReport big = makeReport(u"report_big001"_s, {});
    big.filename = u"big.csv"_s;
    big.generatedSize = 40 * 1024 * 1024 + 17;
    m_server->addReport(big);
    const QUrl link(ticketData(u"report_big001"_s)[u"download_url"_s].toString());
    QCOMPARE(link.path(), u"/files/big.csv"_s); // a base without the trailing slash still gets one
    QFile file(QDir(folder.path()).filePath(u"big.csv"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.size(), big.generatedSize);
    QCOMPARE(file.read(4096), GeneratedBody::chunk(big.id, 0, 4096));
    QVERIFY(file.seek(big.generatedSize - 5000));
    QCOMPARE(file.readAll(), GeneratedBody::chunk(big.id, big.generatedSize - 5000, 5000));
}

void TestSandboxServer::externalHostKeepsHostileNamesInsideTheFolder()
{
    QTemporaryDir root;
    const QString folder = root.filePath(u"served"_s);
    QVERIFY(QDir().mkpath(folder));
    m_server->setExternalDownloadHost(ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", folder});
    SandboxReport hostile = makeReport(u"report_evil01"_s, "evil\n"_ba);
    hostile.filename = u"../../x.pdf"_s;
    m_server->addReport(hostile);
    const QUrl link(ticketData(u"report_evil01"_s)[u"download_url"_s].toString());
    QVERIFY2(!link.path().contains(u".."_s) && link.path().startsWith(u"/files/"_s), qPrintable(link.path()));
    QCOMPARE(QDir(root.path()).entryList(QDir::Files), QStringList());
    const QStringList served = QDir(folder).entryList(QDir::Files);
    QCOMPARE(served.size(), 1);
    QCOMPARE(u"/files/"_s + served.first(), link.path());
    QCOMPARE(QFileInfo(m_server->externalFilePath(u"report_evil01"_s)).absolutePath(),
             QFileInfo(folder).absoluteFilePath());
}

void TestSandboxServer::externalHostLinkLifetime()
{
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", folder.path()});
    // nginx refuses once expires < now: a lifetime of 0 is already expired there too.
    m_server->setLinkLifetime(0);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 expired = QUrlQuery(QUrl(ticketData(u"report_abc123"_s)[u"download_url"_s].toString()))
                               .queryItemValue(u"expires"_s)
                               .toLongLong();
    QVERIFY2(expired < now + 1 && expired >= now - 2, QByteArray::number(expired - now).constData());
    QVERIFY(expired < QDateTime::currentSecsSinceEpoch());
    m_server->setLinkLifetime(120);
    const qint64 later = QUrlQuery(QUrl(ticketData(u"report_abc123"_s)[u"download_url"_s].toString()))
                             .queryItemValue(u"expires"_s)
                             .toLongLong();
    QVERIFY(qAbs(later - QDateTime::currentSecsSinceEpoch() - 119) <= 2);
}

void TestSandboxServer::externalHostUnwritableFolderIs500()
{
    QTemporaryDir root;
    QFile blocker(root.filePath(u"not-a-folder"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", blocker.fileName() + u"/sub"_s});
    const Result r = api(u"/reports/download/report_abc123"_s);
    QCOMPARE(r.status, 500);
    QVERIFY2(r.json()[u"message"_s].toString().startsWith(u"The sandbox could not write the report file: "_s),
             r.body.constData());
    QVERIFY(m_server->externalFilePath(u"report_abc123"_s).isEmpty());

    m_server->setExternalDownloadHost(ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", {}});
    const Result none = api(u"/reports/download/report_abc123"_s);
    QCOMPARE(none.status, 500);
    QVERIFY2(none.json()[u"message"_s].toString().contains(u"no folder"_s), none.body.constData());
}

void TestSandboxServer::externalHostOffLinksToOwnHostAgain()
{
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", folder.path()});
    QCOMPARE(QUrl(ticketData(u"report_abc123"_s)[u"download_url"_s].toString()).port(), 4443);
    m_server->setExternalDownloadHost(std::nullopt);
    QVERIFY(!m_server->externalDownloadHost());
    QVERIFY(m_server->externalFilePath(u"report_abc123"_s).isEmpty());
    const QUrl own(ticketData(u"report_abc123"_s)[u"download_url"_s].toString());
    QCOMPARE(own.port(), m_server->downloadOrigin().port());
    const Result r = get(own);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s));
}

void TestSandboxServer::externalHostFilePreparedAhead()
{
    QString error;
    QVERIFY(m_server->prepareExternalFile(u"report_abc123"_s, &error).isEmpty());
    QCOMPARE(error, u"no external download host is set"_s);
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", folder.path()});
    QVERIFY(m_server->prepareExternalFile(u"report_nope"_s, &error).isEmpty());
    QCOMPARE(error, u"no report report_nope"_s);
    const QString path = m_server->prepareExternalFile(u"report_abc123"_s, &error);
    QCOMPARE(path, QDir(folder.path()).filePath(u"financial_summary_2024_01.csv"_s));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), m_server->contentOf(u"report_abc123"_s));
    // The ticket then links to the file already written.
    const QDateTime written = QFileInfo(path).lastModified();
    QTest::qWait(20);
    QVERIFY(QUrl(ticketData(u"report_abc123"_s)[u"download_url"_s].toString())
                .path()
                .endsWith(u"/financial_summary_2024_01.csv"_s));
    QCOMPARE(QFileInfo(path).lastModified(), written);

    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", path + u"/not-a-folder"_s});
    QVERIFY(m_server->prepareExternalFile(u"report_abc123"_s, &error).isEmpty());
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestSandboxServer)
#include "tst_sandboxserver.moc"
