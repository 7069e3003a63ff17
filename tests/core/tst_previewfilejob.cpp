// PreviewFileJob against the sandbox: a saved file is read where it is, the cache answers the second time, a
// download goes into the cache only (verified, 0600), and every refusal or failure says why and keeps nothing.

#include "TestFixture.h"
#include "api/ReportJobs.h"
#include "download/DownloadHistory.h"
#include "preview/PreviewCache.h"
#include "preview/PreviewFileJob.h"

#include <QDir>
#include <QSignalSpy>
#include <QTest>
#include <sys/stat.h>

using namespace getbill;
using namespace getbill::test;
using Origin = PreviewFileJob::Origin;

namespace {

int ticketRequests(sandbox::SandboxServer &server, const QString &id)
{
    int n = 0;
    const auto requests = server.requests();
    for (const auto &r : requests)
        if (r.host == sandbox::Fault::Host::Api && r.pathAndQuery.endsWith(QStringLiteral("/reports/download/") + id))
            ++n;
    return n;
}

/// The report as the API describes it (what the window's list holds).
Report lookUp(TestFixture &f, const QString &id)
{
    std::unique_ptr<ReportJob> job(f.api().fetchReport(id));
    if (!TestFixture::waitFor(job.get()) || !job->succeeded())
        return {};
    return job->report();
}

std::unique_ptr<PreviewFileJob> run(TestFixture &f, DownloadHistory *history, PreviewCache *cache, const Report &r)
{
    auto job = std::make_unique<PreviewFileJob>(&f.api(), history, cache, r);
    TestFixture::waitFor(job.get(), 30'000);
    return job;
}

QStringList cacheFiles(const PreviewCache &cache)
{
    QStringList names = QDir(cache.folder()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    names.removeAll(QStringLiteral("index.json"));
    return names;
}

} // namespace

class TestPreviewFileJob : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        m_data = std::make_unique<QTemporaryDir>();
        qputenv("XDG_DATA_HOME", m_data->path().toUtf8());
    }

    void downloadsIntoTheCacheOnceThenReadsItThere()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_csv")));
        PreviewCache cache(QDir(f.folder()).filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = lookUp(f, QStringLiteral("report_csv"));
        QVERIFY(r.canDownload());

        auto first = run(f, nullptr, &cache, r);
        QVERIFY2(first->succeeded(), qPrintable(first->error().message()));
        QCOMPARE(first->origin(), Origin::Downloaded);
        QCOMPARE(first->path(), cache.pathFor(r));
        QCOMPARE(readFile(first->path()), f.server().contentOf(r.id));
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(first->path()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        QCOMPARE(ticketRequests(f.server(), r.id), 1);
        QCOMPARE(f.downloadRequests().size(), 1);
        QVERIFY(f.downloadHostSawNoAuthorization());
        QCOMPARE(cache.entries().size(), 1);
        QCOMPARE(cache.entries().first().sha256,
                 QString::fromLatin1(
                     QCryptographicHash::hash(f.server().contentOf(r.id), QCryptographicHash::Sha256).toHex()));
        // Nothing of the download stays beside it.
        QCOMPARE(cacheFiles(cache), QStringList{QFileInfo(first->path()).fileName()});

        auto second = run(f, nullptr, &cache, r);
        QVERIFY(second->succeeded());
        QCOMPARE(second->origin(), Origin::Cache);
        QCOMPARE(second->path(), first->path());
        QCOMPARE(ticketRequests(f.server(), r.id), 1);
        QCOMPARE(f.downloadRequests().size(), 1);
    }

    void aSavedFileIsReadWhereItIs()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_saved")));
        const Report r = lookUp(f, QStringLiteral("report_saved"));
        const QString saved = QDir(f.folder()).filePath(QStringLiteral("saved.csv"));
        QFile file(saved);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(f.server().contentOf(r.id));
        file.close();
        DownloadHistory history(QDir(f.folder()).filePath(QStringLiteral("history.json")));
        QVERIFY(history.add(
            {r.id, QStringLiteral("saved.csv"), saved, file.size(), QString(), QDateTime::currentDateTimeUtc()}));
        PreviewCache cache(QDir(f.folder()).filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        f.server().clearRequests();
        auto job = run(f, &history, &cache, r);
        QVERIFY(job->succeeded());
        QCOMPARE(job->origin(), Origin::SavedCopy);
        QCOMPARE(job->path(), saved);
        QVERIFY(f.server().requests().isEmpty());
        QVERIFY(cacheFiles(cache).isEmpty());

        // Once the saved file is gone (or another size), the preview downloads into its cache instead.
        QVERIFY(QFile::resize(saved, 3));
        auto again = run(f, &history, &cache, r);
        QVERIFY(again->succeeded());
        QCOMPARE(again->origin(), Origin::Downloaded);
        QCOMPARE(ticketRequests(f.server(), r.id), 1);
    }

    void aReportNotReadyIsRefusedWithoutARequest()
    {
        TestFixture f;
        sandbox::SandboxReport pending = TestFixture::csvReport(QStringLiteral("report_later"));
        pending.status = QStringLiteral("processing");
        pending.downloadAvailable = false;
        f.server().addReport(pending);
        PreviewCache cache(QDir(f.folder()).filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = lookUp(f, pending.id);
        f.server().clearRequests();
        auto job = run(f, nullptr, &cache, r);
        QVERIFY(!job->succeeded());
        QVERIFY2(job->error().message().contains(QStringLiteral("nothing to preview yet")),
                 qPrintable(job->error().message()));
        QVERIFY(f.server().requests().isEmpty());
    }

    void aReportLargerThanTheCacheIsRefusedWithoutARequest()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_big"), 4096));
        PreviewCache cache(QDir(f.folder()).filePath(QStringLiteral("previews")), 1000);
        QVERIFY(cache.open());
        const Report r = lookUp(f, QStringLiteral("report_big"));
        f.server().clearRequests();
        auto job = run(f, nullptr, &cache, r);
        QVERIFY(!job->succeeded());
        QVERIFY2(job->error().message().contains(QStringLiteral("too large to preview")),
                 qPrintable(job->error().message()));
        QVERIFY(f.server().requests().isEmpty());
    }

    void withoutAPrivateCacheNothingIsDownloaded()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_csv")));
        const Report r = lookUp(f, QStringLiteral("report_csv"));
        f.server().clearRequests();
        PreviewCache closed(QDir(f.folder()).filePath(QStringLiteral("never-opened")));
        for (PreviewCache *cache : {static_cast<PreviewCache *>(nullptr), &closed}) {
            auto job = run(f, nullptr, cache, r);
            QVERIFY(!job->succeeded());
            QVERIFY2(job->error().message().contains(QStringLiteral("no private folder")),
                     qPrintable(job->error().message()));
        }
        QVERIFY(f.server().requests().isEmpty());
    }

    void aWrongSizeKeepsNothing()
    {
        TestFixture f;
        sandbox::SandboxReport liar = TestFixture::csvReport(QStringLiteral("report_liar"));
        f.server().addReport(liar);
        PreviewCache cache(QDir(f.folder()).filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = lookUp(f, liar.id);
        sandbox::Fault longer;
        longer.host = sandbox::Fault::Host::Download;
        longer.appendBytes = "<script>more</script>";
        longer.times = -1;
        f.server().addFault(longer);
        auto job = run(f, nullptr, &cache, r);
        QVERIFY(!job->succeeded());
        QCOMPARE(job->error().kind(), ApiError::Kind::Integrity);
        QVERIFY(cacheFiles(cache).isEmpty());
        QVERIFY(cache.entries().isEmpty());
    }

    void clearingWhileItDownloadsKeepsNothing()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_slow"), 256 * 1024));
        PreviewCache cache(QDir(f.folder()).filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = lookUp(f, QStringLiteral("report_slow"));
        sandbox::Fault slow;
        slow.host = sandbox::Fault::Host::Download;
        slow.delayMs = 300;
        f.server().addFault(slow);
        PreviewFileJob job(&f.api(), nullptr, &cache, r);
        QSignalSpy states(&job, &PreviewFileJob::downloadStateChanged);
        job.start();
        QTRY_VERIFY(!states.isEmpty() &&
                    states.last().first().value<ReportDownloadJob::State>() == ReportDownloadJob::State::Downloading);
        cache.clear(); // signing out
        QVERIFY(TestFixture::waitFor(&job));
        QCOMPARE(job.error().kind(), ApiError::Kind::Cancelled);
        QVERIFY(cacheFiles(cache).isEmpty());
        QVERIFY(cache.entries().isEmpty());
    }

    void anotherAccountCancelsIt()
    {
        TestFixture f;
        TestFixture other;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_stalls"), 4 * 1024 * 1024));
        PreviewCache cache(QDir(f.folder()).filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = lookUp(f, QStringLiteral("report_stalls"));
        sandbox::Fault stall;
        stall.host = sandbox::Fault::Host::Download;
        stall.stallAfterBytes = 1024 * 1024;
        f.server().addFault(stall);
        PreviewFileJob job(&f.api(), nullptr, &cache, r);
        QSignalSpy progress(&job, &Job::progress);
        job.start();
        // The file is streaming (not an API call the client itself would cancel) when the account changes.
        QTRY_VERIFY(!progress.isEmpty() && progress.last().first().toLongLong() > 0);
        QVERIFY(f.api().setBaseUrl(other.server().apiUrl()));
        QVERIFY(job.isFinished());
        QCOMPARE(job.error().kind(), ApiError::Kind::Cancelled);
        QVERIFY(cacheFiles(cache).isEmpty());
        QVERIFY(other.server().requests().isEmpty());
    }

private:
    std::unique_ptr<QTemporaryDir> m_data;
};

QTEST_GUILESS_MAIN(TestPreviewFileJob)
#include "tst_previewfilejob.moc"
