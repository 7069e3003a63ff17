// Time in the sandbox comes from one replaceable clock: rate-limit windows, token lifetimes and link expiry follow
// a SandboxClock that the test advances, so no test waits in real time.
#include "SandboxTestCase.h"
#include "sandbox/SandboxClock.h"

#include <QTest>
#include <QUrlQuery>

using namespace getbill::sandbox;
using namespace getbill::sandbox::test;
using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

class TestSandboxClock : public SandboxTestCase
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void clockStartsFixedAndAdvances();
    void clockFunctionOutlivesTheClock();
    void rateLimitWindowFollowsTheClock();
    void linkExpiryFollowsTheClock();
    void tokenExpiryFollowsTheClock();
    void settingTheClockRestartsRateWindows();
    void emptyClockIsTheSystemClock();

private:
    SandboxClock m_clock;
};

void TestSandboxClock::init()
{
    SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY2(startServer(options), qPrintable(m_server->errorString()));
    addStandardReports();
    m_clock.set(SandboxClock::DefaultStartMsecs);
    m_server->setClock(m_clock.function());
}

void TestSandboxClock::cleanup()
{
    stopServer();
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxClock::clockStartsFixedAndAdvances()
{
    const SandboxClock clock;
    QCOMPARE(clock.now(), QDateTime(QDate(2024, 2, 1), QTime(12, 0), Qt::UTC));
    QCOMPARE(clock.secsSinceEpoch(), clock.now().toSecsSinceEpoch());

    SandboxClock moving(1500);
    moving.advance(2s);
    QCOMPARE(moving.msecsSinceEpoch(), 3500);
    QCOMPARE(moving.secsSinceEpoch(), 3);
    moving.advance(-1h); // a wall clock can step back
    QCOMPARE(moving.msecsSinceEpoch(), 3500 - 3600 * 1000);
    QCOMPARE(moving.secsSinceEpoch(), -3597); // rounded down, also before 1970
    moving.set(42);
    QCOMPARE(moving.function()(), 42);
}

void TestSandboxClock::clockFunctionOutlivesTheClock()
{
    std::function<qint64()> read;
    {
        SandboxClock clock(1000);
        read = clock.function();
        clock.advance(5ms);
        QCOMPARE(read(), 1005);
    }
    QCOMPARE(read(), 1005);
}

void TestSandboxClock::rateLimitWindowFollowsTheClock()
{
    m_server->setRateLimit(3, 3600);
    const qint64 start = m_clock.secsSinceEpoch();
    for (int i = 0; i < 3; ++i) {
        const Result r = api(u"/reports"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-RateLimit-Remaining").toInt(), 2 - i);
        // The oldest request leaves the window an hour after it came.
        QCOMPARE(r.header("X-RateLimit-Reset").toLongLong(), start + 3600);
        m_clock.advance(10min);
    }

    const Result limited = api(u"/reports/report_abc123"_s); // 30 minutes after the first
    QCOMPARE(limited.status, 429);
    const QJsonObject details = limited.json()[u"details"_s].toObject();
    QCOMPARE(details[u"retry_after"_s].toInt(), 1800);
    QCOMPARE(details[u"limit"_s].toInt(), 3);
    QCOMPARE(details[u"reset_time"_s].toString(), u"2024-02-01T13:00:00Z"_s);
    QCOMPARE(limited.header("X-RateLimit-Reset").toLongLong(), start + 3600);
    QCOMPARE(limited.header("X-RateLimit-Remaining"), "0"_ba);

    // One second before the first request leaves the window: still refused, a second to wait.
    m_clock.advance(30min - 1s);
    QCOMPARE(api(u"/reports"_s).json()[u"details"_s][u"retry_after"_s].toInt(), 1);
    // Past it, one request goes through; the next waits for the second one to leave.
    m_clock.advance(1s);
    const Result again = api(u"/reports"_s);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.header("X-RateLimit-Remaining"), "0"_ba);
    QCOMPARE(again.header("X-RateLimit-Reset").toLongLong(), start + 600 + 3600);
    const Result next = api(u"/reports"_s);
    QCOMPARE(next.status, 429);
    QCOMPARE(next.json()[u"details"_s][u"retry_after"_s].toInt(), 600);

    // An hour of quiet empties the window.
    m_clock.advance(1h);
    const Result fresh = api(u"/reports"_s);
    QCOMPARE(fresh.status, 200);
    QCOMPARE(fresh.header("X-RateLimit-Remaining"), "2"_ba);
    QCOMPARE(fresh.header("X-RateLimit-Reset").toLongLong(), m_clock.secsSinceEpoch() + 3600);
}

void TestSandboxClock::linkExpiryFollowsTheClock()
{
    m_server->setLinkLifetime(3600);
    const QJsonObject ticket = ticketData(u"report_abc123"_s);
    const QUrl link(ticket[u"download_url"_s].toString());
    QCOMPARE(QUrlQuery(link).queryItemValue(u"expires"_s).toLongLong(), m_clock.secsSinceEpoch() + 3600);
    QCOMPARE(ticket[u"expires_at"_s].toString(), u"2024-02-01T13:00:00Z"_s);
    QCOMPARE(get(link).status, 200);

    m_clock.advance(1h - 1ms);
    QCOMPARE(get(link).status, 200);
    m_clock.advance(1ms);
    const Result expired = get(link);
    QCOMPARE(expired.status, 403);
    QCOMPARE(expired.body.trimmed(), "Request has expired"_ba);
    // A fresh ticket counts from the clock's new time.
    QCOMPARE(ticketData(u"report_abc123"_s)[u"expires_at"_s].toString(), u"2024-02-01T14:00:00Z"_s);
}

void TestSandboxClock::tokenExpiryFollowsTheClock()
{
    m_server->addClient(u"c"_s, u"s"_s);
    m_server->setTokenLifetime(3600);
    const Result issued = postToken("grant_type=client_credentials&client_id=c&client_secret=s");
    QCOMPARE(issued.status, 200);
    QCOMPARE(issued.json()[u"expires_in"_s].toInt(), 3600);
    const QString token = issued.json()[u"access_token"_s].toString();
    QCOMPARE(api(u"/reports"_s, token).status, 200);
    m_clock.advance(1h - 1ms);
    QCOMPARE(api(u"/reports"_s, token).status, 200);
    m_clock.advance(1ms);
    QCOMPARE(api(u"/reports"_s, token).status, 401);
    // Tokens added by a test and the demo token never expire.
    m_server->addToken(u"forever"_s);
    m_clock.advance(24h * 365);
    QCOMPARE(api(u"/reports"_s, u"forever"_s).status, 200);
    QCOMPARE(api(u"/reports"_s).status, 200);
}

void TestSandboxClock::settingTheClockRestartsRateWindows()
{
    m_server->setRateLimit(1, 3600);
    QCOMPARE(api(u"/reports"_s).status, 200);
    QCOMPARE(api(u"/reports"_s).status, 429);
    // Moving to another clock forgets the hits counted on the old one, even if that one was far ahead.
    SandboxClock earlier(SandboxClock::DefaultStartMsecs - 24 * 3600 * 1000);
    m_server->setClock(earlier.function());
    const Result r = api(u"/reports"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-RateLimit-Reset").toLongLong(), earlier.secsSinceEpoch() + 3600);
}

void TestSandboxClock::emptyClockIsTheSystemClock()
{
    m_server->setClock({});
    const qint64 expires = QUrlQuery(ticketUrl(u"report_abc123"_s)).queryItemValue(u"expires"_s).toLongLong();
    QVERIFY2(qAbs(expires - QDateTime::currentSecsSinceEpoch() - 3600) <= 2,
             QByteArray::number(expires - QDateTime::currentSecsSinceEpoch()).constData());
}

QTEST_GUILESS_MAIN(TestSandboxClock)
#include "tst_sandboxclock.moc"
