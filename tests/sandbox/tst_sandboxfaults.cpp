// Fault switches (status, delay, cut, stall, lengths, redirects, per host) and hostile clients.
// Drives the sandbox over real loopback sockets with a real QNetworkAccessManager, as the client will.
#include "SandboxTestCase.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace getbill::sandbox;
using namespace getbill::sandbox::test;
using namespace Qt::Literals::StringLiterals;

class TestSandboxFaults : public SandboxTestCase
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void faultStatusBodyHeadersAndTimes();
    void faultDelay();
    void faultCut();
    void faultStall();
    void faultContentLengthDelta();
    void faultAppendBytes();
    void faultRedirect();
    void faultTargetsOnlyItsHost();
    void survivesGarbageAndAbortedClients();
};

void TestSandboxFaults::init()
{
    SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY2(startServer(options), qPrintable(m_server->errorString()));
    if (!options.sampleData)
        addStandardReports();
}

void TestSandboxFaults::cleanup()
{
    stopServer();
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxFaults::faultStatusBodyHeadersAndTimes()
{
    Fault f;
    f.status = 503;
    f.body = "<html><body>Maintenance</body></html>";
    f.contentType = "text/html";
    f.headers = {{"Retry-After", "7"}};
    f.pathContains = u"/reports/report_abc123"_s;
    f.times = 2;
    m_server->addFault(f);

    QCOMPARE(api(u"/reports"_s).status, 200); // path does not match
    for (int i = 0; i < 2; ++i) {
        const Result r = api(u"/reports/report_abc123"_s);
        QCOMPARE(r.status, 503);
        QCOMPARE(r.body, f.body);
        QCOMPARE(r.header("Content-Type"), "text/html"_ba);
        QCOMPARE(r.header("Retry-After"), "7"_ba);
    }
    QCOMPARE(api(u"/reports/report_abc123"_s).status, 200);

    Fault always;
    always.status = 500;
    always.body = "{\"error\":true,\"message\":\"Internal error\",\"code\":500}";
    always.times = -1;
    m_server->addFault(always);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(api(u"/reports"_s).status, 500);
    m_server->clearFaults();
    QCOMPARE(api(u"/reports"_s).status, 200);
}

void TestSandboxFaults::faultDelay()
{
    Fault f;
    f.delayMs = 300;
    m_server->addFault(f);
    const Result slow = api(u"/reports"_s);
    QCOMPARE(slow.status, 200);
    QVERIFY2(slow.elapsedMs >= 290, QByteArray::number(slow.elapsedMs).constData());
    QVERIFY(api(u"/reports"_s).elapsedMs < 290);
}

void TestSandboxFaults::faultCut()
{
    const QUrl link = ticketUrl(u"report_abc123"_s);
    Fault f;
    f.host = Fault::Host::Download;
    f.cutAfterBytes = 1000;
    m_server->addFault(f);
    const Result r = get(link);
    QVERIFY(r.finished);
    QVERIFY(r.error != QNetworkReply::NoError);
    QVERIFY(r.body.size() <= 1000);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s).left(r.body.size()));
    // A cut transfer did not use up a single-use link: it can be resumed.
    QCOMPARE(get(link, {{"Range", "bytes=1000-"}}).status, 206);
}

void TestSandboxFaults::faultStall()
{
    const QUrl link = ticketUrl(u"report_abc123"_s);
    Fault f;
    f.host = Fault::Host::Download;
    f.stallAfterBytes = 500;
    m_server->addFault(f);
    const Result r = get(link, {}, 300);
    QVERIFY(r.finished);
    QVERIFY(r.error == QNetworkReply::OperationCanceledError || r.error == QNetworkReply::TimeoutError);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s).left(500));
    QVERIFY(r.elapsedMs >= 250);
}

void TestSandboxFaults::faultContentLengthDelta()
{
    const QByteArray content = m_server->contentOf(u"report_abc123"_s);
    Fault shorter;
    shorter.host = Fault::Host::Download;
    shorter.contentLengthDelta = -10;
    m_server->addFault(shorter);
    const Result less = get(ticketUrl(u"report_abc123"_s));
    QCOMPARE(less.header("Content-Length").toLongLong(), content.size() - 10);
    QCOMPARE(less.body, content.left(content.size() - 10));

    Fault longer = shorter;
    longer.contentLengthDelta = 10;
    m_server->addFault(longer);
    const Result more = get(ticketUrl(u"report_abc123"_s));
    QVERIFY(more.finished);
    QCOMPARE(more.header("Content-Length").toLongLong(), content.size() + 10);
    QVERIFY(more.error != QNetworkReply::NoError);
    QCOMPARE(more.body, content);
}

void TestSandboxFaults::faultAppendBytes()
{
    Fault f;
    f.host = Fault::Host::Download;
    f.appendBytes = "TRAILING-GARBAGE";
    m_server->addFault(f);
    const Result r = get(ticketUrl(u"report_abc123"_s));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s) + "TRAILING-GARBAGE");
    QCOMPARE(r.header("Content-Length").toLongLong(), r.body.size());
}

void TestSandboxFaults::faultRedirect()
{
    Fault f;
    f.redirectTo = u"https://evil.example/steal"_s;
    f.pathContains = u"/reports/report_abc123"_s;
    m_server->addFault(f);
    const Result r = api(u"/reports/report_abc123"_s);
    QCOMPARE(r.status, 302);
    QCOMPARE(r.header("Location"), "https://evil.example/steal"_ba);
    QCOMPARE(api(u"/reports/report_abc123"_s).status, 200);
}

void TestSandboxFaults::faultTargetsOnlyItsHost()
{
    m_server->addClient(u"c"_s, u"s"_s);
    Fault f;
    f.host = Fault::Host::Token;
    f.status = 502;
    f.body = "Bad gateway";
    m_server->addFault(f);
    QCOMPARE(api(u"/reports"_s).status, 200);
    QCOMPARE(get(ticketUrl(u"report_abc123"_s)).status, 200);
    QCOMPARE(postToken("grant_type=client_credentials&client_id=c&client_secret=s").status, 502);
    QCOMPARE(postToken("grant_type=client_credentials&client_id=c&client_secret=s").status, 200);
}

void TestSandboxFaults::survivesGarbageAndAbortedClients()
{
    auto raw = [this](const QByteArray &bytes) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->apiUrl().port()));
        if (!socket.waitForConnected(5000))
            return QByteArray();
        socket.write(bytes);
        QByteArray answer;
        QSignalSpy closed(&socket, &QTcpSocket::disconnected);
        while (socket.state() == QAbstractSocket::ConnectedState && closed.wait(5000))
            ;
        answer += socket.readAll();
        return answer;
    };
    QVERIFY(raw("\x01\x02 garbage \xff\r\n\r\n").startsWith("HTTP/1.1 400 "));
    QVERIFY(raw("GET /x HTTP/1.1\r\nno colon here\r\n\r\n").startsWith("HTTP/1.1 400 "));
    QVERIFY(raw("POST /token HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n").startsWith("HTTP/1.1 413 "));
    QVERIFY(raw("GET /x HTTP/1.1\r\nX: " + QByteArray(70000, 'a')).startsWith("HTTP/1.1 431 "));

    // A client that goes away in the middle of a big body.
    SandboxReport big = makeReport(u"report_big001"_s, {});
    big.generatedSize = 64 * 1024 * 1024;
    m_server->addReport(big);
    QNetworkRequest request(ticketUrl(u"report_big001"_s));
    QNetworkReply *reply = m_nam->get(request);
    QSignalSpy progress(reply, &QNetworkReply::downloadProgress);
    QVERIFY(progress.wait(5000));
    reply->abort();
    reply->deleteLater();

    const Result after = api(u"/reports/report_abc123"_s);
    QCOMPARE(after.status, 200);
}

QTEST_GUILESS_MAIN(TestSandboxFaults)
#include "tst_sandboxfaults.moc"
