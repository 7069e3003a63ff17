#include "TestFixture.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "api/UrlPolicy.h"

#include <QTest>

using namespace getbill;
using namespace getbill::test;
using sandbox::Fault;

namespace {
sandbox::SandboxReport makeReport(int i)
{
    sandbox::SandboxReport r;
    r.id = QStringLiteral("report_t%1").arg(i, 4, 10, QLatin1Char('0'));
    r.type = i % 2 ? QStringLiteral("financial") : QStringLiteral("collection");
    r.title = QStringLiteral("Report %1").arg(i);
    r.filename = r.id + QStringLiteral(".csv");
    r.mimeType = QStringLiteral("text/csv");
    r.content = "id,amount\n" + QByteArray::number(i) + ",10\n";
    r.createdAt = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(i * 60);
    return r;
}

template <typename JobT>
std::unique_ptr<JobT> run(JobT *job)
{
    std::unique_ptr<JobT> owned(job);
    if (!TestFixture::waitFor(job))
        qWarning("job did not finish");
    return owned;
}

int countRequests(sandbox::SandboxServer &server, Fault::Host host, const QString &pathPart)
{
    int n = 0;
    const QList<sandbox::RecordedRequest> requests = server.requests();
    for (const auto &r : requests)
        if (r.host == host && r.pathAndQuery.contains(pathPart))
            ++n;
    return n;
}
} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT
private slots:
    void listsEveryPage();
    void listFiltersByType();
    void fetchesOneReport();
    void apiMessagesReachTheUser_data();
    void apiMessagesReachTheUser();
    void noTokenIsNotAuthenticated();
    void ticketPointsAtTheDownloadHost();
    void invalidIdSendsNothing();
    void bearerTokenOnlyOnApiRequests();
    void crossOriginRedirectIsRefused();
    void sameOriginRedirectIsFollowed();
    void transientFailuresAreRetried();
    void persistentFailureGivesUp();
    void rateLimitWaitsForRetryAfter();
    void rateLimitTooLongFailsAtOnce();
    void oversizedJsonIsCutOff();
    void pageCountBeyondTotalIsRefused();
    void aListThatRepeatsItselfStops();
    void stallTimesOut();
    void rateLimitHeadersAreTracked();
    void cancelStopsEverything();
    void tlsTrustedAndUntrusted();
    void baseUrlMustBeSecure();
};

void TestApiClient::listsEveryPage()
{
    TestFixture f;
    f.server().clearReports();
    for (int i = 0; i < 250; ++i)
        f.server().addReport(makeReport(i));
    auto job = run(f.api().listReports());
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(job->reports().size(), 250);
    QCOMPARE(job->pagesFetched(), 3);
    QCOMPARE(countRequests(f.server(), Fault::Host::Api, QStringLiteral("limit=100")), 3);
    QSet<QString> ids;
    for (const Report &r : job->reports())
        ids.insert(r.id);
    QCOMPARE(ids.size(), 250);
}

void TestApiClient::listFiltersByType()
{
    TestFixture f;
    auto all = run(f.api().listReports());
    QVERIFY(all->succeeded());
    auto job = run(f.api().listReports(QStringLiteral("financial")));
    QVERIFY(job->succeeded());
    QVERIFY(!job->reports().isEmpty());
    QVERIFY(job->reports().size() < all->reports().size());
    for (const Report &r : job->reports())
        QCOMPARE(r.type, QStringLiteral("financial"));
}

void TestApiClient::fetchesOneReport()
{
    TestFixture f;
    const sandbox::SandboxReport sample = f.server().reports().first();
    auto job = run(f.api().fetchReport(sample.id));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(job->report().id, sample.id);
    QCOMPARE(job->report().title, sample.title);
    QCOMPARE(job->report().fileSize, sample.realSize());
}

void TestApiClient::apiMessagesReachTheUser_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("token");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("category");
    QTest::newRow("unknown id") << "report_nope" << QString() << 404 << "Report not found"
                                << int(ApiError::Category::Refused);
    QTest::newRow("foreign") << "report_foreign" << QString() << 403 << "Access denied to this report"
                             << int(ApiError::Category::Refused);
    QTest::newRow("no scope") << "report_ok"
                              << "token-without-scope" << 403 << "Required scope \"reports:read\" not found in token"
                              << int(ApiError::Category::Refused);
    QTest::newRow("bad token") << "report_ok"
                               << "wrong-token" << 401 << "Authentication credentials are missing or invalid"
                               << int(ApiError::Category::NotAuthenticated);
}

void TestApiClient::apiMessagesReachTheUser()
{
    QFETCH(QString, id);
    QFETCH(QString, token);
    QFETCH(int, status);
    QFETCH(QString, message);
    QFETCH(int, category);
    TestFixture f;
    sandbox::SandboxReport ok = makeReport(1);
    ok.id = QStringLiteral("report_ok");
    f.server().addReport(ok);
    sandbox::SandboxReport foreign = makeReport(2);
    foreign.id = QStringLiteral("report_foreign");
    foreign.ownerCompany = QStringLiteral("someone-else");
    f.server().addReport(foreign);
    f.server().addToken(QStringLiteral("token-without-scope"), {});
    if (!token.isEmpty())
        f.token().setToken(token);
    for (const bool ticket : {false, true}) {
        std::unique_ptr<Job> job(ticket ? static_cast<Job *>(f.api().fetchTicket(id))
                                        : static_cast<Job *>(f.api().fetchReport(id)));
        QVERIFY(TestFixture::waitFor(job.get()));
        QVERIFY(!job->succeeded());
        QCOMPARE(job->error().httpStatus(), status);
        QVERIFY2(job->error().message().contains(message), qPrintable(job->error().message()));
        QVERIFY(job->error().message().contains(id)); // says which report
        QCOMPARE(int(job->error().category()), category);
    }
    // Refusals are final: one request each, no retries.
    QCOMPARE(countRequests(f.server(), Fault::Host::Api, id), 2);
}

void TestApiClient::noTokenIsNotAuthenticated()
{
    TestFixture f;
    f.token().setToken(QString());
    auto job = run(f.api().listReports());
    QCOMPARE(job->error().kind(), ApiError::Kind::NotAuthenticated);
    QCOMPARE(job->error().category(), ApiError::Category::NotAuthenticated);
    QVERIFY(f.server().requests().isEmpty());
}

void TestApiClient::ticketPointsAtTheDownloadHost()
{
    TestFixture f;
    const sandbox::SandboxReport sample = f.server().reports().first();
    auto job = run(f.api().fetchTicket(sample.id));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    const DownloadTicket &t = job->ticket();
    QCOMPARE(t.id, sample.id);
    QCOMPARE(t.fileSize, sample.realSize());
    QVERIFY(UrlPolicy::isSameOrigin(t.downloadUrl, f.server().downloadOrigin()));
    QVERIFY(t.expiresAt > QDateTime::currentDateTimeUtc());

    sandbox::SandboxReport pending = makeReport(7);
    pending.status = QStringLiteral("processing");
    pending.downloadAvailable = false;
    f.server().addReport(pending);
    auto notReady = run(f.api().fetchTicket(pending.id));
    QCOMPARE(notReady->error().httpStatus(), 422);
    QCOMPARE(notReady->error().category(), ApiError::Category::Refused);
    QVERIFY(notReady->error().message().contains(QLatin1String("not ready")));
}

void TestApiClient::invalidIdSendsNothing()
{
    TestFixture f;
    for (const QString &id : {QStringLiteral("../../etc"), QStringLiteral("a b"), QString()}) {
        auto job = run(f.api().fetchTicket(id));
        QCOMPARE(job->error().kind(), ApiError::Kind::InvalidInput);
        QVERIFY(job->error().message().contains(QLatin1String("not a valid report id")));
    }
    QVERIFY(f.server().requests().isEmpty());
}

void TestApiClient::bearerTokenOnlyOnApiRequests()
{
    TestFixture f;
    auto job = run(f.api().listReports());
    QVERIFY(job->succeeded());
    const QList<sandbox::RecordedRequest> requests = f.server().requests();
    QVERIFY(!requests.isEmpty());
    for (const auto &r : requests)
        QCOMPARE(r.headers.value("authorization"), "Bearer " + sandbox::SandboxServer::demoToken().toUtf8());
}

void TestApiClient::crossOriginRedirectIsRefused()
{
    TestFixture f;
    Fault redirect;
    redirect.host = Fault::Host::Api;
    redirect.pathContains = QStringLiteral("/reports");
    redirect.times = -1;
    redirect.redirectTo = f.server().downloadOrigin().toString() + QStringLiteral("/steal");
    f.server().addFault(redirect);
    auto job = run(f.api().listReports());
    QCOMPARE(job->error().kind(), ApiError::Kind::InsecureUrl);
    QVERIFY2(job->error().message().contains(QLatin1String("redirected")), qPrintable(job->error().message()));
    QVERIFY(f.downloadHostSawNoAuthorization());
    QCOMPARE(countRequests(f.server(), Fault::Host::Download, QStringLiteral("/steal")), 0);
}

void TestApiClient::sameOriginRedirectIsFollowed()
{
    TestFixture f;
    const QString id = f.server().reports().first().id;
    Fault redirect;
    redirect.pathContains = QStringLiteral("/reports/moved");
    redirect.redirectTo = f.server().apiUrl().toString() + QStringLiteral("/reports/") + id;
    f.server().addFault(redirect);
    auto job = run(f.api().fetchReport(QStringLiteral("moved")));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(job->report().id, id);
}

void TestApiClient::transientFailuresAreRetried()
{
    TestFixture f;
    Fault unavailable;
    unavailable.pathContains = QStringLiteral("/reports");
    unavailable.times = 2;
    unavailable.status = 503;
    unavailable.body = R"({"error":true,"message":"Service Unavailable","code":503})";
    f.server().addFault(unavailable);
    std::unique_ptr<ReportListJob> job(f.api().listReports());
    QSignalSpy retries(job.get(), &ReportListJob::retrying);
    QVERIFY(TestFixture::waitFor(job.get()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(retries.size(), 2);
    QCOMPARE(retries.first().first().value<ApiError>().httpStatus(), 503);
}

void TestApiClient::persistentFailureGivesUp()
{
    TestFixture f;
    Fault html;
    html.pathContains = QStringLiteral("/reports");
    html.times = -1;
    html.status = 502;
    html.contentType = "text/html";
    html.body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    f.server().addFault(html);
    auto job = run(f.api().listReports());
    QCOMPARE(job->error().httpStatus(), 502);
    QCOMPARE(job->error().category(), ApiError::Category::Transient);
    QVERIFY(!job->error().message().contains(QLatin1String("<html")));
    QCOMPARE(countRequests(f.server(), Fault::Host::Api, QStringLiteral("/reports")), f.options().retry.maxAttempts);
}

void TestApiClient::rateLimitWaitsForRetryAfter()
{
    TestFixture f;
    Fault limited;
    limited.pathContains = QStringLiteral("/reports");
    limited.status = 429;
    limited.body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
                      "details":{"retry_after":1,"limit":1000,"reset_time":"2024-02-01T13:00:00Z"}})";
    f.server().addFault(limited);
    std::unique_ptr<ReportListJob> job(f.api().listReports());
    QSignalSpy retries(job.get(), &ReportListJob::retrying);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(TestFixture::waitFor(job.get()));
    QVERIFY(job->succeeded());
    QCOMPARE(retries.size(), 1);
    QCOMPARE(retries.first().at(1).toInt(), 1000);
    QVERIFY(clock.elapsed() >= 900);
}

void TestApiClient::rateLimitTooLongFailsAtOnce()
{
    TestFixture f;
    Fault limited;
    limited.pathContains = QStringLiteral("/reports");
    limited.status = 429;
    limited.body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
                      "details":{"retry_after":1800}})";
    f.server().addFault(limited);
    auto job = run(f.api().listReports());
    QCOMPARE(job->error().httpStatus(), 429);
    QCOMPARE(job->error().retryAfterSeconds(), 1800);
    QCOMPARE(job->error().message(), QStringLiteral("Rate limit exceeded. Please try again later."));
    QCOMPARE(countRequests(f.server(), Fault::Host::Api, QStringLiteral("/reports")), 1);
}

namespace {
QByteArray pageBody(const QStringList &ids, int total, int pages)
{
    QByteArray data;
    for (const QString &id : ids)
        data += (data.isEmpty() ? "" : ",") + QByteArray(R"({"id":")") + id.toLatin1() +
                R"(","type":"export","title":"T","status":"completed","download_available":true})";
    return R"({"error":false,"data":[)" + data + R"(],"pagination":{"total":)" + QByteArray::number(total) +
           R"(,"page":1,"limit":100,"pages":)" + QByteArray::number(pages) + "}}";
}
} // namespace

void TestApiClient::pageCountBeyondTotalIsRefused()
{
    // 10 reports cannot fill 100,000 pages of 100: a server that says so is not followed page after page (issue 9:
    // a growing page count kept the CLI listing for ever, burning the hourly budget).
    TestFixture f;
    Fault lying;
    lying.pathContains = QStringLiteral("/reports?");
    lying.times = -1;
    lying.status = 200;
    lying.body = pageBody({QStringLiteral("report_a")}, 10, 100'000);
    f.server().addFault(lying);
    auto job = run(f.api().listReports());
    QCOMPARE(job->error().kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(job->error().message().contains(QLatin1String("100000 pages for 10 reports")),
             qPrintable(job->error().message()));
    QCOMPARE(countRequests(f.server(), Fault::Host::Api, QStringLiteral("/reports?")), 1);
}

void TestApiClient::aListThatRepeatsItselfStops()
{
    // Pages that bring nothing new: the listing stops with an error instead of paging on.
    TestFixture f;
    Fault repeating;
    repeating.pathContains = QStringLiteral("/reports?");
    repeating.times = -1;
    repeating.status = 200;
    repeating.body = pageBody({QStringLiteral("report_a"), QStringLiteral("report_b")}, 900, 9);
    f.server().addFault(repeating);
    auto job = run(f.api().listReports());
    QCOMPARE(job->error().kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(job->error().message().contains(QLatin1String("sent page")), qPrintable(job->error().message()));
    QCOMPARE(job->error().category(), ApiError::Category::Transient); // exit 5 for the CLI
    // The first page, then at most the pages already in flight when the repeat was seen.
    QVERIFY(countRequests(f.server(), Fault::Host::Api, QStringLiteral("/reports?")) <=
            1 + ReportListJob::pagesInFlight);
}

void TestApiClient::oversizedJsonIsCutOff()
{
    TestFixture f;
    NetworkOptions o = f.options();
    o.maxJsonBytes = 64 * 1024;
    o.retry.maxAttempts = 1;
    f.setOptions(o);
    Fault huge;
    huge.pathContains = QStringLiteral("/reports");
    huge.status = 200;
    huge.body = R"({"data":[)" + QByteArray(200 * 1024, ' ') + "]}";
    f.server().addFault(huge);
    auto job = run(f.api().listReports());
    QCOMPARE(job->error().kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(job->error().message().contains(QLatin1String("larger than")), qPrintable(job->error().message()));
}

void TestApiClient::stallTimesOut()
{
    TestFixture f;
    NetworkOptions o = f.options();
    o.transferTimeoutMs = 300;
    o.retry.maxAttempts = 2;
    f.setOptions(o);
    Fault slow;
    slow.pathContains = QStringLiteral("/reports");
    slow.times = -1;
    slow.delayMs = 2000;
    f.server().addFault(slow);
    auto job = run(f.api().listReports());
    QCOMPARE(job->error().kind(), ApiError::Kind::Timeout);
    QVERIFY(job->error().message().contains(QLatin1String("did not answer")));
    QCOMPARE(countRequests(f.server(), Fault::Host::Api, QStringLiteral("/reports")), 2);
}

void TestApiClient::rateLimitHeadersAreTracked()
{
    TestFixture f;
    f.server().setRateLimit(50, 3600);
    QSignalSpy changed(&f.api(), &ApiClient::rateLimitChanged);
    auto job = run(f.api().listReports());
    QVERIFY(job->succeeded());
    QVERIFY(!changed.isEmpty());
    QCOMPARE(f.api().rateLimit().limit, 50);
    QVERIFY(f.api().rateLimit().remaining >= 0 && f.api().rateLimit().remaining < 50);
    QVERIFY(f.api().rateLimit().resetTime().isValid());
}

void TestApiClient::cancelStopsEverything()
{
    TestFixture f;
    Fault slow;
    slow.pathContains = QStringLiteral("/reports");
    slow.delayMs = 1000;
    f.server().addFault(slow);
    std::unique_ptr<ReportListJob> job(f.api().listReports());
    QSignalSpy received(&f.server(), &sandbox::SandboxServer::requestReceived);
    job->start();
    QVERIFY(received.wait(5000));
    QSignalSpy finished(job.get(), &Job::finished);
    job->cancel();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(job->error().kind(), ApiError::Kind::Cancelled);
    job->cancel(); // idempotent
    QCOMPARE(finished.size(), 1);
    QTest::qWait(1200); // the delayed answer must not revive the job
    QCOMPARE(finished.size(), 1);
}

void TestApiClient::tlsTrustedAndUntrusted()
{
    sandbox::SandboxServer::Options tls;
    tls.tls = true;
    TestFixture f(tls);
    QCOMPARE(f.server().apiUrl().scheme(), QStringLiteral("https"));
    auto ok = run(f.api().listReports());
    QVERIFY2(ok->succeeded(), qPrintable(ok->error().message()));

    // A client that does not trust the sandbox's CA. (A fresh fixture: Qt resumes TLS sessions it already
    // verified, so switching CAs in place needs QNetworkAccessManager::clearConnectionCache().)
    TestFixture other(tls);
    NetworkOptions untrusted = other.options();
    untrusted.ssl.reset();
    other.setOptions(untrusted);
    auto refused = run(other.api().listReports());
    QCOMPARE(refused->error().kind(), ApiError::Kind::Tls);
    QVERIFY(refused->error().message().contains(QLatin1String("could not be verified")));
    // Fails closed and is never retried; for the CLI a network failure (exit 5).
    QCOMPARE(refused->error().category(), ApiError::Category::Untrusted);
    QVERIFY(!refused->error().isRetryable());
    QCOMPARE(other.server().requests().size(), 0); // the handshake failed before any request was sent
}

void TestApiClient::baseUrlMustBeSecure()
{
    TestFixture f;
    const QUrl before = f.api().baseUrl();
    QVERIFY(!f.api().setBaseUrl(QUrl(QStringLiteral("http://getbill.io/external-api/v1"))));
    QVERIFY(!f.api().setBaseUrl(QUrl(QStringLiteral("https://getbill.io/x?token=1"))));
    QCOMPARE(f.api().baseUrl(), before);
    QVERIFY(f.api().setBaseUrl(QUrl(QStringLiteral("https://getbill.io/external-api/v1/"))));
    QCOMPARE(f.api().endpoint(QStringLiteral("/reports")).toString(),
             QStringLiteral("https://getbill.io/external-api/v1/reports"));
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
