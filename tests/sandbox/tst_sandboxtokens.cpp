// The OAuth token endpoint: client-credentials grants, its errors, lifetimes of the tokens it issues.
// Drives the sandbox over real loopback sockets with a real QNetworkAccessManager, as the client will.
#include "SandboxTestCase.h"

#include <QTest>

using namespace getbill::sandbox;
using namespace getbill::sandbox::test;
using namespace Qt::Literals::StringLiterals;

class TestSandboxTokens : public SandboxTestCase
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void tokenEndpointIssuesAndRejects();
    void issuedTokensExpire();
};

void TestSandboxTokens::init()
{
    SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY2(startServer(options), qPrintable(m_server->errorString()));
    if (!options.sampleData)
        addStandardReports();
}

void TestSandboxTokens::cleanup()
{
    stopServer();
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxTokens::tokenEndpointIssuesAndRejects()
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

void TestSandboxTokens::issuedTokensExpire()
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

QTEST_GUILESS_MAIN(TestSandboxTokens)
#include "tst_sandboxtokens.moc"
