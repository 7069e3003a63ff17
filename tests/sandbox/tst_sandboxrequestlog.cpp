// The request log: what arrived, as tests assert on it.
// Drives the sandbox over real loopback sockets with a real QNetworkAccessManager, as the client will.
#include "SandboxTestCase.h"

#include <QSignalSpy>
#include <QTest>

using namespace getbill::sandbox;
using namespace getbill::sandbox::test;
using namespace Qt::Literals::StringLiterals;

class TestSandboxRequestLog : public SandboxTestCase
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void requestLogRecordsHeadersAndBodies();
};

void TestSandboxRequestLog::init()
{
    SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY2(startServer(options), qPrintable(m_server->errorString()));
    if (!options.sampleData)
        addStandardReports();
}

void TestSandboxRequestLog::cleanup()
{
    stopServer();
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxRequestLog::requestLogRecordsHeadersAndBodies()
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

QTEST_GUILESS_MAIN(TestSandboxRequestLog)
#include "tst_sandboxrequestlog.moc"
