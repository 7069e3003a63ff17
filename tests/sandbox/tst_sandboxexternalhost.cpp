// An external download host (nginx's secure_link): signed links, files written once, hostile names.
// Drives the sandbox over real loopback sockets with a real QNetworkAccessManager, as the client will.
#include "SandboxTestCase.h"
#include "sandbox/GeneratedBody.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace getbill::sandbox;
using namespace getbill::sandbox::test;
using namespace Qt::Literals::StringLiterals;

class TestSandboxExternalHost : public SandboxTestCase
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void secureLinkMd5MatchesNginxFormat();
    void externalHostLinksAndWritesFileOnce();
    void externalHostStreamsLargeBodiesToDisk();
    void externalHostKeepsHostileNamesInsideTheFolder();
    void externalHostLinkLifetime();
    void externalHostUnwritableFolderIs500();
    void externalHostOffLinksToOwnHostAgain();
    void externalHostFilePreparedAhead();
};

void TestSandboxExternalHost::init()
{
    SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY2(startServer(options), qPrintable(m_server->errorString()));
    if (!options.sampleData)
        addStandardReports();
}

void TestSandboxExternalHost::cleanup()
{
    stopServer();
}

// ---------------------------------------------------------------------------------------------------------------

void TestSandboxExternalHost::secureLinkMd5MatchesNginxFormat()
{
    // printf '%s' '2147483647/files/report.pdf s3cret' | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =
    QCOMPARE(SandboxServer::secureLinkMd5(u"/files/report.pdf"_s, 2147483647, "s3cret"), "2hxB03N8c5x5MfqVDygk-g"_ba);
}

void TestSandboxExternalHost::externalHostLinksAndWritesFileOnce()
{
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "s3cret", folder.path()});
    QVERIFY(m_server->externalFilePath(u"report_abc123"_s).isEmpty());
    const QJsonObject data = ticketData(u"report_abc123"_s);
    const QUrl link(data[u"download_url"_s].toString());
    QCOMPARE(link.scheme(), u"https"_s);
    QCOMPARE(link.host(), u"localhost"_s);
    QCOMPARE(link.port(), 4443);
    QCOMPARE(link.path(), u"/files/financial_summary_2024_01.csv"_s);
    const QUrlQuery query(link);
    const qint64 expires = query.queryItemValue(u"expires"_s).toLongLong();
    QCOMPARE(query.queryItemValue(u"md5"_s).toLatin1(), SandboxServer::secureLinkMd5(link.path(), expires, "s3cret"));
    QVERIFY(!query.hasQueryItem(u"signature"_s));
    QCOMPARE(QDateTime::fromString(data[u"expires_at"_s].toString(), Qt::ISODate).toSecsSinceEpoch(), expires);
    QVERIFY(qAbs(expires - QDateTime::currentSecsSinceEpoch() - 3600) < 5);
    QCOMPARE(data[u"file_size"_s].toInteger(), m_server->contentOf(u"report_abc123"_s).size());

    const QString path = QDir(folder.path()).filePath(u"financial_summary_2024_01.csv"_s);
    QCOMPARE(m_server->externalFilePath(u"report_abc123"_s), path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), m_server->contentOf(u"report_abc123"_s));
    file.close();
    // Once: a second ticket leaves the file alone; a changed report is written again.
    const QDateTime written = QFileInfo(path).lastModified();
    QTest::qWait(20);
    QVERIFY(!ticketData(u"report_abc123"_s).isEmpty());
    QCOMPARE(QFileInfo(path).lastModified(), written);
    m_server->addReport(makeReport(u"report_abc123"_s, "changed\n"_ba));
    QVERIFY(!ticketData(u"report_abc123"_s).isEmpty());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), "changed\n"_ba);
    file.close();

    // Another report with the same file name gets a file of its own.
    m_server->addReport(makeReport(u"report_twin01"_s, "twin\n"_ba));
    const QUrl twin(ticketData(u"report_twin01"_s)[u"download_url"_s].toString());
    QVERIFY(twin.path() != link.path());
    QVERIFY(twin.path().endsWith(u"-financial_summary_2024_01.csv"_s));
    QCOMPARE(QDir(folder.path()).entryList(QDir::Files).size(), 2);
    QCOMPARE(m_server->externalDownloadHost()->secret, "s3cret"_ba);
}

void TestSandboxExternalHost::externalHostStreamsLargeBodiesToDisk()
{
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files"_s), "k", folder.path()});
    SandboxReport big = makeReport(u"report_big001"_s, {});
    big.filename = u"big.csv"_s;
    big.generatedSize = 40 * 1024 * 1024 + 17;
    m_server->addReport(big);
    const QUrl link(ticketData(u"report_big001"_s)[u"download_url"_s].toString());
    QCOMPARE(link.path(), u"/files/big.csv"_s); // a base without the trailing slash still gets one
    QFile file(QDir(folder.path()).filePath(u"big.csv"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.size(), big.generatedSize);
    QCOMPARE(file.read(4096), GeneratedBody::chunk(big.id, 0, 4096));
    QVERIFY(file.seek(big.generatedSize - 5000));
    QCOMPARE(file.readAll(), GeneratedBody::chunk(big.id, big.generatedSize - 5000, 5000));
}

void TestSandboxExternalHost::externalHostKeepsHostileNamesInsideTheFolder()
{
    QTemporaryDir root;
    const QString folder = root.filePath(u"served"_s);
    QVERIFY(QDir().mkpath(folder));
    m_server->setExternalDownloadHost(ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", folder});
    SandboxReport hostile = makeReport(u"report_evil01"_s, "evil\n"_ba);
    hostile.filename = u"../../x.pdf"_s;
    m_server->addReport(hostile);
    const QUrl link(ticketData(u"report_evil01"_s)[u"download_url"_s].toString());
    QVERIFY2(!link.path().contains(u".."_s) && link.path().startsWith(u"/files/"_s), qPrintable(link.path()));
    QCOMPARE(QDir(root.path()).entryList(QDir::Files), QStringList());
    const QStringList served = QDir(folder).entryList(QDir::Files);
    QCOMPARE(served.size(), 1);
    QCOMPARE(u"/files/"_s + served.first(), link.path());
    QCOMPARE(QFileInfo(m_server->externalFilePath(u"report_evil01"_s)).absolutePath(),
             QFileInfo(folder).absoluteFilePath());
}

void TestSandboxExternalHost::externalHostLinkLifetime()
{
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", folder.path()});
    // nginx refuses once expires < now: a lifetime of 0 is already expired there too.
    m_server->setLinkLifetime(0);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 expired = QUrlQuery(QUrl(ticketData(u"report_abc123"_s)[u"download_url"_s].toString()))
                               .queryItemValue(u"expires"_s)
                               .toLongLong();
    QVERIFY2(expired < now + 1 && expired >= now - 2, QByteArray::number(expired - now).constData());
    QVERIFY(expired < QDateTime::currentSecsSinceEpoch());
    m_server->setLinkLifetime(120);
    const qint64 later = QUrlQuery(QUrl(ticketData(u"report_abc123"_s)[u"download_url"_s].toString()))
                             .queryItemValue(u"expires"_s)
                             .toLongLong();
    QVERIFY(qAbs(later - QDateTime::currentSecsSinceEpoch() - 119) <= 2);
}

void TestSandboxExternalHost::externalHostUnwritableFolderIs500()
{
    QTemporaryDir root;
    QFile blocker(root.filePath(u"not-a-folder"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", blocker.fileName() + u"/sub"_s});
    const Result r = api(u"/reports/download/report_abc123"_s);
    QCOMPARE(r.status, 500);
    QVERIFY2(r.json()[u"message"_s].toString().startsWith(u"The sandbox could not write the report file: "_s),
             r.body.constData());
    QVERIFY(m_server->externalFilePath(u"report_abc123"_s).isEmpty());

    m_server->setExternalDownloadHost(ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", {}});
    const Result none = api(u"/reports/download/report_abc123"_s);
    QCOMPARE(none.status, 500);
    QVERIFY2(none.json()[u"message"_s].toString().contains(u"no folder"_s), none.body.constData());
}

void TestSandboxExternalHost::externalHostOffLinksToOwnHostAgain()
{
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", folder.path()});
    QCOMPARE(QUrl(ticketData(u"report_abc123"_s)[u"download_url"_s].toString()).port(), 4443);
    m_server->setExternalDownloadHost(std::nullopt);
    QVERIFY(!m_server->externalDownloadHost());
    QVERIFY(m_server->externalFilePath(u"report_abc123"_s).isEmpty());
    const QUrl own(ticketData(u"report_abc123"_s)[u"download_url"_s].toString());
    QCOMPARE(own.port(), m_server->downloadOrigin().port());
    const Result r = get(own);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, m_server->contentOf(u"report_abc123"_s));
}

void TestSandboxExternalHost::externalHostFilePreparedAhead()
{
    QString error;
    QVERIFY(m_server->prepareExternalFile(u"report_abc123"_s, &error).isEmpty());
    QCOMPARE(error, u"no external download host is set"_s);
    QTemporaryDir folder;
    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", folder.path()});
    QVERIFY(m_server->prepareExternalFile(u"report_nope"_s, &error).isEmpty());
    QCOMPARE(error, u"no report report_nope"_s);
    const QString path = m_server->prepareExternalFile(u"report_abc123"_s, &error);
    QCOMPARE(path, QDir(folder.path()).filePath(u"financial_summary_2024_01.csv"_s));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), m_server->contentOf(u"report_abc123"_s));
    // The ticket then links to the file already written.
    const QDateTime written = QFileInfo(path).lastModified();
    QTest::qWait(20);
    QVERIFY(QUrl(ticketData(u"report_abc123"_s)[u"download_url"_s].toString())
                .path()
                .endsWith(u"/financial_summary_2024_01.csv"_s));
    QCOMPARE(QFileInfo(path).lastModified(), written);

    m_server->setExternalDownloadHost(
        ExternalDownloadHost{QUrl(u"https://localhost:4443/files/"_s), "k", path + u"/not-a-folder"_s});
    QVERIFY(m_server->prepareExternalFile(u"report_abc123"_s, &error).isEmpty());
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestSandboxExternalHost)
#include "tst_sandboxexternalhost.moc"
