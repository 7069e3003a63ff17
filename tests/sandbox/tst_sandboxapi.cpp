// The API host: listing, one report, download information, authentication and scopes, GetBill's envelopes.
// Drives the sandbox over real loopback sockets with a real QNetworkAccessManager, as the client will.
#include "SandboxTestCase.h"
#include "sandbox/SandboxClock.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace getbill::sandbox;
using namespace getbill::sandbox::test;
using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

class TestSandboxApi : public SandboxTestCase
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
    void listSeesReportsAddedWhilePaging();
    void listOrderIsDeterministicForEqualTimes();
    void listUnknownTypeIsEmpty();
    void reportCompletesAfterPolls();
    void refusedPollsDoNotCount();
    void replacingAReportRestartsItsPolls();

private:
    QStringList listIds(const QString &query);
};

void TestSandboxApi::init()
{
    SandboxServer::Options options;
    options.sampleData = QByteArray(QTest::currentTestFunction()).startsWith("list");
    QVERIFY2(startServer(options), qPrintable(m_server->errorString()));
    if (!options.sampleData)
        addStandardReports();
}

void TestSandboxApi::cleanup()
{
    stopServer();
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxApi::listPaginatesNewestFirst()
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

void TestSandboxApi::listFiltersByType()
{
    const Result r = api(u"/reports?type=aging&limit=100"_s);
    QCOMPARE(r.status, 200);
    const QJsonArray data = r.json()[u"data"_s].toArray();
    QCOMPARE(data.size(), 9);
    for (const QJsonValue &v : data)
        QCOMPARE(v[u"type"_s].toString(), u"aging"_s);
    QCOMPARE(r.json()[u"pagination"_s][u"total"_s].toInt(), 9);
}

void TestSandboxApi::listValidatesParameters()
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

void TestSandboxApi::missingOrUnknownTokenIs401()
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

void TestSandboxApi::tokenWithoutScopeIs403()
{
    m_server->addToken(u"writer"_s, {u"reports:write"_s});
    for (const QString &path : {u"/reports"_s, u"/reports/report_abc123"_s, u"/reports/download/report_abc123"_s}) {
        const Result r = api(path, u"writer"_s);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.json()[u"message"_s].toString(), u"Required scope \"reports:read\" not found in token"_s);
    }
}

void TestSandboxApi::reportDetailAndNotFound()
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

void TestSandboxApi::unknownPathIs404Envelope()
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

void TestSandboxApi::foreignReportIs403()
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

void TestSandboxApi::notReadyReportIs422()
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

void TestSandboxApi::ticketShapeAndOverrides()
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

QStringList TestSandboxApi::listIds(const QString &query)
{
    QStringList ids;
    const QJsonArray data = api(u"/reports?"_s + query).json()[u"data"_s].toArray();
    for (const QJsonValue &v : data)
        ids.append(v[u"id"_s].toString());
    return ids;
}

void TestSandboxApi::listSeesReportsAddedWhilePaging()
{
    // Pages are slices of one ordering (newest first), computed afresh for each request: reports generated while a
    // client pages shift the later pages, predictably. A sync client has to cope with repeats and gaps.
    const QStringList first = listIds(u"page=1&limit=10"_s);
    QCOMPARE(first.size(), 10);
    const QStringList before = listIds(u"page=2&limit=10"_s);
    for (int i = 0; i < 3; ++i) {
        SandboxReport fresh = makeReport(u"report_new00%1"_s.arg(i), "new\n");
        fresh.createdAt = QDateTime(QDate(2030, 1, 1), QTime(0, i), Qt::UTC);
        m_server->addReport(fresh);
    }
    SandboxReport oldest = makeReport(u"report_old001"_s, "old\n");
    oldest.createdAt = QDateTime(QDate(2000, 1, 1), QTime(0, 0), Qt::UTC);
    m_server->addReport(oldest);

    const Result second = api(u"/reports?page=2&limit=10"_s);
    QCOMPARE(second.json()[u"pagination"_s][u"total"_s].toInt(), 41);
    QCOMPARE(second.json()[u"pagination"_s][u"pages"_s].toInt(), 5);
    QStringList ids;
    for (const QJsonValue &v : second.json()[u"data"_s].toArray())
        ids.append(v[u"id"_s].toString());
    // The last three of page 1 come again, then what page 2 had before, less its last three.
    QCOMPARE(ids.mid(0, 3), first.mid(7));
    QCOMPARE(ids.mid(3), before.mid(0, 7));
    QCOMPARE(listIds(u"page=1&limit=3"_s), QStringList({u"report_new002"_s, u"report_new001"_s, u"report_new000"_s}));
    QCOMPARE(listIds(u"page=5&limit=10"_s).last(), u"report_old001"_s);
    // The same question gives the same answer.
    QCOMPARE(listIds(u"page=2&limit=10"_s), ids);
}

void TestSandboxApi::listOrderIsDeterministicForEqualTimes()
{
    m_server->clearReports();
    const QStringList added{u"report_ccc"_s, u"report_aaa"_s, u"report_bbb"_s, u"report_ddd"_s};
    for (const QString &id : added) {
        SandboxReport r = makeReport(id, "x");
        if (id == u"report_ddd"_s)
            r.createdAt = r.createdAt.addSecs(-1);
        m_server->addReport(r);
    }
    // Equal creation times are ordered by id, whatever order they were added in.
    const QStringList expected{u"report_aaa"_s, u"report_bbb"_s, u"report_ccc"_s, u"report_ddd"_s};
    QCOMPARE(listIds(u"limit=100"_s), expected);
    QCOMPARE(listIds(u"limit=2&page=1"_s) + listIds(u"limit=2&page=2"_s), expected);
    QVERIFY(listIds(u"limit=2&page=3"_s).isEmpty());
}

void TestSandboxApi::listUnknownTypeIsEmpty()
{
    const Result r = api(u"/reports?type=nonexistent"_s);
    QCOMPARE(r.status, 200);
    QVERIFY(r.json()[u"data"_s].toArray().isEmpty());
    QCOMPARE(r.json()[u"pagination"_s][u"total"_s].toInt(), 0);
    QCOMPARE(r.json()[u"pagination"_s][u"pages"_s].toInt(), 0);
    // Type and paging combine: every page of one type holds only that type, and together all of them.
    const int total = api(u"/reports?type=financial"_s).json()[u"pagination"_s][u"total"_s].toInt();
    QVERIFY(total > 4);
    QStringList all;
    for (int page = 1; page <= (total + 3) / 4; ++page)
        all += listIds(u"type=financial&limit=4&page=%1"_s.arg(page));
    all.removeDuplicates();
    QCOMPARE(all.size(), total);
    for (const QString &id : std::as_const(all))
        QCOMPARE(m_server->report(id)->type, u"financial"_s);
}

void TestSandboxApi::reportCompletesAfterPolls()
{
    SandboxClock clock;
    m_server->setClock(clock.function());
    SandboxReport pending = makeReport(u"report_wait01"_s, "ready,at,last\n");
    pending.status = u"pending"_s;
    pending.downloadAvailable = false;
    pending.generatedAt = {};
    pending.completesAfterPolls = 3;
    m_server->addReport(pending);
    auto status = [this] {
        return api(u"/reports/report_wait01"_s).json()[u"data"_s].toObject();
    };

    // Listing and asking for the ticket are not polls.
    for (int i = 0; i < 5; ++i) {
        QVERIFY(listIds(u"limit=100"_s).contains(u"report_wait01"_s));
        QCOMPARE(api(u"/reports/download/report_wait01"_s).status, 422);
    }
    for (int poll = 1; poll <= 2; ++poll) {
        const QJsonObject data = status();
        QCOMPARE(data[u"status"_s].toString(), u"pending"_s);
        QCOMPARE(data[u"download_available"_s].toBool(), false);
        QVERIFY(data[u"generated_at"_s].isNull());
        clock.advance(30s);
    }
    const QJsonObject done = status();
    QCOMPARE(done[u"status"_s].toString(), u"completed"_s);
    QCOMPARE(done[u"download_available"_s].toBool(), true);
    QCOMPARE(done[u"generated_at"_s].toString(), u"2024-02-01T12:01:00Z"_s);
    // It stays completed, everywhere.
    QCOMPARE(status()[u"status"_s].toString(), u"completed"_s);
    QCOMPARE(m_server->report(u"report_wait01"_s)->status, u"completed"_s);
    const QJsonArray list = api(u"/reports?limit=100"_s).json()[u"data"_s].toArray();
    const auto listed = std::find_if(list.begin(), list.end(),
                                     [](const QJsonValue &v) { return v[u"id"_s].toString() == u"report_wait01"_s; });
    QVERIFY(listed != list.end());
    QCOMPARE((*listed)[u"status"_s].toString(), u"completed"_s);
    QCOMPARE(get(ticketUrl(u"report_wait01"_s)).body, "ready,at,last\n"_ba);

    // Without the field a pending report stays pending however often it is polled.
    for (int i = 0; i < 10; ++i)
        QCOMPARE(api(u"/reports/report_pend01"_s).json()[u"data"_s][u"status"_s].toString(), u"processing"_s);
}

void TestSandboxApi::refusedPollsDoNotCount()
{
    SandboxReport pending = makeReport(u"report_wait02"_s, "x");
    pending.status = u"processing"_s;
    pending.downloadAvailable = false;
    pending.completesAfterPolls = 2;
    m_server->addReport(pending);
    SandboxReport foreign = pending;
    foreign.id = u"report_wait03"_s;
    foreign.ownerCompany = u"acme"_s;
    m_server->addReport(foreign);

    QCOMPARE(api(u"/reports/report_wait02"_s, QString()).status, 401);
    m_server->addToken(u"writer"_s, {u"reports:write"_s});
    QCOMPARE(api(u"/reports/report_wait02"_s, u"writer"_s).status, 403);
    m_server->setRateLimit(1, 3600);
    QCOMPARE(api(u"/reports"_s).status, 200);
    QCOMPARE(api(u"/reports/report_wait02"_s).status, 429);
    m_server->setRateLimit(1000, 3600);
    QCOMPARE(api(u"/reports/report_wait02"_s).json()[u"data"_s][u"status"_s].toString(), u"processing"_s);
    QCOMPARE(api(u"/reports/report_wait02"_s).json()[u"data"_s][u"status"_s].toString(), u"completed"_s);
    // Another company's report answers 403 and never completes.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(api(u"/reports/report_wait03"_s).status, 403);
    QCOMPARE(m_server->report(u"report_wait03"_s)->status, u"processing"_s);
}

void TestSandboxApi::replacingAReportRestartsItsPolls()
{
    SandboxReport pending = makeReport(u"report_wait04"_s, "x");
    pending.status = u"processing"_s;
    pending.downloadAvailable = false;
    pending.completesAfterPolls = 2;
    m_server->addReport(pending);
    QCOMPARE(api(u"/reports/report_wait04"_s).json()[u"data"_s][u"status"_s].toString(), u"processing"_s);
    m_server->addReport(pending); // counted afresh
    QCOMPARE(api(u"/reports/report_wait04"_s).json()[u"data"_s][u"status"_s].toString(), u"processing"_s);
    QCOMPARE(api(u"/reports/report_wait04"_s).json()[u"data"_s][u"status"_s].toString(), u"completed"_s);
    // So does clearing the catalogue.
    m_server->addReport(pending);
    QCOMPARE(api(u"/reports/report_wait04"_s).json()[u"data"_s][u"status"_s].toString(), u"processing"_s);
    m_server->clearReports();
    m_server->addReport(pending);
    QCOMPARE(api(u"/reports/report_wait04"_s).json()[u"data"_s][u"status"_s].toString(), u"processing"_s);
    QCOMPARE(api(u"/reports/report_wait04"_s).json()[u"data"_s][u"status"_s].toString(), u"completed"_s);
}

QTEST_GUILESS_MAIN(TestSandboxApi)
#include "tst_sandboxapi.moc"
