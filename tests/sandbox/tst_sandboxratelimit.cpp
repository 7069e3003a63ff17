// The API host's rate limit as GETBILL_API.md documents it: X-RateLimit-* headers on every API answer, a sliding
// window per OAuth client, the 429 envelope, and the optional Retry-After header. Time comes from a SandboxClock.
#include "SandboxTestCase.h"
#include "sandbox/SandboxClock.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace getbill::sandbox;
using namespace getbill::sandbox::test;
using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

class TestSandboxRateLimit : public SandboxTestCase
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void rateLimitAnswers429WithRetryAfter();
    void everyApiAnswerCarriesTheHeaders_data();
    void everyApiAnswerCarriesTheHeaders();
    void tooManyRequestsIsTheDocumentedEnvelope();
    void fractionalTimesRoundToTheSameSecond();
    void windowIsPerOAuthClient();
    void retryAfterHeaderIsASwitch();
    void tokenEndpointIsNotCountedNorLabelled();
    void zeroLimitRefusesEverything();

private:
    Result request(const QByteArray &method, const QString &pathAndQuery, const QString &token);
    void useFakeClock();

    SandboxClock m_clock;
};

void TestSandboxRateLimit::init()
{
    SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY2(startServer(options), qPrintable(m_server->errorString()));
    addStandardReports();
}

void TestSandboxRateLimit::cleanup()
{
    stopServer();
}

void TestSandboxRateLimit::useFakeClock()
{
    m_clock.set(SandboxClock::DefaultStartMsecs);
    m_server->setClock(m_clock.function());
}

Result TestSandboxRateLimit::request(const QByteArray &method, const QString &pathAndQuery, const QString &token)
{
    // "origin:/x" is /x on the API's origin, outside the API's path; anything else is relative to the API URL.
    const QString origin = m_server->apiUrl().adjusted(QUrl::RemovePath).toString();
    QNetworkRequest r(pathAndQuery.startsWith(u"origin:"_s) ? QUrl(origin + pathAndQuery.mid(7)) : url(pathAndQuery));
    if (!token.isEmpty())
        r.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    return run(m_nam->sendCustomRequest(r, method, method == "POST" ? QByteArray("{}") : QByteArray()));
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxRateLimit::rateLimitAnswers429WithRetryAfter()
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

void TestSandboxRateLimit::everyApiAnswerCarriesTheHeaders_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path"); ///< see request()
    QTest::addColumn<QString>("token");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("counted"); ///< charged to the token's window

    const QString demo = SandboxServer::demoToken();
    QTest::newRow("list") << "GET"_ba << u"/reports?limit=5"_s << demo << 200 << true;
    QTest::newRow("report") << "GET"_ba << u"/reports/report_abc123"_s << demo << 200 << true;
    QTest::newRow("ticket") << "GET"_ba << u"/reports/download/report_abc123"_s << demo << 200 << true;
    QTest::newRow("HEAD report") << "HEAD"_ba << u"/reports/report_abc123"_s << demo << 200 << true;
    QTest::newRow("report not found") << "GET"_ba << u"/reports/report_zzzzzz"_s << demo << 404 << true;
    QTest::newRow("unknown path") << "GET"_ba << u"/nothing"_s << demo << 404 << true;
    QTest::newRow("outside the API") << "GET"_ba << u"origin:/external-apis/v1/reports"_s << demo << 404 << false;
    QTest::newRow("token path on the API") << "GET"_ba << u"/token"_s << demo << 404 << true;
    QTest::newRow("no token") << "GET"_ba << u"/reports"_s << QString() << 401 << false;
    QTest::newRow("unknown token") << "GET"_ba << u"/reports"_s << u"nope"_s << 401 << false;
    QTest::newRow("no scope") << "GET"_ba << u"/reports"_s << u"writer"_s << 403 << true;
    QTest::newRow("foreign report") << "GET"_ba << u"/reports/report_other1"_s << demo << 403 << true;
    QTest::newRow("POST") << "POST"_ba << u"/reports"_s << demo << 405 << true;
    QTest::newRow("validation") << "GET"_ba << u"/reports?limit=500"_s << demo << 422 << true;
    QTest::newRow("not ready") << "GET"_ba << u"/reports/download/report_pend01"_s << demo << 422 << true;
    QTest::newRow("server error") << "GET"_ba << u"/reports/download/report_abc123"_s << demo << 500 << true;
}

void TestSandboxRateLimit::everyApiAnswerCarriesTheHeaders()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, token);
    QFETCH(int, status);
    QFETCH(bool, counted);
    useFakeClock();
    m_server->setRateLimit(50, 900);
    m_server->addToken(u"writer"_s, {u"reports:write"_s});
    QTemporaryDir root;
    if (status == 500) {
        // A download host whose folder cannot be made (a file stands in its way): the ticket fails.
        QFile blocker(root.filePath(u"file"_s));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        m_server->setExternalDownloadHost(
            ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", blocker.fileName() + u"/sub"_s});
    }
    m_clock.advance(1500ms);

    const Result r = request(method, path, token);
    QCOMPARE(r.status, status);
    if (method != "HEAD")
        QCOMPARE(r.json()[u"error"_s].toBool(), status != 200);
    QCOMPARE(r.header("X-RateLimit-Limit"), "50"_ba);
    QCOMPARE(r.header("X-RateLimit-Window"), "900"_ba);
    QCOMPARE(r.header("X-RateLimit-Remaining"), counted ? "49"_ba : "50"_ba);
    // Unix time: a full window after this request (the clock stands at 12:00:01.5), rounded up to the second.
    QCOMPARE(r.header("X-RateLimit-Reset"), QByteArray::number(SandboxClock::DefaultStartMsecs / 1000 + 902));
    QVERIFY(!r.headers.contains("retry-after"));

    // Whether it was charged shows on the next request of the same token.
    if (!token.isEmpty() && token != u"nope"_s)
        QCOMPARE(api(u"/reports"_s, token).header("X-RateLimit-Remaining"), counted ? "48"_ba : "49"_ba);
}

void TestSandboxRateLimit::tooManyRequestsIsTheDocumentedEnvelope()
{
    useFakeClock();
    m_server->setRateLimit(2, 3600);
    QCOMPARE(api(u"/reports"_s).status, 200);
    m_clock.advance(15min);
    QCOMPARE(api(u"/reports"_s).status, 200);
    m_clock.advance(15min);
    const Result r = api(u"/reports/download/report_abc123"_s);
    QCOMPARE(r.status, 429);
    QCOMPARE(r.header("Content-Type"), "application/json"_ba);
    const QJsonObject expected{
        {u"error"_s, true},
        {u"message"_s, u"Rate limit exceeded. Please try again later."_s},
        {u"code"_s, 429},
        {u"details"_s,
         QJsonObject{{u"retry_after"_s, 1800}, {u"limit"_s, 2}, {u"reset_time"_s, u"2024-02-01T13:00:00Z"_s}}},
    };
    QCOMPARE(r.json(), expected);
    QCOMPARE(r.header("X-RateLimit-Limit"), "2"_ba);
    QCOMPARE(r.header("X-RateLimit-Remaining"), "0"_ba);
    QCOMPARE(r.header("X-RateLimit-Window"), "3600"_ba);
    QCOMPARE(r.header("X-RateLimit-Reset").toLongLong(),
             QDateTime(QDate(2024, 2, 1), QTime(13, 0), Qt::UTC).toSecsSinceEpoch());
    // A refused request is not counted: the window frees at the same moment however often the client asks.
    m_clock.advance(10min);
    QCOMPARE(api(u"/reports"_s).json()[u"details"_s][u"reset_time"_s].toString(), u"2024-02-01T13:00:00Z"_s);
    m_clock.advance(20min);
    QCOMPARE(api(u"/reports"_s).status, 200);
}

void TestSandboxRateLimit::fractionalTimesRoundToTheSameSecond()
{
    useFakeClock();
    m_server->setRateLimit(1, 3600);
    m_clock.advance(500ms);
    QCOMPARE(api(u"/reports"_s).status, 200); // leaves the window at 13:00:00.5
    m_clock.advance(10s - 250ms);             // 12:00:10.25
    const Result r = api(u"/reports"_s);
    QCOMPARE(r.status, 429);
    const qint64 reset = r.header("X-RateLimit-Reset").toLongLong();
    QCOMPARE(reset, SandboxClock::DefaultStartMsecs / 1000 + 3601);
    QCOMPARE(r.json()[u"details"_s][u"reset_time"_s].toString(), u"2024-02-01T13:00:01Z"_s);
    // Waiting retry_after seconds from now always reaches the reset.
    const int retryAfter = r.json()[u"details"_s][u"retry_after"_s].toInt();
    QCOMPARE(retryAfter, 3591);
    QCOMPARE(m_clock.secsSinceEpoch() + retryAfter, reset);
    m_clock.advance(std::chrono::seconds(retryAfter));
    QCOMPARE(api(u"/reports"_s).status, 200);
}

void TestSandboxRateLimit::windowIsPerOAuthClient()
{
    useFakeClock();
    m_server->setRateLimit(3, 3600);
    m_server->addClient(u"alpha"_s, u"a"_s);
    m_server->addClient(u"beta"_s, u"b"_s);
    auto issue = [this](const QByteArray &id, const QByteArray &secret) {
        return postToken("grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret)
            .json()[u"access_token"_s]
            .toString();
    };
    const QString alpha1 = issue("alpha", "a");
    const QString alpha2 = issue("alpha", "a"); // a refreshed token of the same client
    const QString beta = issue("beta", "b");
    QVERIFY(!alpha1.isEmpty() && !alpha2.isEmpty() && alpha1 != alpha2 && !beta.isEmpty());

    QCOMPARE(api(u"/reports"_s, alpha1).header("X-RateLimit-Remaining"), "2"_ba);
    QCOMPARE(api(u"/reports"_s, alpha2).header("X-RateLimit-Remaining"), "1"_ba);
    QCOMPARE(api(u"/reports"_s, alpha1).header("X-RateLimit-Remaining"), "0"_ba);
    // A new token does not buy a new window.
    QCOMPARE(api(u"/reports"_s, alpha2).status, 429);
    QCOMPARE(api(u"/reports"_s, issue("alpha", "a")).status, 429);
    // Another client, the demo token and tokens added by tests count on their own.
    QCOMPARE(api(u"/reports"_s, beta).header("X-RateLimit-Remaining"), "2"_ba);
    QCOMPARE(api(u"/reports"_s).header("X-RateLimit-Remaining"), "2"_ba);
    m_server->addToken(u"c:alpha"_s); // cannot pass for the client's window
    QCOMPARE(api(u"/reports"_s, u"c:alpha"_s).header("X-RateLimit-Remaining"), "2"_ba);
}

void TestSandboxRateLimit::retryAfterHeaderIsASwitch()
{
    useFakeClock();
    m_server->setRateLimit(1, 60);
    QCOMPARE(api(u"/reports"_s).status, 200);
    m_clock.advance(20s);
    const Result without = api(u"/reports"_s);
    QCOMPARE(without.status, 429);
    QVERIFY(!without.headers.contains("retry-after"));

    m_server->setRetryAfterHeader(true);
    const Result with = api(u"/reports"_s);
    QCOMPARE(with.status, 429);
    QCOMPARE(with.header("Retry-After"), "40"_ba);
    QCOMPARE(with.json()[u"details"_s][u"retry_after"_s].toInt(), 40);
    // Only a 429 carries it.
    m_clock.advance(40s);
    const Result ok = api(u"/reports"_s);
    QCOMPARE(ok.status, 200);
    QVERIFY(!ok.headers.contains("retry-after"));
    QCOMPARE(api(u"/reports/report_zzzzzz"_s).status, 429);
    QVERIFY(!api(u"/nothing"_s, QString()).headers.contains("retry-after"));

    m_server->setRetryAfterHeader(false);
    const Result off = api(u"/reports"_s);
    QCOMPARE(off.status, 429);
    QVERIFY(!off.headers.contains("retry-after"));
}

void TestSandboxRateLimit::tokenEndpointIsNotCountedNorLabelled()
{
    // GETBILL_API.md documents the limit and its headers for the API's reads; the token endpoint is the OAuth
    // server's (RFC 6749 errors, not GetBill's envelope) and says nothing of them.
    useFakeClock();
    m_server->setRateLimit(1, 3600);
    m_server->addClient(u"c"_s, u"s"_s);
    for (int i = 0; i < 3; ++i) {
        const Result r = postToken("grant_type=client_credentials&client_id=c&client_secret=s");
        QCOMPARE(r.status, 200);
        for (const QByteArray &name : r.headers.keys())
            QVERIFY2(!name.startsWith("x-ratelimit"), name.constData());
    }
    const Result refused = postToken("grant_type=client_credentials&client_id=c&client_secret=wrong");
    QCOMPARE(refused.status, 401);
    QVERIFY(!refused.headers.contains("x-ratelimit-limit"));
    const Result first = api(
        u"/reports"_s,
        postToken("grant_type=client_credentials&client_id=c&client_secret=s").json()[u"access_token"_s].toString());
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("X-RateLimit-Remaining"), "0"_ba);
}

void TestSandboxRateLimit::zeroLimitRefusesEverything()
{
    useFakeClock();
    for (const int limit : {0, -5}) {
        m_server->setRateLimit(limit, 0); // the window is at least a second
        const Result r = api(u"/reports"_s);
        QCOMPARE(r.status, 429);
        QCOMPARE(r.header("X-RateLimit-Limit"), "0"_ba);
        QCOMPARE(r.header("X-RateLimit-Window"), "1"_ba);
        QCOMPARE(r.json()[u"details"_s][u"retry_after"_s].toInt(), 1);
        QCOMPARE(r.json()[u"details"_s][u"limit"_s].toInt(), 0);
    }
}

QTEST_GUILESS_MAIN(TestSandboxRateLimit)
#include "tst_sandboxratelimit.moc"
