// Saving a report from the preview cache: LocalCopyJob on real files (the commit rules of a download: no-clobber,
// nothing partial left, checksum before the file appears), and the DownloadController copying what the cache holds
// instead of asking GetBill again, falling back to a download when the kept copy cannot be trusted.

#include "SmallFileSystem.h"
#include "TestFixture.h"
#include "api/ReportJobs.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"
#include "download/LocalCopyJob.h"
#include "download/PartialDownload.h"
#include "preview/PreviewCache.h"
#include "preview/PreviewFileJob.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLockFile>
#include <QSignalSpy>
#include <QTest>

using namespace getbill;
using namespace getbill::test;
using State = ReportDownloadJob::State;

namespace {

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

bool write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

LocalCopySource sourceFor(const QString &path, const QByteArray &bytes)
{
    return {path, bytes.size(), sha256(bytes), QStringLiteral("ledger.csv"), QStringLiteral("text/csv")};
}

QStringList filesIn(const QString &folder)
{
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
}

int requestsFor(sandbox::SandboxServer &server, const QString &id)
{
    int n = 0;
    const auto requests = server.requests();
    for (const auto &r : requests)
        if (r.pathAndQuery.contains(id))
            ++n;
    return n;
}

Report lookUp(TestFixture &f, const QString &id)
{
    std::unique_ptr<ReportJob> job(f.api().fetchReport(id));
    if (!TestFixture::waitFor(job.get()) || !job->succeeded())
        return {};
    return job->report();
}

bool waitIdle(DownloadQueue &queue)
{
    return queue.isIdle() || QSignalSpy(&queue, &DownloadQueue::idle).wait(15'000);
}

} // namespace

class TestLocalCopyJob : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        m_data = std::make_unique<QTemporaryDir>();
        qputenv("XDG_DATA_HOME", m_data->path().toUtf8());
        m_dir = std::make_unique<QTemporaryDir>();
        m_out = m_dir->filePath(QStringLiteral("out"));
        QVERIFY(QDir().mkpath(m_out));
    }

    void copiesAndCommits()
    {
        QByteArray bytes;
        for (int i = 0; i < 200'000; ++i)
            bytes += "F-" + QByteArray::number(i) + ";12.50\n";
        const QString source = m_dir->filePath(QStringLiteral("kept.csv"));
        QVERIFY(write(source, bytes));
        const QString target = QDir(m_out).filePath(QStringLiteral("ledger.csv"));
        LocalCopyJob job(sourceFor(source, bytes), QStringLiteral("report_a"), target);
        QSignalSpy progress(&job, &Job::progress);
        QSignalSpy verifying(&job, &LocalCopyJob::verifying);
        QVERIFY(TestFixture::waitFor(&job));
        QVERIFY2(job.succeeded(), qPrintable(job.error().message()));
        QCOMPARE(readFile(target), bytes);
        QCOMPARE(job.sha256(), sha256(bytes));
        QCOMPARE(job.bytesCopied(), bytes.size());
        QCOMPARE(verifying.size(), 1);
        // Chunk by chunk, from the event loop.
        QVERIFY(progress.size() > bytes.size() / LocalCopyJob::chunkBytes);
        QCOMPARE(progress.last().at(0).toLongLong(), bytes.size());
        QCOMPARE(filesIn(m_out), QStringList{QStringLiteral("ledger.csv")});
        QVERIFY(PartialDownload::all().isEmpty());
        QCOMPARE(readFile(source), bytes); // the source is only read
    }

    void anExistingTargetIsLeftAloneUnlessReplacing()
    {
        const QByteArray bytes = "a;b\n1;2\n";
        const QString source = m_dir->filePath(QStringLiteral("kept.csv"));
        QVERIFY(write(source, bytes));
        const QString target = QDir(m_out).filePath(QStringLiteral("ledger.csv"));
        QVERIFY(write(target, "keep me"));
        LocalCopyJob refused(sourceFor(source, bytes), QStringLiteral("report_a"), target);
        QVERIFY(TestFixture::waitFor(&refused));
        QCOMPARE(refused.error().kind(), ApiError::Kind::LocalFile);
        QVERIFY(refused.error().message().contains(QStringLiteral("already exists")));
        QVERIFY(!refused.sourceUnusable());
        QCOMPARE(readFile(target), QByteArray("keep me"));

        LocalCopyJob replacing(sourceFor(source, bytes), QStringLiteral("report_a"), target);
        replacing.setOverwrite(true);
        QVERIFY(TestFixture::waitFor(&replacing));
        QVERIFY(replacing.succeeded());
        QCOMPARE(readFile(target), bytes);
    }

    void aMissingFolderIsALocalError()
    {
        const QByteArray bytes = "a;b\n";
        const QString source = m_dir->filePath(QStringLiteral("kept.csv"));
        QVERIFY(write(source, bytes));
        LocalCopyJob job(sourceFor(source, bytes), QStringLiteral("report_a"),
                         m_dir->filePath(QStringLiteral("nowhere/ledger.csv")));
        QVERIFY(TestFixture::waitFor(&job));
        QCOMPARE(job.error().kind(), ApiError::Kind::LocalFile);
        QVERIFY(job.error().message().contains(QStringLiteral("does not exist")));
        QVERIFY(!job.sourceUnusable());
    }

    void aChangedSourceIsUnusableAndSavesNothing_data()
    {
        QTest::addColumn<QByteArray>("onDisk");
        QTest::addColumn<bool>("present");
        QTest::newRow("other bytes, same size") << QByteArray("a;b\n9;9\n") << true;
        QTest::newRow("other size") << QByteArray("a;b\n1;2\n3;4\n") << true;
        QTest::newRow("gone") << QByteArray() << false;
    }

    void aChangedSourceIsUnusableAndSavesNothing()
    {
        QFETCH(QByteArray, onDisk);
        QFETCH(bool, present);
        const QByteArray recorded = "a;b\n1;2\n";
        const QString source = m_dir->filePath(QStringLiteral("kept.csv"));
        if (present)
            QVERIFY(write(source, onDisk));
        const QString target = QDir(m_out).filePath(QStringLiteral("ledger.csv"));
        LocalCopyJob job(sourceFor(source, recorded), QStringLiteral("report_a"), target);
        QVERIFY(TestFixture::waitFor(&job));
        QCOMPARE(job.error().kind(), ApiError::Kind::Integrity);
        QVERIFY(job.sourceUnusable());
        QVERIFY(filesIn(m_out).isEmpty());
        QVERIFY(PartialDownload::all().isEmpty());
    }

    void cancelLeavesNothing()
    {
        const QByteArray bytes(48 * 1024 * 1024, 'x');
        const QString source = m_dir->filePath(QStringLiteral("kept.csv"));
        QVERIFY(write(source, bytes));
        const QString target = QDir(m_out).filePath(QStringLiteral("ledger.csv"));
        LocalCopyJob job(sourceFor(source, bytes), QStringLiteral("report_a"), target);
        QSignalSpy progress(&job, &Job::progress);
        job.start();
        QTRY_VERIFY(!progress.isEmpty() && progress.last().at(0).toLongLong() > 0);
        job.cancel();
        QVERIFY(job.isFinished());
        QCOMPARE(job.error().kind(), ApiError::Kind::Cancelled);
        QVERIFY(filesIn(m_out).isEmpty());
        QVERIFY(PartialDownload::all().isEmpty());
    }

    void anotherWriterOfTheTargetIsRefused()
    {
        const QByteArray bytes = "a;b\n1;2\n";
        const QString source = m_dir->filePath(QStringLiteral("kept.csv"));
        QVERIFY(write(source, bytes));
        const QString target = QDir(m_out).filePath(QStringLiteral("ledger.csv"));
        QLockFile other(PartialDownload::lockPath(target)); // a download (or the CLI) writing it right now
        QVERIFY(other.tryLock(0));
        LocalCopyJob job(sourceFor(source, bytes), QStringLiteral("report_a"), target);
        QVERIFY(TestFixture::waitFor(&job));
        QCOMPARE(job.error().kind(), ApiError::Kind::LocalFile);
        QVERIFY(!job.sourceUnusable());
        QVERIFY(filesIn(m_out).isEmpty());
    }

    void aTargetThatAppearsMeanwhileIsLeftAlone()
    {
        const QByteArray bytes(24 * 1024 * 1024, 'x');
        const QString source = m_dir->filePath(QStringLiteral("kept.csv"));
        QVERIFY(write(source, bytes));
        const QString target = QDir(m_out).filePath(QStringLiteral("ledger.csv"));
        LocalCopyJob job(sourceFor(source, bytes), QStringLiteral("report_a"), target);
        // Someone saves a file there meanwhile: at the first progress, before the copy can be committed (waiting for
        // a progress to be seen, then writing, raced with a fast disk that had committed already).
        bool written = false;
        connect(
            &job, &Job::progress, this,
            [&](qint64 done) {
                if (done > 0 && !written)
                    written = write(target, "mine");
            },
            Qt::DirectConnection);
        QVERIFY(TestFixture::waitFor(&job));
        QVERIFY(written);
        QCOMPARE(job.error().kind(), ApiError::Kind::LocalFile);
        QCOMPARE(readFile(target), QByteArray("mine"));
        QCOMPARE(filesIn(m_out), QStringList{QStringLiteral("ledger.csv")});
        QVERIFY(PartialDownload::all().isEmpty());
    }

    void aFullDiskSavesNothing()
    {
        SmallFileSystem disk(64 * 1024);
        GETBILL_REQUIRE_MOUNT(disk);
        const QByteArray bytes(1024 * 1024, 'x');
        const QString source = m_dir->filePath(QStringLiteral("kept.csv"));
        QVERIFY(write(source, bytes));
        LocalCopyJob job(sourceFor(source, bytes), QStringLiteral("report_a"), disk.filePath(QStringLiteral("l.csv")));
        QVERIFY(TestFixture::waitFor(&job));
        QCOMPARE(job.error().kind(), ApiError::Kind::LocalFile);
        QVERIFY(!job.sourceUnusable());
        QVERIFY(filesIn(disk.path()).isEmpty());
        QVERIFY(PartialDownload::all().isEmpty());
    }

    void aCopyThatCannotBeSavedFailsWithoutAskingGetBill()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_seen")));
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = lookUp(f, QStringLiteral("report_seen"));
        PreviewFileJob preview(&f.api(), nullptr, &cache, r);
        QVERIFY(TestFixture::waitFor(&preview));
        const int before = requestsFor(f.server(), r.id);
        DownloadController controller(&f.api(), nullptr);
        controller.setPreviewCache(&cache);
        // A folder that is not there, then a name that is taken (no overwrite in folder mode).
        controller.download(QList<Report>{r}, DownloadTarget::folder(m_dir->filePath(QStringLiteral("missing"))));
        QTRY_COMPARE(controller.queue()->rowCount(), 1);
        QVERIFY(waitIdle(*controller.queue()));
        QCOMPARE(controller.queue()->state(0), State::Failed);
        QVERIFY2(controller.queue()->error(0).message().contains(QStringLiteral("does not exist")),
                 qPrintable(controller.queue()->error(0).message()));
        QVERIFY(write(QDir(m_out).filePath(r.filename), "mine"));
        controller.download(QList<Report>{r}, DownloadTarget::folder(m_out));
        QTRY_COMPARE(controller.queue()->rowCount(), 2);
        QVERIFY(waitIdle(*controller.queue()));
        QCOMPARE(controller.queue()->state(1), State::Failed);
        QVERIFY2(controller.queue()->error(1).message().contains(QStringLiteral("already exists")),
                 qPrintable(controller.queue()->error(1).message()));
        QCOMPARE(readFile(QDir(m_out).filePath(r.filename)), QByteArray("mine"));
        QCOMPARE(requestsFor(f.server(), r.id), before);
    }

    void theControllerCopiesWhatThePreviewHolds()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_seen")));
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = lookUp(f, QStringLiteral("report_seen"));
        PreviewFileJob preview(&f.api(), nullptr, &cache, r);
        QVERIFY(TestFixture::waitFor(&preview));
        QVERIFY(preview.succeeded());
        const int before = requestsFor(f.server(), r.id);
        QCOMPARE(before, 2); // one ticket, one file

        DownloadHistory history(m_dir->filePath(QStringLiteral("history.json")));
        DownloadController controller(&f.api(), &history);
        controller.setPreviewCache(&cache);
        controller.download(QList<Report>{r}, DownloadTarget::uniqueInFolder(m_out));
        QTRY_COMPARE(controller.queue()->rowCount(), 1);
        QVERIFY(waitIdle(*controller.queue()));
        QCOMPARE(controller.queue()->state(0), State::Done);
        const QString saved = controller.queue()->targetPath(0);
        QCOMPARE(QFileInfo(saved).absolutePath(), QDir::cleanPath(m_out));
        QCOMPARE(readFile(saved), f.server().contentOf(r.id));
        QCOMPARE(requestsFor(f.server(), r.id), before); // GetBill was not asked again
        // Recorded like any download: the window shows it as saved, the next preview reads it there.
        QVERIFY(history.savedCopy(r.id));
        QCOMPARE(history.savedCopy(r.id)->sha256, sha256(f.server().contentOf(r.id)));
        QCOMPARE(cache.entries().size(), 1); // the cache keeps its copy
    }

    void aDamagedKeptCopyIsDownloadedAfterAll()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_seen")));
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = lookUp(f, QStringLiteral("report_seen"));
        PreviewFileJob preview(&f.api(), nullptr, &cache, r);
        QVERIFY(TestFixture::waitFor(&preview));
        // Same size, other bytes: only the checksum can tell.
        QByteArray damaged = f.server().contentOf(r.id);
        damaged[0] = damaged[0] == 'x' ? 'y' : 'x';
        QVERIFY(write(preview.path(), damaged));

        DownloadController controller(&f.api(), nullptr);
        controller.setPreviewCache(&cache);
        controller.download(QList<Report>{r}, DownloadTarget::uniqueInFolder(m_out));
        QTRY_COMPARE(controller.queue()->rowCount(), 1);
        QVERIFY(waitIdle(*controller.queue()));
        QCOMPARE(controller.queue()->state(0), State::Done);
        QCOMPARE(readFile(controller.queue()->targetPath(0)), f.server().contentOf(r.id));
        QCOMPARE(filesIn(m_out), QStringList{QFileInfo(controller.queue()->targetPath(0)).fileName()});
        QCOMPARE(requestsFor(f.server(), QStringLiteral("/reports/download/") + r.id), 2);
    }

    void anotherVersionOfTheReportIsDownloaded()
    {
        TestFixture f;
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_seen")));
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        Report r = lookUp(f, QStringLiteral("report_seen"));
        PreviewFileJob preview(&f.api(), nullptr, &cache, r);
        QVERIFY(TestFixture::waitFor(&preview));
        r.generatedAt = QDateTime(QDate(2031, 1, 1), QTime(0, 0), Qt::UTC); // regenerated since
        DownloadController controller(&f.api(), nullptr);
        controller.setPreviewCache(&cache);
        controller.download(QList<Report>{r}, DownloadTarget::uniqueInFolder(m_out));
        QTRY_COMPARE(controller.queue()->rowCount(), 1);
        QVERIFY(waitIdle(*controller.queue()));
        QCOMPARE(controller.queue()->state(0), State::Done);
        QCOMPARE(requestsFor(f.server(), QStringLiteral("/reports/download/") + r.id), 2);
    }

private:
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_out;
};

QTEST_GUILESS_MAIN(TestLocalCopyJob)
#include "tst_localcopyjob.moc"
