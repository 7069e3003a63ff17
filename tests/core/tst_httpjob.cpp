// HttpJob against the sandbox: the rules of each purpose (what is sent, what is followed), and the binding of a
// request to its origin and its credential for its whole life (issue 9: a retry never carries the next account's
// token to the old host).

#include "TestFixture.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "auth/Account.h"
#include "auth/MemorySecretStore.h"
#include "net/HttpJob.h"

#include <QSignalSpy>
#include <QTest>

using namespace getbill;
using namespace getbill::test;
using sandbox::Fault;

namespace {
/// How many requests reached the API host with this bearer token.
int requestsWithToken(sandbox::SandboxServer &server, const QByteArray &token)
{
    int n = 0;
    const QList<sandbox::RecordedRequest> requests = server.requests();
    for (const auto &r : requests)
        if (r.host == Fault::Host::Api && r.headers.value("authorization") == "Bearer " + token)
            ++n;
    return n;
}

/// A 429 that asks to come back at once: the retry still waits its minimum (50 ms) from the event loop, and the test
/// switches accounts before it returns there.
Fault rateLimited()
{
    Fault f;
    f.pathContains = QStringLiteral("/reports");
    f.status = 429;
    f.body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
                 "details":{"retry_after":0}})";
    return f;
}
} // namespace

class TestHttpJob : public QObject
{
    Q_OBJECT
private slots:
    void switchingAccountCancelsWaitingCalls();
    void retryOfARequestNeverUsesTheNextAccountsToken();
    void fileRequestsCarryNoTokenAndAskForIdentity();
    void httpsToHttpRedirectIsRefusedEvenOnLoopback();
    void tokenIsOnlySentToTheRequestsOrigin();
};

void TestHttpJob::switchingAccountCancelsWaitingCalls()
{
    TestFixture old;
    TestFixture next;
    next.server().addToken(QStringLiteral("next-token"));
    old.server().addFault(rateLimited());
    std::unique_ptr<ReportListJob> job(old.api().listReports());
    QSignalSpy retrying(job.get(), &ReportListJob::retrying);
    QSignalSpy finished(job.get(), &Job::finished);
    job->start();
    QVERIFY(retrying.wait(5000)); // the 429 arrived; the retry waits

    // The user switches to another account on another API while the retry waits.
    StaticToken nextToken(QStringLiteral("next-token"));
    QVERIFY(old.api().setBaseUrl(next.server().apiUrl()));
    old.api().setTokens(&nextToken);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(job->error().kind(), ApiError::Kind::Cancelled);
    QTest::qWait(200); // past the retry's time: nothing may go anywhere
    QCOMPARE(requestsWithToken(old.server(), "next-token"), 0);
    QCOMPARE(requestsWithToken(old.server(), sandbox::SandboxServer::demoToken().toUtf8()), 1);
    QCOMPARE(next.server().requests().size(), 0);
}

void TestHttpJob::retryOfARequestNeverUsesTheNextAccountsToken()
{
    // Below the client: a request bound to an account's session. The account signs in with another credential
    // while a 503 retry waits; the retry must fail rather than send the new credential's token to the old host.
    TestFixture f;
    f.server().addToken(QStringLiteral("second-token"));
    Fault unavailable;
    unavailable.pathContains = QStringLiteral("/reports");
    unavailable.status = 503;
    unavailable.body = R"({"error":true,"message":"Service Unavailable","code":503,"details":{"retry_after":0}})";
    f.server().addFault(unavailable);
    QNetworkAccessManager network;
    MemorySecretStore store;
    Account account(&store, &network);
    account.setApiUrl(f.server().apiUrl());
    account.signIn(Credential::token(sandbox::SandboxServer::demoToken()));
    NetworkOptions options = TestFixture::fastOptions();
    std::unique_ptr<HttpJob> job(
        new HttpJob(&network, options, HttpPurpose::Api, f.api().endpoint(QStringLiteral("/reports"))));
    job->setBearer(&account);
    QSignalSpy retrying(job.get(), &HttpJob::retrying);
    QSignalSpy finished(job.get(), &Job::finished);
    job->start();
    QVERIFY(retrying.wait(5000));
    account.signIn(Credential::token(QStringLiteral("second-token")));
    QVERIFY(finished.wait(5000));
    QCOMPARE(job->error().kind(), ApiError::Kind::NotAuthenticated);
    QCOMPARE(requestsWithToken(f.server(), "second-token"), 0);
    QCOMPARE(f.server().requests().size(), 1);
}

void TestHttpJob::fileRequestsCarryNoTokenAndAskForIdentity()
{
    TestFixture f;
    f.server().addReport(TestFixture::csvReport(QStringLiteral("report_file")));
    std::unique_ptr<TicketJob> ticket(f.api().fetchTicket(QStringLiteral("report_file")));
    QVERIFY(TestFixture::waitFor(ticket.get()));
    QVERIFY(ticket->succeeded());
    struct Sink : BodySink
    {
        QByteArray bytes;
        qint64 room() const override { return 1 << 20; }
        bool write(QByteArrayView chunk, ApiError *) override
        {
            bytes += chunk;
            return true;
        }
    } sink;
    HttpJob job(&f.network(), f.options(), HttpPurpose::File, ticket->ticket().downloadUrl);
    job.setSink(&sink);
    QVERIFY(TestFixture::waitFor(&job));
    QVERIFY2(job.succeeded(), qPrintable(job.error().message()));
    QCOMPARE(sink.bytes, f.server().contentOf(QStringLiteral("report_file")));
    QVERIFY(!job.usedHttp2());
    const auto requests = f.downloadRequests();
    QCOMPARE(requests.size(), 1);
    QVERIFY(!requests.first().headers.contains("authorization"));
    QVERIFY(!requests.first().headers.contains("cookie"));
    QCOMPARE(requests.first().headers.value("accept-encoding"), QByteArray("identity"));
}

void TestHttpJob::httpsToHttpRedirectIsRefusedEvenOnLoopback()
{
    sandbox::SandboxServer::Options tls;
    tls.tls = true;
    TestFixture f(tls);
    TestFixture plain;
    f.server().addReport(TestFixture::csvReport(QStringLiteral("report_down")));
    plain.server().addReport(TestFixture::csvReport(QStringLiteral("report_down")));
    std::unique_ptr<TicketJob> ticket(f.api().fetchTicket(QStringLiteral("report_down")));
    QVERIFY(TestFixture::waitFor(ticket.get()));
    QVERIFY(ticket->succeeded());
    QCOMPARE(ticket->ticket().downloadUrl.scheme(), QStringLiteral("https"));
    // The TLS download host sends the client to plain http on this computer.
    Fault downgrade;
    downgrade.host = Fault::Host::Download;
    downgrade.redirectTo = plain.server().downloadOrigin().toString() + QStringLiteral("/anything");
    f.server().addFault(downgrade);
    struct Sink : BodySink
    {
        qint64 room() const override { return 1 << 20; }
        bool write(QByteArrayView, ApiError *) override { return true; }
    } sink;
    HttpJob job(&f.network(), f.options(), HttpPurpose::File, ticket->ticket().downloadUrl);
    job.setSink(&sink);
    QVERIFY(TestFixture::waitFor(&job));
    QCOMPARE(job.error().kind(), ApiError::Kind::InsecureUrl);
    QVERIFY2(job.error().message().contains(QStringLiteral("insecure address")), qPrintable(job.error().message()));
    QCOMPARE(plain.server().requests().size(), 0);
}

void TestHttpJob::tokenIsOnlySentToTheRequestsOrigin()
{
    // A job made for one origin never attaches the token to another, whatever it is pointed at by Qt.
    TestFixture f;
    TestFixture other;
    Fault away;
    away.pathContains = QStringLiteral("/reports");
    away.redirectTo = other.server().apiUrl().toString() + QStringLiteral("/reports");
    f.server().addFault(away);
    std::unique_ptr<HttpJob> job(f.api().get(QStringLiteral("/reports")));
    QVERIFY(TestFixture::waitFor(job.get()));
    QCOMPARE(job->error().kind(), ApiError::Kind::InsecureUrl);
    QCOMPARE(other.server().requests().size(), 0);
}

QTEST_GUILESS_MAIN(TestHttpJob)
#include "tst_httpjob.moc"
