// Peak memory of the CLI downloading a 256 MiB report from nginx over TLS, from the HTTP/2 port and from the
// HTTP/1.1-only port: the child's own peak RSS (wait4's ru_maxrss) must stay under 64 MiB whatever the file size,
// because the body is streamed to disk through a bounded buffer. Its own executable: it moves half a GiB per row.
#include "ChildProcess.h"
#include "NginxCli.h"
#include "NginxServer.h"
#include "sandbox/GeneratedBody.h"
#include "sandbox/SandboxServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace getbill;
using namespace getbill::test;
using Protocol = NginxServer::Protocol;

namespace {
constexpr qint64 FileSize = 256LL * 1024 * 1024;
constexpr qint64 PeakLimitKiB = 64 * 1024;

/// Compares a file with the generated body a MiB at a time (never the whole file in memory).
bool sameAsGenerated(const QString &path, const QString &reportId, qint64 size)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() != size)
        return false;
    constexpr qint64 Chunk = 1024 * 1024;
    for (qint64 offset = 0; offset < size; offset += Chunk) {
        const qint64 length = qMin(Chunk, size - offset);
        if (file.read(length) != sandbox::GeneratedBody::chunk(reportId, offset, length))
            return false;
    }
    return true;
}
} // namespace

class TestNginxMemory : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void peakMemoryOfA256MiBDownload_data();
    void peakMemoryOfA256MiBDownload();

private:
    sandbox::SandboxServer m_sandbox;
    NginxServer m_nginx;
};

void TestNginxMemory::initTestCase()
{
    QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath()));
    sandbox::SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY(m_sandbox.start(options));
    QVERIFY2(m_nginx.start(), qPrintable(m_nginx.errorString()));
    sandbox::SandboxReport r;
    r.id = QStringLiteral("report_ngx_256mib");
    r.type = QStringLiteral("export");
    r.title = QStringLiteral("256 MiB ledger");
    r.filename = QStringLiteral("ledger_256mib.csv");
    r.mimeType = QStringLiteral("text/csv");
    r.generatedSize = FileSize;
    m_sandbox.addReport(r);
}

void TestNginxMemory::peakMemoryOfA256MiBDownload_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::newRow("HTTP/2 port") << Protocol::Http2;
    QTest::newRow("HTTP/1.1 port") << Protocol::Http1;
}

void TestNginxMemory::peakMemoryOfA256MiBDownload()
{
    QFETCH(Protocol, protocol);
    m_sandbox.setExternalDownloadHost(m_nginx.downloadHost(protocol));
    QTemporaryDir home;
    QTemporaryDir output;
    const qsizetype logStart = m_nginx.accessLog().size();
    ChildProcess cli(cliPath(),
                     {QStringLiteral("download"), QStringLiteral("report_ngx_256mib"), QStringLiteral("--output-dir"),
                      output.path()},
                     nginxCliEnvironment(home.path(), m_sandbox.apiUrl(), m_nginx.caBundlePath()));
    QVERIFY2(cli.start(), qPrintable(cli.errorString()));
    QVERIFY(cli.wait(120'000));
    const ChildResult r = cli.result();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString saved = QDir(output.path()).filePath(QStringLiteral("ledger_256mib.csv"));
    QVERIFY(sameAsGenerated(saved, QStringLiteral("report_ngx_256mib"), FileSize));
    const QList<NginxLogEntry> files =
        fileRequests(m_nginx.accessLog().mid(logStart), QStringLiteral("ledger_256mib.csv"));
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().bytes, FileSize);
    qInfo("peak RSS %.1f MiB, %.2f s, file over %s", static_cast<double>(r.maxRssKiB) / 1024.0,
          static_cast<double>(r.elapsedMs) / 1000.0, qPrintable(files.first().protocol));
    QVERIFY2(r.maxRssKiB > 0 && r.maxRssKiB < PeakLimitKiB,
             qPrintable(QStringLiteral("peak RSS %1 KiB over %2 (limit %3 KiB)")
                            .arg(r.maxRssKiB)
                            .arg(files.first().protocol)
                            .arg(PeakLimitKiB)));
}

QTEST_GUILESS_MAIN(TestNginxMemory)
#include "tst_nginx_memory.moc"
