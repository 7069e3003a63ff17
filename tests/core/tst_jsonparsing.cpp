#include "api/JsonParsing.h"

#include <QTest>

using namespace getbill;

class TestJsonParsing : public QObject
{
    Q_OBJECT
private slots:
    void listPageWithPagination();
    void listToleratesUnknownAndMissingOptionalFields();
    void listRejectsWrongTypes_data();
    void listRejectsWrongTypes();
    void htmlAndTruncatedBodies_data();
    void htmlAndTruncatedBodies();
    void errorEnvelopeInSuccessBody();
    void reportBody();
    void ticketBody();
    void ticketRejectsInsecureOrBrokenUrls_data();
    void ticketRejectsInsecureOrBrokenUrls();
    void ticketRequiresSize();
    void reportIdPlausibility();
};

void TestJsonParsing::listPageWithPagination()
{
    const QByteArray body = R"({"error":false,"data":[
        {"id":"report_abc123","type":"financial","title":"Jan","status":"completed","filename":"a.pdf",
         "file_size":245760,"mime_type":"application/pdf","period_from":"2024-01-01","period_to":"2024-01-31",
         "generated_at":"2024-02-01T09:30:00Z","created_at":"2024-02-01T09:30:00Z","download_available":true}],
        "pagination":{"total":57,"page":2,"limit":20,"pages":3}})";
    ReportPage page;
    ApiError error;
    QVERIFY(json::parseReportPage(body, &page, &error));
    QCOMPARE(page.reports.size(), 1);
    QCOMPARE(page.total, 57);
    QCOMPARE(page.page, 2);
    QCOMPARE(page.pages, 3);
    const Report &r = page.reports.first();
    QCOMPARE(r.id, QStringLiteral("report_abc123"));
    QCOMPARE(r.fileSize, 245760);
    QCOMPARE(r.periodFrom, QDate(2024, 1, 1));
    QCOMPARE(r.generatedAt, QDateTime(QDate(2024, 2, 1), QTime(9, 30), Qt::UTC));
    QVERIFY(r.canDownload());
    QCOMPARE(r.json.value(QLatin1String("mime_type")).toString(), QStringLiteral("application/pdf"));
}

void TestJsonParsing::listToleratesUnknownAndMissingOptionalFields()
{
    const QByteArray body = R"({"data":[{"id":"r1","brand_new_field":{"x":1},"title":null}]})";
    ReportPage page;
    ApiError error;
    QVERIFY(json::parseReportPage(body, &page, &error));
    QCOMPARE(page.reports.size(), 1);
    QCOMPARE(page.pages, 1);
    QCOMPARE(page.reports.first().fileSize, -1);
    QVERIFY(!page.reports.first().canDownload());
    QVERIFY(page.reports.first().json.contains(QLatin1String("brand_new_field")));
}

void TestJsonParsing::listRejectsWrongTypes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("size as text") << QByteArray(R"({"data":[{"id":"r1","file_size":"12"}]})") << "file_size";
    QTest::newRow("negative size") << QByteArray(R"({"data":[{"id":"r1","file_size":-5}]})") << "file_size";
    QTest::newRow("fractional size") << QByteArray(R"({"data":[{"id":"r1","file_size":1.5}]})") << "file_size";
    QTest::newRow("id number") << QByteArray(R"({"data":[{"id":42}]})") << "id";
    QTest::newRow("id traversal") << QByteArray(R"({"data":[{"id":"../x"}]})") << "id";
    QTest::newRow("title object") << QByteArray(R"({"data":[{"id":"r1","title":{}}]})") << "title";
    QTest::newRow("available as text") << QByteArray(R"({"data":[{"id":"r1","download_available":"yes"}]})")
                                       << "download_available";
    QTest::newRow("data object") << QByteArray(R"({"data":{"id":"r1"}})") << "list";
    QTest::newRow("pages text") << QByteArray(R"({"data":[],"pagination":{"pages":"3"}})") << "pages";
    QTest::newRow("item not object") << QByteArray(R"({"data":[1]})") << "object";
}

void TestJsonParsing::listRejectsWrongTypes()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    ReportPage page;
    ApiError error;
    QVERIFY(!json::parseReportPage(body, &page, &error));
    QCOMPARE(error.kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(error.message().contains(mentions), qPrintable(error.message()));
    QVERIFY(error.isRetryable());
}

void TestJsonParsing::htmlAndTruncatedBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("html") << QByteArray("<html><body>502 Bad Gateway</body></html>") << "HTML";
    QTest::newRow("truncated") << QByteArray(R"({"error":false,"data":[{"id":"r1")") << "not valid JSON";
    QTest::newRow("empty") << QByteArray() << "not valid JSON";
    QTest::newRow("array") << QByteArray("[]") << "not a JSON object";
}

void TestJsonParsing::htmlAndTruncatedBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    ReportPage page;
    Report report;
    DownloadTicket ticket;
    ApiError e1, e2, e3;
    QVERIFY(!json::parseReportPage(body, &page, &e1));
    QVERIFY(!json::parseReportBody(body, &report, &e2));
    QVERIFY(!json::parseTicketBody(body, &ticket, &e3));
    for (const ApiError &e : {e1, e2, e3}) {
        QCOMPARE(e.kind(), ApiError::Kind::InvalidResponse);
        QVERIFY2(e.message().contains(mentions), qPrintable(e.message()));
        QVERIFY(!e.message().contains(QLatin1String("502 Bad Gateway"))); // never raw bodies
    }
}

void TestJsonParsing::errorEnvelopeInSuccessBody()
{
    Report report;
    ApiError error;
    const QByteArray body = R"({"error":true,"message":"Access denied to this report","code":403})";
    QVERIFY(!json::parseReportBody(body, &report, &error));
    QCOMPARE(error.kind(), ApiError::Kind::Http);
    QCOMPARE(error.httpStatus(), 403);
    QCOMPARE(error.message(), QStringLiteral("Access denied to this report"));
}

void TestJsonParsing::reportBody()
{
    Report report;
    ApiError error;
    const QByteArray processing = R"({"error":false,"message":"Success","data":{"id":"r9","status":"processing"}})";
    const QByteArray listInstead = R"({"error":false,"data":[]})";
    QVERIFY(json::parseReportBody(processing, &report, &error));
    QCOMPARE(report.id, QStringLiteral("r9"));
    QVERIFY(!report.isCompleted());
    QVERIFY(!json::parseReportBody(listInstead, &report, &error));
    QVERIFY(error.message().contains(QLatin1String("missing")));
}

void TestJsonParsing::ticketBody()
{
    const QByteArray body = R"({"error":false,"message":"Report download information retrieved","data":{
        "id":"report_abc123","filename":"financial_summary_2024_01.pdf","file_size":245760,
        "mime_type":"application/pdf",
        "download_url":"https://secure-downloads.getbill.io/reports/abc123def456?expires=1706789400&signature=sha256hash",
        "expires_at":"2024-02-01T12:30:00Z"}})";
    DownloadTicket t;
    ApiError error;
    QVERIFY(json::parseTicketBody(body, &t, &error));
    QCOMPARE(t.id, QStringLiteral("report_abc123"));
    QCOMPARE(t.fileSize, 245760);
    QCOMPARE(t.downloadUrl.host(), QStringLiteral("secure-downloads.getbill.io"));
    QCOMPARE(t.expiresAt, QDateTime(QDate(2024, 2, 1), QTime(12, 30), Qt::UTC));
    QVERIFY(t.expiresWithin(60, QDateTime(QDate(2024, 2, 1), QTime(12, 29, 30), Qt::UTC)));
    QVERIFY(!t.expiresWithin(60, QDateTime(QDate(2024, 2, 1), QTime(11, 0), Qt::UTC)));
}

void TestJsonParsing::ticketRejectsInsecureOrBrokenUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("kind");
    QTest::newRow("http public") << "http://downloads.example.com/f?sig=1" << int(ApiError::Kind::InsecureUrl);
    QTest::newRow("ftp") << "ftp://downloads.example.com/f" << int(ApiError::Kind::InsecureUrl);
    QTest::newRow("file") << "file:///etc/passwd" << int(ApiError::Kind::InvalidResponse);
    QTest::newRow("relative") << "/reports/x" << int(ApiError::Kind::InvalidResponse);
    QTest::newRow("not a url") << "not a url at all" << int(ApiError::Kind::InvalidResponse);
    QTest::newRow("javascript") << "javascript:alert(1)" << int(ApiError::Kind::InvalidResponse);
}

void TestJsonParsing::ticketRejectsInsecureOrBrokenUrls()
{
    QFETCH(QString, url);
    QFETCH(int, kind);
    const QByteArray body = R"({"data":{"id":"r1","file_size":10,"download_url":")" + url.toUtf8() + R"("}})";
    DownloadTicket t;
    ApiError error;
    QVERIFY(!json::parseTicketBody(body, &t, &error));
    QCOMPARE(int(error.kind()), kind);
    QVERIFY(!error.message().contains(url)); // the URL may carry a signature: never echoed
}

void TestJsonParsing::ticketRequiresSize()
{
    DownloadTicket t;
    ApiError error;
    const QByteArray noSize = R"({"data":{"id":"r1","download_url":"https://d.example/x"}})";
    const QByteArray textSize = R"({"data":{"id":"r1","file_size":"10","download_url":"https://d.example/x"}})";
    const QByteArray emptyLoopback = R"({"data":{"id":"r1","file_size":0,"download_url":"http://127.0.0.1:1/x"}})";
    QVERIFY(!json::parseTicketBody(noSize, &t, &error));
    QVERIFY(error.message().contains(QLatin1String("file_size")));
    QVERIFY(!json::parseTicketBody(textSize, &t, &error));
    QVERIFY(json::parseTicketBody(emptyLoopback, &t, &error));
}

void TestJsonParsing::reportIdPlausibility()
{
    QVERIFY(json::isPlausibleReportId(QStringLiteral("report_abc123")));
    QVERIFY(json::isPlausibleReportId(QStringLiteral("R-1.2:3")));
    QVERIFY(!json::isPlausibleReportId(QString()));
    QVERIFY(!json::isPlausibleReportId(QStringLiteral("..")));
    QVERIFY(!json::isPlausibleReportId(QStringLiteral("a/b")));
    QVERIFY(!json::isPlausibleReportId(QStringLiteral("a b")));
    QVERIFY(!json::isPlausibleReportId(QStringLiteral("a?b")));
    QVERIFY(!json::isPlausibleReportId(QString(201, QLatin1Char('x'))));
    QVERIFY(!json::isPlausibleReportId(QStringLiteral("r\u00e9")));
}

QTEST_APPLESS_MAIN(TestJsonParsing)
#include "tst_jsonparsing.moc"
