// The request log: what arrived, as tests assert on it, and bounded however much arrives (RequestLog).
// Drives the sandbox over real loopback sockets, with a real QNetworkAccessManager or raw sockets.
#include "SandboxTestCase.h"
#include "sandbox/RequestLog.h"

#include <QEventLoop>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <functional>

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
    void logKeepsTheNewestRequests();
    void defaultLimitAndLoweringIt();
    void largeBodyIsRecordedTruncated();
    void headersAndPathAreBounded();
    void byteBudgetDropsTheOldest();
    void zeroLimitRecordsNothingButStillSignals();

private:
    /// Sends `count` requests (request(i) gives each one's bytes), `parallel` connections at a time, and waits until
    /// the server closed every one; false after 120 s.
    bool pump(int count, int parallel, const std::function<QByteArray(int)> &request);
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

bool TestSandboxRequestLog::pump(int count, int parallel, const std::function<QByteArray(int)> &request)
{
    QEventLoop loop;
    int started = 0;
    int finished = 0;
    std::function<void()> next = [&] {
        if (started == count)
            return;
        const QByteArray bytes = request(started++);
        auto *socket = new QTcpSocket(&loop);
        connect(socket, &QTcpSocket::connected, socket, [socket, bytes] { socket->write(bytes); });
        connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
        connect(socket, &QTcpSocket::disconnected, &loop, [&, socket] {
            socket->deleteLater();
            if (++finished == count)
                loop.quit();
            else
                next();
        });
        connect(socket, &QTcpSocket::errorOccurred, &loop, [socket](QAbstractSocket::SocketError error) {
            if (error != QAbstractSocket::RemoteHostClosedError)
                qWarning() << "pump:" << socket->errorString();
        });
        socket->connectToHost(QHostAddress::LocalHost, quint16(m_server->apiUrl().port()));
    };
    for (int i = 0; i < parallel; ++i)
        next();
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit);
    loop.exec();
    return finished == count;
}

void TestSandboxRequestLog::logKeepsTheNewestRequests()
{
    m_server->setRequestLogLimit(100);
    QStringList arrived;
    arrived.reserve(20'000);
    connect(m_server.get(), &SandboxServer::requestReceived, this,
            [&arrived](const RecordedRequest &r) { arrived.append(r.pathAndQuery); });
    QVERIFY(pump(20'000, 8, [](int i) -> QByteArray {
        return "GET /external-api/v1/reports/report_" + QByteArray::number(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }));
    QCOMPARE(arrived.size(), 20'000);
    const QList<RecordedRequest> log = m_server->requests();
    QCOMPARE(log.size(), 100);
    // The newest 100, oldest first, in the order they arrived.
    for (int i = 0; i < 100; ++i)
        QCOMPARE(log[i].pathAndQuery, arrived[20'000 - 100 + i]);
    QVERIFY(log.last().pathAndQuery.startsWith(u"/external-api/v1/reports/report_"_s));
}

void TestSandboxRequestLog::defaultLimitAndLoweringIt()
{
    QVERIFY(pump(RequestLog::DefaultMaxRecords + 50, 8, [](int i) -> QByteArray {
        return "GET /external-api/v1/reports/r" + QByteArray::number(i) + " HTTP/1.1\r\n\r\n";
    }));
    const QList<RecordedRequest> all = m_server->requests();
    QCOMPARE(all.size(), 10'000);
    QCOMPARE(RequestLog::DefaultMaxRecords, 10'000);
    // Lowering the limit drops the oldest at once.
    m_server->setRequestLogLimit(10);
    const QList<RecordedRequest> newest = m_server->requests();
    QCOMPARE(newest.size(), 10);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(newest[i].pathAndQuery, all[all.size() - 10 + i].pathAndQuery);
    // Raising it again does not bring anything back, and new requests are kept up to the new limit.
    m_server->setRequestLogLimit(1000);
    QCOMPARE(m_server->requests().size(), 10);
    QCOMPARE(api(u"/reports"_s).status, 200);
    QCOMPARE(m_server->requests().size(), 11);
    QCOMPARE(m_server->requests().last().pathAndQuery, u"/external-api/v1/reports"_s);
}

void TestSandboxRequestLog::largeBodyIsRecordedTruncated()
{
    QByteArray body(1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = char('a' + i % 26);
    QNetworkRequest request(m_server->tokenUrl());
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/octet-stream"_ba);
    QCOMPARE(run(m_nam->post(request, body)).status, 400); // not a form: refused, but it arrived whole
    postToken("grant_type=client_credentials");

    const QList<RecordedRequest> log = m_server->requests();
    QCOMPARE(log.size(), 2);
    QCOMPARE(log[0].bodySize, 1024 * 1024);
    QCOMPARE(log[0].body.size(), RequestLog::MaxBodyBytes);
    QCOMPARE(log[0].body, body.left(64 * 1024));
    QVERIFY(log[0].truncated);
    QCOMPARE(log[0].headers.value("content-length"), "1048576"_ba);
    QCOMPARE(log[1].body, "grant_type=client_credentials"_ba);
    QCOMPARE(log[1].bodySize, log[1].body.size());
    QVERIFY(!log[1].truncated);
}

void TestSandboxRequestLog::headersAndPathAreBounded()
{
    // 100 small headers: the first 64 by name are kept.
    QByteArray many = "GET /external-api/v1/reports HTTP/1.1\r\n";
    for (int i = 0; i < 100; ++i)
        many += "X-H" + QByteArray::number(i).rightJustified(3, '0') + ": v\r\n";
    many += "\r\n";
    // One header larger than the header budget is left out; the others stay.
    const QByteArray big =
        "GET /external-api/v1/reports HTTP/1.1\r\nA-Small: 1\r\nB-Big: " + QByteArray(RequestLog::MaxHeaderBytes, 'b') +
        "\r\nC-Small: 2\r\n\r\n";
    // A path longer than the bound is cut.
    const QByteArray longPath = "GET /external-api/v1/reports?q=" + QByteArray(20'000, 'q') + " HTTP/1.1\r\n\r\n";
    const QList<QByteArray> requests{many, big, longPath};
    QVERIFY(pump(3, 1, [&requests](int i) { return requests[i]; }));

    const QList<RecordedRequest> log = m_server->requests();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log[0].headers.size(), RequestLog::MaxHeaders);
    QVERIFY(log[0].headers.contains("x-h000"));
    QVERIFY(log[0].headers.contains("x-h063"));
    QVERIFY(!log[0].headers.contains("x-h064"));
    QVERIFY(log[0].truncated);

    QCOMPARE(log[1].headers.keys(), QList<QByteArray>({"a-small", "c-small"}));
    QVERIFY(log[1].truncated);

    QCOMPARE(log[2].pathAndQuery.size(), RequestLog::MaxTargetBytes);
    QVERIFY(log[2].pathAndQuery.startsWith(u"/external-api/v1/reports?q=qqq"_s));
    QVERIFY(log[2].truncated);
    for (const RecordedRequest &r : log)
        QVERIFY(RequestLog::cost(r) < RequestLog::MaxBodyBytes);
}

void TestSandboxRequestLog::byteBudgetDropsTheOldest()
{
    // Each of these records costs a little more than 64 KiB: a budget of 200 KiB keeps the newest three.
    m_server->setRequestLogByteLimit(200 * 1024);
    for (int i = 0; i < 6; ++i) {
        QNetworkRequest request(m_server->tokenUrl());
        request.setRawHeader("X-Index", QByteArray::number(i));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded"_ba);
        run(m_nam->post(request, QByteArray(100 * 1024, 'x')));
    }
    const QList<RecordedRequest> log = m_server->requests();
    QCOMPARE(log.size(), 3);
    qint64 cost = 0;
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(log[i].headers.value("x-index"), QByteArray::number(3 + i));
        cost += RequestLog::cost(log[i]);
    }
    QVERIFY(cost <= 200 * 1024);
    QVERIFY(cost + RequestLog::MaxBodyBytes > 200 * 1024); // the fourth newest did not fit
    // A budget smaller than any record keeps none; small requests fit again afterwards only under a larger one.
    m_server->setRequestLogByteLimit(100);
    QVERIFY(m_server->requests().isEmpty());
    m_server->setRequestLogByteLimit(RequestLog::DefaultMaxBytes);
    QCOMPARE(api(u"/reports"_s).status, 200);
    QCOMPARE(m_server->requests().size(), 1);
}

void TestSandboxRequestLog::zeroLimitRecordsNothingButStillSignals()
{
    QSignalSpy spy(m_server.get(), &SandboxServer::requestReceived);
    for (const int limit : {0, -3}) {
        m_server->setRequestLogLimit(limit);
        QCOMPARE(api(u"/reports"_s).status, 200);
        QVERIFY(m_server->requests().isEmpty());
    }
    QCOMPARE(spy.size(), 2);
    QCOMPARE(spy.at(1).at(0).value<RecordedRequest>().pathAndQuery, u"/external-api/v1/reports"_s);
}

QTEST_GUILESS_MAIN(TestSandboxRequestLog)
#include "tst_sandboxrequestlog.moc"
