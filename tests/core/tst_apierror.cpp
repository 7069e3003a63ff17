#include "RetryPolicy.h"
#include "api/ApiError.h"
#include "api/UrlPolicy.h"

#include <QTest>

using namespace getbill;
using namespace std::chrono_literals;

class TestApiError : public QObject
{
    Q_OBJECT
private slots:
    void envelopeMessageAndDetails();
    void htmlBodyKeepsAFriendlyMessage();
    void retryAfterFromDetailsHeaderOrReset();
    void categories_data();
    void categories();
    void hugeMessagesAreBounded();
    void retryPolicy();
    void urlPolicy();
};

void TestApiError::envelopeMessageAndDetails()
{
    const ApiError e = ApiError::fromHttp(
        422, R"({"error":true,"message":"Validation failed","code":422,"details":{"limit":["must be at most 100"]}})",
        RateLimit());
    QCOMPARE(e.httpStatus(), 422);
    QCOMPARE(e.message(), QStringLiteral("Validation failed"));
    QCOMPARE(e.detailedMessage(), QStringLiteral("Validation failed (limit: must be at most 100)"));
    QCOMPARE(e.category(), ApiError::Category::Refused);
}

void TestApiError::htmlBodyKeepsAFriendlyMessage()
{
    const ApiError e = ApiError::fromHttp(502, "<html><h1>Bad Gateway</h1></html>", RateLimit());
    QVERIFY(e.message().contains(QLatin1String("502")));
    QVERIFY(!e.message().contains(QLatin1String("<")));
    QVERIFY(e.isRetryable());
}

void TestApiError::retryAfterFromDetailsHeaderOrReset()
{
    const QByteArray body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
        "details":{"retry_after":1800,"limit":1000,"reset_time":"2024-02-01T13:00:00Z"}})";
    ApiError e = ApiError::fromHttp(429, body, RateLimit());
    QCOMPARE(e.retryAfterSeconds(), 1800);
    QCOMPARE(e.detailedMessage(), QStringLiteral("Rate limit exceeded. Please try again later."));
    e = ApiError::fromHttp(429, "", RateLimit(), "7");
    QCOMPARE(e.retryAfterSeconds(), 7);
    RateLimit rl;
    rl.resetEpoch = QDateTime::currentSecsSinceEpoch() + 30;
    e = ApiError::fromHttp(429, "", rl);
    QVERIFY(e.retryAfterSeconds().has_value());
    QVERIFY(*e.retryAfterSeconds() >= 28 && *e.retryAfterSeconds() <= 30);
    e = ApiError::fromHttp(503, "", RateLimit(), "soon");
    QVERIFY(!e.retryAfterSeconds().has_value());
}

void TestApiError::categories_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("category");
    QTest::newRow("400") << 400 << int(ApiError::Category::Refused);
    QTest::newRow("401") << 401 << int(ApiError::Category::NotAuthenticated);
    QTest::newRow("403") << 403 << int(ApiError::Category::Refused);
    QTest::newRow("404") << 404 << int(ApiError::Category::Refused);
    QTest::newRow("422") << 422 << int(ApiError::Category::Refused);
    QTest::newRow("429") << 429 << int(ApiError::Category::Transient);
    QTest::newRow("500") << 500 << int(ApiError::Category::Transient);
    QTest::newRow("504") << 504 << int(ApiError::Category::Transient);
}

void TestApiError::categories()
{
    QFETCH(int, status);
    QFETCH(int, category);
    QCOMPARE(int(ApiError::fromHttp(status, {}, RateLimit()).category()), category);
}

void TestApiError::hugeMessagesAreBounded()
{
    const QByteArray body = R"({"error":true,"message":")" + QByteArray(100000, 'x') + R"("})";
    const ApiError e = ApiError::fromHttp(400, body, RateLimit());
    QVERIFY(e.message().size() <= 501);
}

void TestApiError::retryPolicy()
{
    RetryPolicy p;
    p.maxAttempts = 3;
    p.baseDelay = 100ms;
    p.maxDelay = 1000ms;
    p.maxServerWait = 60s;
    const ApiError transient(ApiError::Kind::Network, QStringLiteral("x"));
    const auto d1 = p.delayAfter(transient, 1);
    QVERIFY(d1 && *d1 >= 50ms && *d1 <= 100ms);
    const auto d2 = p.delayAfter(transient, 2);
    QVERIFY(d2 && *d2 >= 100ms && *d2 <= 200ms);
    QVERIFY(!p.delayAfter(transient, 3)); // attempts used up
    QVERIFY(!p.delayAfter(ApiError::fromHttp(404, {}, RateLimit()), 1));
    QVERIFY(!p.delayAfter(ApiError(ApiError::Kind::Cancelled, QStringLiteral("c")), 1));
    QVERIFY(!p.delayAfter(ApiError(ApiError::Kind::LocalFile, QStringLiteral("l")), 1));
    QCOMPARE(p.delayAfter(ApiError::fromHttp(429, {}, RateLimit(), "5"), 1), std::optional(5000ms));
    QVERIFY(!p.delayAfter(ApiError::fromHttp(429, {}, RateLimit(), "3600"), 1)); // beyond the bound: fail now
    p.maxAttempts = 30;
    QVERIFY(*p.delayAfter(transient, 25) <= 1000ms); // capped, no overflow
}

void TestApiError::urlPolicy()
{
    QVERIFY(UrlPolicy::isAllowed(QUrl(QStringLiteral("https://getbill.io/x"))));
    QVERIFY(UrlPolicy::isAllowed(QUrl(QStringLiteral("http://127.0.0.1:8080/x"))));
    QVERIFY(UrlPolicy::isAllowed(QUrl(QStringLiteral("http://127.9.9.9/x"))));
    QVERIFY(UrlPolicy::isAllowed(QUrl(QStringLiteral("http://localhost/x"))));
    QVERIFY(UrlPolicy::isAllowed(QUrl(QStringLiteral("http://[::1]:1/x"))));
    QVERIFY(!UrlPolicy::isAllowed(QUrl(QStringLiteral("http://getbill.io/x"))));
    QVERIFY(!UrlPolicy::isAllowed(QUrl(QStringLiteral("http://localhost.evil.com/x"))));
    QVERIFY(!UrlPolicy::isAllowed(QUrl(QStringLiteral("http://10.0.0.1/x"))));
    QVERIFY(!UrlPolicy::isAllowed(QUrl(QStringLiteral("ftp://getbill.io/x"))));
    QVERIFY(
        UrlPolicy::isSameOrigin(QUrl(QStringLiteral("https://a.io/x")), QUrl(QStringLiteral("https://A.io:443/y"))));
    QVERIFY(
        !UrlPolicy::isSameOrigin(QUrl(QStringLiteral("https://a.io/x")), QUrl(QStringLiteral("https://a.io:8443/"))));
    QVERIFY(!UrlPolicy::isSameOrigin(QUrl(QStringLiteral("https://a.io/x")), QUrl(QStringLiteral("http://a.io/x"))));
    QCOMPARE(UrlPolicy::redacted(QUrl(QStringLiteral("https://u:p@d.io/r/1?signature=abc#f"))),
             QStringLiteral("https://d.io/r/1"));
}

QTEST_APPLESS_MAIN(TestApiError)
#include "tst_apierror.moc"
