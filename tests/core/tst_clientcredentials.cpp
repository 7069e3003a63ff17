#include "TestFixture.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "auth/ClientCredentials.h"
#include "download/ReportDownloadJob.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTest>

using namespace getbill;
using namespace getbill::test;
using sandbox::Fault;
using namespace std::chrono_literals;

namespace {
const QString clientId = QStringLiteral("client_reports");
// '&', '+', '=' and a space: a form encoder that forgets one of them breaks the secret.
const QString clientSecret = QStringLiteral("s3cr&t+value= with space");

struct TokenAnswer
{
    bool done = false;
    QString token;
    ApiError error;
};

/// Asks once and returns the answer's holder; QTRY on `done`.
std::shared_ptr<TokenAnswer> ask(TokenProvider &provider, QObject *context)
{
    auto answer = std::make_shared<TokenAnswer>();
    provider.requestToken(context, [answer](const QString &token, const ApiError &error) {
        answer->done = true;
        answer->token = token;
        answer->error = error;
    });
    return answer;
}

QList<sandbox::RecordedRequest> tokenPosts(sandbox::SandboxServer &server)
{
    QList<sandbox::RecordedRequest> posts;
    const QList<sandbox::RecordedRequest> all = server.requests();
    for (const auto &r : all)
        if (r.host == Fault::Host::Token)
            posts.append(r);
    return posts;
}

/// Passes everything to the real provider and counts the 401s the API gave.
class CountingProvider : public TokenProvider
{
public:
    explicit CountingProvider(TokenProvider *inner) : m_inner(inner) {}
    void requestToken(QObject *context, Callback callback) override
    {
        m_inner->requestToken(context, std::move(callback));
    }
    bool tokenRejected(const QString &token) override
    {
        ++rejections;
        return m_inner->tokenRejected(token);
    }
    int rejections = 0;

private:
    TokenProvider *m_inner;
};
} // namespace

class TestClientCredentials : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void refreshMarginRule();
    void tokenIsFetchedAndCached();
    void formFieldsAndScope();
    void refreshesBeforeExpiry();
    void refreshesOnceOn401();
    void signedOutWhenTheFreshTokenIsRejectedToo();
    void singleFlightForConcurrentCallers();
    void invalidClientShowsTheServerMessage();
    void tokenEndpointDownIsTransient();
    void tokenEndpointErrorIsRetriedThenTransient();
    void crossOriginRedirectIsRefused();
    void insecureTokenUrlIsRefusedBeforeSending();
    void noCallbackAfterContextIsGone();
    void shortLivedTokensKeepADownloadSessionWorking();

private:
    std::unique_ptr<TestFixture> m_f;
    std::unique_ptr<ClientCredentials> m_cc;
};

void TestClientCredentials::init()
{
    m_f = std::make_unique<TestFixture>();
    m_f->server().addClient(clientId, clientSecret);
    m_cc = std::make_unique<ClientCredentials>(&m_f->network(), m_f->server().tokenUrl(), clientId, clientSecret);
    m_cc->setOptions(TestFixture::fastOptions());
}

void TestClientCredentials::cleanup()
{
    m_cc.reset();
    m_f.reset();
}

void TestClientCredentials::refreshMarginRule()
{
    QCOMPARE(ClientCredentials::refreshMargin(3600s), std::chrono::milliseconds(60s));
    QCOMPARE(ClientCredentials::refreshMargin(120s), std::chrono::milliseconds(24s));
    QCOMPARE(ClientCredentials::refreshMargin(5s), std::chrono::milliseconds(1s));
    QCOMPARE(ClientCredentials::refreshMargin(0s), std::chrono::milliseconds(0));
}

void TestClientCredentials::tokenIsFetchedAndCached()
{
    auto first = ask(*m_cc, this);
    QVERIFY(!first->done); // never inside requestToken()
    QTRY_VERIFY(first->done);
    QVERIFY2(!first->error.isError(), qPrintable(first->error.message()));
    QVERIFY(!first->token.isEmpty());
    const qint64 expiresIn = QDateTime::currentDateTime().secsTo(m_cc->tokenExpiry());
    QVERIFY2(expiresIn > 3590 && expiresIn <= 3600, qPrintable(QString::number(expiresIn)));

    auto second = ask(*m_cc, this);
    QTRY_VERIFY(second->done);
    QCOMPARE(second->token, first->token);
    QCOMPARE(m_f->server().tokenRequestCount(), 1);
    QCOMPARE(tokenPosts(m_f->server()).size(), 1);

    // The token works against the API.
    ApiClient api(&m_f->network(), m_cc.get());
    QVERIFY(api.setBaseUrl(m_f->server().apiUrl()));
    std::unique_ptr<ReportListJob> list(api.listReports());
    QVERIFY(TestFixture::waitFor(list.get()));
    QVERIFY2(list->succeeded(), qPrintable(list->error().message()));
    QCOMPARE(m_f->server().tokenRequestCount(), 1);
}

void TestClientCredentials::formFieldsAndScope()
{
    auto answer = ask(*m_cc, this);
    QTRY_VERIFY(answer->done);
    const QList<sandbox::RecordedRequest> posts = tokenPosts(m_f->server());
    QCOMPARE(posts.size(), 1);
    const sandbox::RecordedRequest &post = posts.first();
    QCOMPARE(post.method, QByteArray("POST"));
    QVERIFY(post.headers.value("content-type").startsWith("application/x-www-form-urlencoded"));
    QVERIFY(!post.headers.contains("authorization"));
    QVERIFY(!post.pathAndQuery.contains(u'?')); // nothing in the URL, where proxies log it

    QMap<QString, QString> fields;
    for (const QByteArray &pair : post.body.split('&')) {
        const qsizetype eq = pair.indexOf('=');
        QVERIFY(eq > 0);
        QByteArray value = pair.mid(eq + 1);
        value.replace('+', ' ');
        fields.insert(QString::fromUtf8(pair.left(eq)), QUrl::fromPercentEncoding(value));
    }
    QCOMPARE(fields.keys(), (QStringList{QStringLiteral("client_id"), QStringLiteral("client_secret"),
                                         QStringLiteral("grant_type"), QStringLiteral("scope")}));
    QCOMPARE(fields.value(QStringLiteral("grant_type")), QStringLiteral("client_credentials"));
    QCOMPARE(fields.value(QStringLiteral("client_id")), clientId);
    QCOMPARE(fields.value(QStringLiteral("client_secret")), clientSecret);
    QCOMPARE(fields.value(QStringLiteral("scope")), QStringLiteral("reports:read"));
}

void TestClientCredentials::refreshesBeforeExpiry()
{
    m_f->server().setTokenLifetime(2); // refreshed after 1.6 s (a fifth of the lifetime early)
    auto first = ask(*m_cc, this);
    QTRY_VERIFY(first->done);
    QVERIFY(!first->token.isEmpty());
    QElapsedTimer clock;
    clock.start();

    // Keep asking, as a busy client does: the token stays the same until the refresh point, then changes.
    std::shared_ptr<TokenAnswer> latest = first;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            if (latest->done) {
                if (latest->token != first->token)
                    return true;
                latest = ask(*m_cc, this);
            }
            return false;
        }(),
        5000);
    QVERIFY(!latest->error.isError());
    const qint64 elapsed = clock.elapsed();
    QVERIFY2(elapsed >= 1400 && elapsed < 2000, qPrintable(QString::number(elapsed)));
    QCOMPARE(m_f->server().tokenRequestCount(), 2);
}

void TestClientCredentials::refreshesOnceOn401()
{
    ApiClient api(&m_f->network(), m_cc.get());
    QVERIFY(api.setBaseUrl(m_f->server().apiUrl()));
    api.setOptions(TestFixture::fastOptions());
    // The API forgets the token once (revoked server-side): one refresh, and the call succeeds.
    Fault revoked;
    revoked.host = Fault::Host::Api;
    revoked.pathContains = QStringLiteral("/reports");
    revoked.status = 401;
    revoked.body = R"({"error":true,"message":"Authentication credentials are missing or invalid","code":401})";
    m_f->server().addFault(revoked);

    QSignalSpy signedOut(m_cc.get(), &ClientCredentials::signedOut);
    std::unique_ptr<ReportListJob> job(api.listReports());
    QVERIFY(TestFixture::waitFor(job.get()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(m_f->server().tokenRequestCount(), 2);
    QCOMPARE(signedOut.size(), 0);
    QVERIFY(!m_cc->isSignedOut());
}

void TestClientCredentials::signedOutWhenTheFreshTokenIsRejectedToo()
{
    ApiClient api(&m_f->network(), m_cc.get());
    QVERIFY(api.setBaseUrl(m_f->server().apiUrl()));
    api.setOptions(TestFixture::fastOptions());
    Fault revoked;
    revoked.host = Fault::Host::Api;
    revoked.pathContains = QStringLiteral("/reports");
    revoked.status = 401;
    revoked.times = -1;
    revoked.body = R"({"error":true,"message":"Authentication credentials are missing or invalid","code":401})";
    m_f->server().addFault(revoked);

    QSignalSpy signedOut(m_cc.get(), &ClientCredentials::signedOut);
    std::unique_ptr<ReportListJob> job(api.listReports());
    QVERIFY(TestFixture::waitFor(job.get()));
    QVERIFY(!job->succeeded());
    QCOMPARE(job->error().category(), ApiError::Category::NotAuthenticated);
    QCOMPARE(m_f->server().tokenRequestCount(), 2); // one refresh, not a loop
    QCOMPARE(signedOut.size(), 1);
    QVERIFY(m_cc->isSignedOut());

    // From now on: a clear signed-out answer, without asking the token endpoint again.
    auto answer = ask(*m_cc, this);
    QTRY_VERIFY(answer->done);
    QCOMPARE(answer->error.category(), ApiError::Category::NotAuthenticated);
    QVERIFY2(answer->error.message().startsWith(QStringLiteral("Signed out")), qPrintable(answer->error.message()));
    QVERIFY(answer->error.message().contains(clientId));
    QVERIFY(answer->error.message().contains(QStringLiteral("Sign in again")));
    QCOMPARE(m_f->server().tokenRequestCount(), 2);
}

void TestClientCredentials::singleFlightForConcurrentCallers()
{
    m_f->server().clearRequests();
    QList<std::shared_ptr<TokenAnswer>> answers;
    for (int i = 0; i < 10; ++i)
        answers.append(ask(*m_cc, this));
    QTRY_VERIFY(std::all_of(answers.cbegin(), answers.cend(), [](const auto &a) { return a->done; }));
    for (const auto &a : std::as_const(answers)) {
        QVERIFY(!a->error.isError());
        QCOMPARE(a->token, answers.first()->token);
    }
    QCOMPARE(tokenPosts(m_f->server()).size(), 1);
    QCOMPARE(m_f->server().tokenRequestCount(), 1);
}

void TestClientCredentials::invalidClientShowsTheServerMessage()
{
    ClientCredentials wrong(&m_f->network(), m_f->server().tokenUrl(), clientId, QStringLiteral("not-the-secret"));
    wrong.setOptions(TestFixture::fastOptions());
    QSignalSpy signedOut(&wrong, &ClientCredentials::signedOut);
    auto answer = ask(wrong, this);
    QTRY_VERIFY(answer->done);
    QCOMPARE(answer->error.httpStatus(), 401);
    QCOMPARE(answer->error.category(), ApiError::Category::NotAuthenticated);
    const QString message = answer->error.message();
    QVERIFY2(message.contains(QStringLiteral("Client authentication failed.")), qPrintable(message)); // the server's
    QVERIFY(message.contains(clientId));
    QVERIFY(message.contains(QStringLiteral("Check the client id and secret")));
    QVERIFY(!message.contains(QStringLiteral("not-the-secret")));
    QCOMPARE(tokenPosts(m_f->server()).size(), 1); // a wrong secret is not retried
    QCOMPARE(signedOut.size(), 1);
}

void TestClientCredentials::tokenEndpointDownIsTransient()
{
    // A port that was just free: nothing listens there.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    QUrl url(QStringLiteral("http://127.0.0.1/token"));
    url.setPort(probe.serverPort());
    probe.close();

    ClientCredentials down(&m_f->network(), url, clientId, clientSecret);
    down.setOptions(TestFixture::fastOptions());
    auto answer = ask(down, this);
    QTRY_VERIFY_WITH_TIMEOUT(answer->done, 10000);
    QCOMPARE(answer->error.kind(), ApiError::Kind::Network);
    QCOMPARE(answer->error.category(), ApiError::Category::Transient);
    QVERIFY2(answer->error.message().contains(QStringLiteral("Cannot reach the GetBill sign-in service at 127.0.0.1")),
             qPrintable(answer->error.message()));
    QVERIFY(!down.isSignedOut()); // a network problem is not a sign-out: the next call tries again
}

void TestClientCredentials::tokenEndpointErrorIsRetriedThenTransient()
{
    Fault unavailable;
    unavailable.host = Fault::Host::Token;
    unavailable.status = 503;
    unavailable.times = -1;
    unavailable.body = R"({"error":"temporarily_unavailable","error_description":"Try again in a moment."})";
    m_f->server().addFault(unavailable);
    auto answer = ask(*m_cc, this);
    QTRY_VERIFY_WITH_TIMEOUT(answer->done, 10000);
    QCOMPARE(answer->error.category(), ApiError::Category::Transient);
    QCOMPARE(answer->error.httpStatus(), 503);
    QVERIFY2(answer->error.message().contains(QStringLiteral("Try again in a moment.")),
             qPrintable(answer->error.message()));
    QCOMPARE(tokenPosts(m_f->server()).size(), TestFixture::fastOptions().retry.maxAttempts);

    // Once the endpoint is back, the next request works.
    m_f->server().clearFaults();
    auto again = ask(*m_cc, this);
    QTRY_VERIFY(again->done);
    QVERIFY(!again->error.isError());
}

void TestClientCredentials::crossOriginRedirectIsRefused()
{
    Fault redirect;
    redirect.host = Fault::Host::Token;
    redirect.redirectTo = m_f->server().downloadOrigin().toString() + QStringLiteral("/token");
    redirect.times = -1;
    m_f->server().addFault(redirect);
    auto answer = ask(*m_cc, this);
    QTRY_VERIFY(answer->done);
    QCOMPARE(answer->error.kind(), ApiError::Kind::InsecureUrl);
    QVERIFY2(answer->error.message().contains(QStringLiteral("redirected")), qPrintable(answer->error.message()));
    const QList<sandbox::RecordedRequest> all = m_f->server().requests();
    for (const auto &r : all)
        QVERIFY(r.host != Fault::Host::Download); // the secret never went to the other origin
}

void TestClientCredentials::insecureTokenUrlIsRefusedBeforeSending()
{
    ClientCredentials insecure(&m_f->network(), QUrl(QStringLiteral("http://getbill.example/token")), clientId,
                               clientSecret);
    auto answer = ask(insecure, this);
    QTRY_VERIFY(answer->done);
    QCOMPARE(answer->error.kind(), ApiError::Kind::InsecureUrl);
    QVERIFY2(answer->error.message().contains(QStringLiteral("only sent over https")),
             qPrintable(answer->error.message()));
    QVERIFY(!answer->error.message().contains(clientSecret));
}

void TestClientCredentials::noCallbackAfterContextIsGone()
{
    auto context = std::make_unique<QObject>();
    bool called = false;
    m_cc->requestToken(context.get(), [&called](const QString &, const ApiError &) { called = true; });
    context.reset();
    auto other = ask(*m_cc, this);
    QTRY_VERIFY(other->done);
    QVERIFY(!called);
}

void TestClientCredentials::shortLivedTokensKeepADownloadSessionWorking()
{
    // The issue's acceptance test: 5-second tokens, 20 seconds of downloads, no failed request, one token per
    // lifetime.
    m_f->server().setTokenLifetime(5);
    m_f->server().setRateLimit(100000, 3600);
    CountingProvider counting(m_cc.get());
    ApiClient api(&m_f->network(), &counting);
    QVERIFY(api.setBaseUrl(m_f->server().apiUrl()));
    api.setOptions(TestFixture::fastOptions());
    const QString reportId = m_f->server().reports().first().id;
    const QString target = m_f->folder() + QStringLiteral("/report.bin");

    QElapsedTimer clock;
    clock.start();
    int downloads = 0;
    int retries = 0;
    std::unique_ptr<ReportDownloadJob> job;
    QTimer pace; // one download every 250 ms
    pace.setInterval(250);
    QString failure;
    connect(&pace, &QTimer::timeout, this, [&] {
        if (job && !job->isFinished())
            return;
        if (job) {
            if (!job->succeeded())
                failure = job->error().message();
            ++downloads;
            retries += job->attempts() - 1;
        }
        job = std::make_unique<ReportDownloadJob>(&api, reportId, DownloadTarget::file(target, true));
        job->start();
    });
    pace.start();
    QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= 20'000 || !failure.isEmpty(), 25'000);
    pace.stop();
    if (job)
        QVERIFY(TestFixture::waitFor(job.get()));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QVERIFY2(downloads >= 40, qPrintable(QString::number(downloads)));
    QCOMPARE(retries, 0);
    QCOMPARE(counting.rejections, 0); // no API call ever met an expired token
    // Refreshed at 4 s: 20 s need 5 tokens, 6 when the last refresh falls just inside the window.
    const int tokens = m_f->server().tokenRequestCount();
    QVERIFY2(tokens >= 5 && tokens <= 6, qPrintable(QString::number(tokens)));
    QCOMPARE(readFile(target), m_f->server().contentOf(reportId));
}

QTEST_GUILESS_MAIN(TestClientCredentials)
#include "tst_clientcredentials.moc"
