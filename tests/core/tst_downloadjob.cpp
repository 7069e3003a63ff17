#include "TestFixture.h"
#include "download/DownloadJob.h"
#include "download/ReportDownloadJob.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>
#include <unistd.h>

using namespace getbill;
using namespace getbill::test;
using sandbox::Fault;

namespace {
sandbox::SandboxReport csvReport(const QString &id, qint64 size = 0)
{
    return TestFixture::csvReport(id, size);
}

int ticketRequests(sandbox::SandboxServer &server, const QString &id)
{
    int n = 0;
    const QList<sandbox::RecordedRequest> requests = server.requests();
    for (const auto &r : requests)
        if (r.host == Fault::Host::Api && r.pathAndQuery.endsWith(QLatin1String("/reports/download/") + id))
            ++n;
    return n;
}

std::unique_ptr<ReportDownloadJob> download(TestFixture &f, const QString &id, const DownloadTarget &target)
{
    return f.download(id, target);
}
} // namespace

class TestDownloadJob : public QObject
{
    Q_OBJECT
private slots:
    void savesByteIdenticalFileUnderSanitisedName();
    void everySampleFormatIsReal();
    void existingFileIsLeftUntouched();
    void overwriteReplacesAtomically();
    void uniqueFolderNeverOverwrites();
    void announcedSizeMismatchIsIntegrityError();
    void bodyLongerThanFileSizeIsStopped();
    void cutConnectionIsRetriedWithAFreshLink();
    void singleUseLinkIsNeverReused();
    void expiredLinksAreRefreshedAtMostTwice();
    void insecureRedirectIsNotFollowed();
    void cancelLeavesNothing();
    void unwritableFolderIsAClearLocalError();
    void missingFolder();
    void reportsProgressAndSpeed();
};

void TestDownloadJob::savesByteIdenticalFileUnderSanitisedName()
{
    TestFixture f;
    sandbox::SandboxReport r = csvReport(QStringLiteral("report_hostile"));
    r.filename = QStringLiteral("../../etc/\u202Ecod.csv");
    f.server().addReport(r);
    auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(job->state(), ReportDownloadJob::State::Done);
    QCOMPARE(QFileInfo(job->targetPath()).fileName(), QStringLiteral("cod.csv"));
    QCOMPARE(f.files(), QStringList{QStringLiteral("cod.csv")});
    QCOMPARE(readFile(job->targetPath()), f.server().contentOf(r.id));
    QVERIFY(f.downloadHostSawNoAuthorization());
    // The download request asked for identity encoding and carried no cookie.
    for (const auto &req : f.server().requests())
        if (req.host == Fault::Host::Download) {
            QCOMPARE(req.headers.value("accept-encoding"), QByteArray("identity"));
            QVERIFY(!req.headers.contains("cookie"));
        }
}

void TestDownloadJob::everySampleFormatIsReal()
{
    TestFixture f;
    QSet<QString> seen;
    for (const sandbox::SandboxReport &r : f.server().reports()) {
        if (!r.downloadAvailable || r.generatedSize > 0 || seen.contains(r.mimeType))
            continue;
        seen.insert(r.mimeType);
        auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
        QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
        const QByteArray bytes = readFile(job->targetPath());
        QCOMPARE(bytes, f.server().contentOf(r.id));
        if (r.mimeType == QLatin1String("application/pdf"))
            QVERIFY(bytes.startsWith("%PDF-") && bytes.trimmed().endsWith("%%EOF"));
        else if (r.mimeType.contains(QLatin1String("spreadsheetml")))
            QVERIFY(bytes.startsWith("PK\x03\x04"));
        else if (r.mimeType == QLatin1String("text/csv"))
            QVERIFY(bytes.count('\n') > 2 && bytes.count(',') > 2);
    }
    QCOMPARE(seen.size(), 3);
}

void TestDownloadJob::existingFileIsLeftUntouched()
{
    TestFixture f;
    f.server().addReport(csvReport(QStringLiteral("report_exists")));
    const QString path = QDir(f.folder()).filePath(QStringLiteral("report_exists.csv"));
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("precious");
    old.close();
    auto job = download(f, QStringLiteral("report_exists"), DownloadTarget::folder(f.folder()));
    QCOMPARE(job->error().kind(), ApiError::Kind::LocalFile);
    QVERIFY2(job->error().message().contains(QLatin1String("already exists")), qPrintable(job->error().message()));
    QCOMPARE(readFile(path), QByteArray("precious"));
    QCOMPARE(f.files(), QStringList{QStringLiteral("report_exists.csv")});
}

void TestDownloadJob::overwriteReplacesAtomically()
{
    TestFixture f;
    f.server().addReport(csvReport(QStringLiteral("report_over")));
    const QString path = QDir(f.folder()).filePath(QStringLiteral("report_over.csv"));
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("old");
    old.close();
    auto job = download(f, QStringLiteral("report_over"), DownloadTarget::folder(f.folder(), true));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(readFile(path), f.server().contentOf(QStringLiteral("report_over")));
    QCOMPARE(f.files().size(), 1);
}

void TestDownloadJob::uniqueFolderNeverOverwrites()
{
    TestFixture f;
    f.server().addReport(csvReport(QStringLiteral("report_twice")));
    auto first = download(f, QStringLiteral("report_twice"), DownloadTarget::uniqueInFolder(f.folder()));
    auto second = download(f, QStringLiteral("report_twice"), DownloadTarget::uniqueInFolder(f.folder()));
    QVERIFY(first->succeeded() && second->succeeded());
    QCOMPARE(f.files(), (QStringList{QStringLiteral("report_twice (1).csv"), QStringLiteral("report_twice.csv")}));
}

void TestDownloadJob::announcedSizeMismatchIsIntegrityError()
{
    TestFixture f;
    sandbox::SandboxReport r = csvReport(QStringLiteral("report_short"));
    r.advertisedSize = r.content.size() + 100; // GetBill promises more than the host sends
    f.server().addReport(r);
    auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
    QCOMPARE(job->error().category(), ApiError::Category::Integrity);
    QVERIFY2(job->error().message().contains(QLatin1String("was not saved")), qPrintable(job->error().message()));
    QVERIFY(f.files().isEmpty());
}

void TestDownloadJob::bodyLongerThanFileSizeIsStopped()
{
    TestFixture f;
    const sandbox::SandboxReport r = csvReport(QStringLiteral("report_long"));
    f.server().addReport(r);
    Fault extra;
    extra.host = Fault::Host::Download;
    extra.times = -1;
    extra.appendBytes = QByteArray(4096, 'X');
    extra.contentLengthDelta = 0;
    f.server().addFault(extra);
    auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
    QCOMPARE(job->error().kind(), ApiError::Kind::Integrity);
    QVERIFY(f.files().isEmpty());
}

void TestDownloadJob::cutConnectionIsRetriedWithAFreshLink()
{
    TestFixture f;
    const sandbox::SandboxReport r = csvReport(QStringLiteral("report_cut"), 512 * 1024);
    f.server().addReport(r);
    Fault cut;
    cut.host = Fault::Host::Download;
    cut.cutAfterBytes = 256 * 1024;
    f.server().addFault(cut);
    auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(job->attempts(), 2);
    QCOMPARE(ticketRequests(f.server(), r.id), 2);
    QCOMPARE(readFile(job->targetPath()), f.server().contentOf(r.id));
    QCOMPARE(f.files().size(), 1);
}

void TestDownloadJob::singleUseLinkIsNeverReused()
{
    TestFixture f;
    f.server().setSingleUseLinks(true);
    const sandbox::SandboxReport r = csvReport(QStringLiteral("report_once"));
    f.server().addReport(r);
    auto first = download(f, r.id, DownloadTarget::folder(f.folder()));
    QVERIFY(first->succeeded());
    auto second = download(f, r.id, DownloadTarget::uniqueInFolder(f.folder()));
    QVERIFY2(second->succeeded(), qPrintable(second->error().message()));
    QCOMPARE(ticketRequests(f.server(), r.id), 2);
    QSet<QString> links;
    for (const auto &req : f.server().requests())
        if (req.host == Fault::Host::Download)
            links.insert(req.pathAndQuery);
    QCOMPARE(links.size(), 2);
}

void TestDownloadJob::expiredLinksAreRefreshedAtMostTwice()
{
    TestFixture f;
    f.server().setLinkLifetime(0);
    const sandbox::SandboxReport r = csvReport(QStringLiteral("report_expired"));
    f.server().addReport(r);
    auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
    QCOMPARE(job->error().kind(), ApiError::Kind::LinkRejected);
    QVERIFY2(job->error().message().contains(QLatin1String("expired")), qPrintable(job->error().message()));
    QCOMPARE(ticketRequests(f.server(), r.id), 1 + ReportDownloadJob::maxLinkRefreshes);
    QVERIFY(f.files().isEmpty());
}

void TestDownloadJob::insecureRedirectIsNotFollowed()
{
    TestFixture f;
    const sandbox::SandboxReport r = csvReport(QStringLiteral("report_redirect"));
    f.server().addReport(r);
    Fault redirect;
    redirect.host = Fault::Host::Download;
    redirect.times = -1;
    redirect.redirectTo = QStringLiteral("http://downloads.example.com/file.csv?signature=x");
    f.server().addFault(redirect);
    auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
    QCOMPARE(job->error().kind(), ApiError::Kind::InsecureUrl);
    QVERIFY(job->error().message().contains(QLatin1String("http://downloads.example.com/file.csv")));
    QVERIFY(!job->error().message().contains(QLatin1String("signature")));
    QVERIFY(f.files().isEmpty());
}

void TestDownloadJob::cancelLeavesNothing()
{
    TestFixture f;
    const sandbox::SandboxReport r = csvReport(QStringLiteral("report_big"), 64 * 1024 * 1024);
    f.server().addReport(r);
    Fault stall;
    stall.host = Fault::Host::Download;
    stall.stallAfterBytes = 1024 * 1024;
    f.server().addFault(stall);
    ReportDownloadJob job(&f.api(), r.id, DownloadTarget::folder(f.folder()));
    QSignalSpy progress(&job, &Job::progress);
    job.start();
    QVERIFY(progress.wait(10'000));
    QCOMPARE(job.state(), ReportDownloadJob::State::Downloading);
    QTRY_VERIFY(QFileInfo::exists(QDir(f.folder()).filePath(QStringLiteral("report_big.csv.part"))));
    QSignalSpy finished(&job, &Job::finished);
    job.cancel();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(job.error().kind(), ApiError::Kind::Cancelled);
    QCOMPARE(job.state(), ReportDownloadJob::State::Cancelled);
    QVERIFY(f.files().isEmpty());
}

void TestDownloadJob::unwritableFolderIsAClearLocalError()
{
    TestFixture f;
    const sandbox::SandboxReport r = csvReport(QStringLiteral("report_ro"));
    f.server().addReport(r);
    // Permissions do not stop root (CI runs as root): the immutable attribute does, where the file system has it.
    const bool root = geteuid() == 0;
    if (root && QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("+i"), f.folder()}) != 0)
        QSKIP("cannot make a folder unwritable for root here (no chattr +i)");
    if (!root)
        QFile::setPermissions(f.folder(), QFile::ReadOwner | QFile::ExeOwner);
    auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
    if (root)
        QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("-i"), f.folder()});
    else
        QFile::setPermissions(f.folder(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QCOMPARE(job->error().kind(), ApiError::Kind::LocalFile);
    QVERIFY2(job->error().message().contains(QLatin1String("Cannot write in the folder")),
             qPrintable(job->error().message()));
    QVERIFY(f.files().isEmpty());
}

void TestDownloadJob::missingFolder()
{
    TestFixture f;
    const QString missing = QDir(f.folder()).filePath(QStringLiteral("nope"));
    auto job = download(f, f.server().reports().first().id, DownloadTarget::folder(missing));
    QCOMPARE(job->error().kind(), ApiError::Kind::LocalFile);
    QVERIFY(job->error().message().contains(QLatin1String("does not exist")));
    auto file = download(f, f.server().reports().first().id,
                         DownloadTarget::file(QDir(missing).filePath(QStringLiteral("x.pdf"))));
    QCOMPARE(file->error().kind(), ApiError::Kind::LocalFile);
}

void TestDownloadJob::reportsProgressAndSpeed()
{
    TestFixture f;
    const sandbox::SandboxReport r = csvReport(QStringLiteral("report_speed"), 8 * 1024 * 1024);
    f.server().addReport(r);
    ReportDownloadJob job(&f.api(), r.id, DownloadTarget::file(QDir(f.folder()).filePath(QStringLiteral("s.csv"))));
    QSignalSpy progress(&job, &Job::progress);
    job.start();
    QVERIFY(TestFixture::waitFor(&job));
    QVERIFY2(job.succeeded(), qPrintable(job.error().message()));
    QVERIFY(progress.size() > 1);
    QCOMPARE(progress.last().at(0).toLongLong(), r.generatedSize);
    QCOMPARE(progress.last().at(1).toLongLong(), r.generatedSize);
    qint64 previous = 0;
    for (const QList<QVariant> &p : progress) {
        QVERIFY(p.at(0).toLongLong() >= previous);
        previous = p.at(0).toLongLong();
    }
    QCOMPARE(QFileInfo(job.targetPath()).size(), r.generatedSize);
}

QTEST_GUILESS_MAIN(TestDownloadJob)
#include "tst_downloadjob.moc"
