// SyncJob in this process against the sandbox, with a ManualClock for its waits and the sandbox's SandboxClock moved
// with it: what a sync fetches, skips, waits for and refuses, with no real waiting.
#include "Clock.h"
#include "TestFixture.h"
#include "api/ApiClient.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"
#include "download/SyncClaim.h"
#include "download/SyncJob.h"
#include "sandbox/SandboxClock.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace getbill;
using getbill::sandbox::Fault;
using getbill::sandbox::RecordedRequest;
using getbill::sandbox::SandboxClock;
using getbill::sandbox::SandboxReport;

namespace {
SandboxReport report(const QString &id, const QString &type = QStringLiteral("financial"),
                     const QString &status = QStringLiteral("completed"))
{
    SandboxReport r = test::TestFixture::csvReport(id);
    r.type = type;
    r.status = status;
    r.downloadAvailable = status == QLatin1String("completed");
    r.periodFrom = QDate(2024, 3, 1);
    r.periodTo = QDate(2024, 3, 31);
    return r;
}

int count(const sandbox::SandboxServer &server, const QString &pathContains, Fault::Host host = Fault::Host::Api)
{
    int n = 0;
    const QList<RecordedRequest> all = server.requests();
    for (const RecordedRequest &r : all)
        if (r.host == host && r.pathAndQuery.contains(pathContains))
            ++n;
    return n;
}

/// One sync run's world: the sandbox and its clock, the job's clock, a history and a controller as the CLI has them.
struct World
{
    test::TestFixture fixture;
    SandboxClock sandboxClock;
    ManualClock clock{SandboxClock::DefaultStartMsecs};
    QTemporaryDir dir;
    DownloadHistory history{dir.filePath(QStringLiteral("history.json"))};
    DownloadController controller{&fixture.api(), &history};

    World()
    {
        fixture.server().setClock(sandboxClock.function());
        fixture.server().clearReports();
        history.load();
    }
    QString out() const { return dir.filePath(QStringLiteral("out")); }
    void advance(qint64 ms)
    {
        sandboxClock.advance(std::chrono::milliseconds(ms));
        clock.advance(ms);
    }
    SyncRule rule() const
    {
        SyncRule r;
        r.folder = out();
        return r;
    }
    std::unique_ptr<SyncJob> job(const SyncRule &rule)
    {
        auto sync = std::make_unique<SyncJob>(&fixture.api(), &controller, rule);
        sync->setClock(&clock);
        return sync;
    }
    /// Runs a job to its end without moving any clock.
    std::unique_ptr<SyncJob> run(const SyncRule &rule)
    {
        std::unique_ptr<SyncJob> sync = job(rule);
        if (!test::TestFixture::waitFor(sync.get(), 30'000))
            qWarning("sync did not finish");
        return sync;
    }
};
} // namespace

class tst_SyncJob : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void fetchesCompletedReportsOnceAndOnlyOnce()
    {
        World w;
        w.fixture.server().addReport(report(QStringLiteral("report_f1")));
        w.fixture.server().addReport(report(QStringLiteral("report_f2")));
        w.fixture.server().addReport(report(QStringLiteral("report_c1"), QStringLiteral("collection")));
        w.fixture.server().addReport(
            report(QStringLiteral("report_p1"), QStringLiteral("financial"), QStringLiteral("processing")));
        SyncRule rule = w.rule();
        rule.types = {QStringLiteral("financial")};
        std::unique_ptr<SyncJob> first = w.job(rule);
        QSignalSpy saved(first.get(), &SyncJob::saved);
        QSignalSpy notices(first.get(), &SyncJob::notice);
        QVERIFY(test::TestFixture::waitFor(first.get()));
        QVERIFY2(first->succeeded(), qPrintable(first->error().message()));
        QCOMPARE(saved.count(), 2);
        QCOMPARE(QDir(w.out()).entryList(QDir::Files, QDir::Name),
                 (QStringList{QStringLiteral("report_f1.csv"), QStringLiteral("report_f2.csv")}));
        QCOMPARE(count(w.fixture.server(), QStringLiteral("type=financial")), 1);
        QCOMPARE(notices.count(), 1);
        QVERIFY(notices.at(0).at(0).toString().contains(QLatin1String("1 report is still being generated")));
        QCOMPARE(w.fixture.api().requestGate(), nullptr); // removed after the run

        w.fixture.server().clearRequests();
        std::unique_ptr<SyncJob> second = w.run(rule);
        QVERIFY(second->succeeded());
        QVERIFY(second->savedPaths().isEmpty());
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports/download/")), 0);
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports?")), 1);
    }

    void dryRunWritesNothing()
    {
        World w;
        w.fixture.server().addReport(report(QStringLiteral("report_a")));
        SandboxReport twin = report(QStringLiteral("report_b"));
        twin.filename = QStringLiteral("report_a.csv"); // the same name: the second becomes "(1)"
        w.fixture.server().addReport(twin);
        SyncRule rule = w.rule();
        rule.dryRun = true;
        std::unique_ptr<SyncJob> sync = w.job(rule);
        QSignalSpy planned(sync.get(), &SyncJob::planned);
        QVERIFY(test::TestFixture::waitFor(sync.get()));
        QVERIFY(sync->succeeded());
        QCOMPARE(planned.count(), 2);
        QStringList paths{planned.at(0).at(1).toString(), planned.at(1).at(1).toString()};
        paths.sort();
        QCOMPARE(paths, (QStringList{QDir(w.out()).filePath(QStringLiteral("report_a (1).csv")),
                                     QDir(w.out()).filePath(QStringLiteral("report_a.csv"))}));
        QVERIFY(!QFileInfo::exists(w.out()));
        QVERIFY(!QFileInfo::exists(w.history.filePath()));
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports/download/")), 0);
    }

    void rateLimitReserveWaitsForTheWindow()
    {
        // 500 reports over 5 pages, 150 of them completed; 150 requests an hour, 50 kept for the user.
        World w;
        w.fixture.server().setRateLimit(150, 3600);
        for (int i = 0; i < 500; ++i)
            w.fixture.server().addReport(report(QStringLiteral("report_%1").arg(i, 3, 10, QLatin1Char('0')),
                                                QStringLiteral("financial"),
                                                i % 10 < 3 ? QStringLiteral("completed") : QStringLiteral("failed")));
        int sentWhileLow = 0;
        int sent = 0;
        connect(&w.fixture.server(), &sandbox::SandboxServer::requestReceived, this, [&](const RecordedRequest &r) {
            if (r.host != Fault::Host::Api)
                return;
            // The window's clock does not move until the test moves it: request n of the window sees
            // Remaining 150 - (n - 1) when it is sent.
            if (150 - sent <= 50)
                ++sentWhileLow;
            ++sent;
        });
        // Many tickets at once: the gate must count the requests on their way, not only the last Remaining.
        w.controller.queue()->setMaxConcurrent(8);
        std::unique_ptr<SyncJob> sync = w.job(w.rule());
        QSignalSpy waits(sync.get(), &SyncJob::rateLimitWait);
        QSignalSpy finished(sync.get(), &Job::finished);
        sync->start();
        QVERIFY(waits.wait(30'000));
        // The requests let go before the wait are on their way; none follows them.
        QTRY_COMPARE_WITH_TIMEOUT(sent, 100, 10'000);
        QTest::qWait(100);
        QCOMPARE(sent, 100);
        QVERIFY(finished.isEmpty());
        const QDateTime until = waits.at(0).at(0).toDateTime();
        QCOMPARE(until.toMSecsSinceEpoch(), SandboxClock::DefaultStartMsecs + 3600 * 1000);
        QCOMPARE(waits.at(0).at(2).toInt(), 50);
        sent = 0; // a new window
        w.advance(3600 * 1000);
        QVERIFY(finished.wait(30'000));
        QVERIFY2(sync->succeeded(), qPrintable(sync->error().message()));
        QCOMPARE(sync->savedPaths().size(), 150);
        QCOMPARE(sentWhileLow, 0);
        QCOMPARE(waits.count(), 1);
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports?")), 5);
    }

    void waitsForPendingReportsWithBackoff()
    {
        World w;
        SandboxReport pending =
            report(QStringLiteral("report_p"), QStringLiteral("financial"), QStringLiteral("pending"));
        pending.completesAfterPolls = 3;
        w.fixture.server().addReport(pending);
        w.fixture.server().addReport(report(QStringLiteral("report_done")));
        SyncRule rule = w.rule();
        rule.waitPendingMs = 30 * 60 * 1000;
        std::unique_ptr<SyncJob> sync = w.job(rule);
        QSignalSpy saved(sync.get(), &SyncJob::saved);
        QSignalSpy finished(sync.get(), &Job::finished);
        sync->start();
        QTRY_COMPARE(saved.count(), 1);
        const auto polls = [&] {
            return count(w.fixture.server(), QStringLiteral("/reports/report_p"));
        };
        // 10 s, then 20 s, then 40 s: one GET each time.
        for (const qint64 step : {10'000, 20'000, 40'000}) {
            QTRY_VERIFY(w.clock.pendingTimers() > 0); // the last round's answers are in: the next one is planned
            w.advance(step - 1);
            QTest::qWait(20);
            const int before = polls();
            w.advance(1);
            QTRY_COMPARE(polls(), before + 1);
        }
        QVERIFY(finished.wait(10'000));
        QVERIFY(sync->succeeded());
        QCOMPARE(saved.count(), 2);
        QVERIFY(QFileInfo::exists(QDir(w.out()).filePath(QStringLiteral("report_p.csv"))));
    }

    void waitEndsWithReportsStillPending()
    {
        World w;
        w.fixture.server().addReport(
            report(QStringLiteral("report_slow"), QStringLiteral("financial"), QStringLiteral("processing")));
        SandboxReport failing =
            report(QStringLiteral("report_failing"), QStringLiteral("financial"), QStringLiteral("pending"));
        w.fixture.server().addReport(failing);
        SandboxReport foreign =
            report(QStringLiteral("report_gone"), QStringLiteral("financial"), QStringLiteral("pending"));
        w.fixture.server().addReport(foreign);
        SyncRule rule = w.rule();
        rule.waitPendingMs = 60 * 1000;
        std::unique_ptr<SyncJob> sync = w.job(rule);
        QSignalSpy notices(sync.get(), &SyncJob::notice);
        QSignalSpy failed(sync.get(), &SyncJob::reportFailed);
        QSignalSpy finished(sync.get(), &Job::finished);
        sync->start();
        QTRY_VERIFY(w.clock.pendingTimers() > 0);
        // While it waits, one report fails to generate and one is taken away (403).
        failing.status = QStringLiteral("failed");
        w.fixture.server().addReport(failing);
        foreign.ownerCompany = QStringLiteral("another");
        w.fixture.server().addReport(foreign);
        w.advance(10'000); // polls at 10 s, 30 s, then at the deadline, 60 s
        QTRY_COMPARE(count(w.fixture.server(), QStringLiteral("/reports/report_slow")), 1);
        QTRY_VERIFY(w.clock.pendingTimers() > 0);
        w.advance(20'000);
        QTRY_COMPARE(count(w.fixture.server(), QStringLiteral("/reports/report_slow")), 2);
        QTRY_VERIFY(w.clock.pendingTimers() > 0);
        w.advance(29'999);
        QTest::qWait(20);
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports/report_slow")), 2);
        w.advance(1);
        QVERIFY(finished.wait(10'000));
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports/report_slow")), 3);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("report_gone"));
        QCOMPARE(sync->error().httpStatus(), 403);
        QStringList texts;
        for (const QList<QVariant> &n : std::as_const(notices))
            texts << n.at(0).toString();
        QVERIFY2(texts.join(u'\n').contains(QLatin1String("Report report_failing was not generated (status failed)")),
                 qPrintable(texts.join(u'\n')));
        QVERIFY2(texts.join(u'\n').contains(QLatin1String("The wait ended with reports still being generated: "
                                                          "report_slow")),
                 qPrintable(texts.join(u'\n')));
    }

    void anotherSyncsClaimIsRespected()
    {
        World w;
        w.fixture.server().addReport(report(QStringLiteral("report_a")));
        w.fixture.server().addReport(report(QStringLiteral("report_b")));
        QDir().mkpath(w.out());
        SyncClaim other(w.fixture.api().accountKey(), QFileInfo(w.out()).canonicalFilePath(),
                        QStringLiteral("report_a"));
        bool busy = false;
        QVERIFY(other.tryLock(&busy));
        std::unique_ptr<SyncJob> sync = w.job(w.rule());
        QSignalSpy notices(sync.get(), &SyncJob::notice);
        QVERIFY(test::TestFixture::waitFor(sync.get()));
        QVERIFY(sync->succeeded());
        QCOMPARE(QDir(w.out()).entryList(QDir::Files), QStringList{QStringLiteral("report_b.csv")});
        QCOMPARE(notices.count(), 1);
        QVERIFY(notices.at(0).at(0).toString().contains(QLatin1String("report_a is already being downloaded")));
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports/download/report_a")), 0);
    }

    void aRecordMadeMeanwhileIsSeen()
    {
        // Another sync recorded report_a after this one listed: the fresh look after the claim skips it.
        World w;
        w.fixture.server().addReport(report(QStringLiteral("report_a")));
        std::unique_ptr<SyncJob> sync = w.job(w.rule());
        DownloadHistory other(w.history.filePath());
        QVERIFY(other.load());
        connect(&w.fixture.server(), &sandbox::SandboxServer::requestReceived, this, [&](const RecordedRequest &r) {
            if (!r.pathAndQuery.startsWith(QLatin1String("/external-api/v1/reports?")))
                return;
            DownloadRecord record;
            record.reportId = QStringLiteral("report_a");
            record.path = QDir(sync->rootFolder()).filePath(QStringLiteral("elsewhere/report_a.csv"));
            record.apiUrl = w.fixture.api().accountKey();
            other.add(record);
        });
        QVERIFY(test::TestFixture::waitFor(sync.get()));
        QVERIFY(sync->succeeded());
        QVERIFY(sync->savedPaths().isEmpty());
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports/download/")), 0);
    }

    void aFolderLinkLeadingOutsideIsRefused()
    {
        World w;
        SandboxReport a = report(QStringLiteral("report_a"), QStringLiteral("financial"));
        SandboxReport b = report(QStringLiteral("report_b"), QStringLiteral("collection"));
        w.fixture.server().addReport(a);
        w.fixture.server().addReport(b);
        QTemporaryDir outside;
        QVERIFY(QDir().mkpath(w.out()));
        QVERIFY(QFile::link(outside.path(), QDir(w.out()).filePath(QStringLiteral("financial"))));
        SyncRule rule = w.rule();
        QString error;
        rule.placement = *SyncTemplate::parse(QStringLiteral("{type}/{filename}"), &error);
        std::unique_ptr<SyncJob> sync = w.run(rule);
        QCOMPARE(sync->error().kind(), ApiError::Kind::LocalFile);
        QVERIFY2(sync->error().message().contains(QLatin1String("leads outside")), qPrintable(sync->error().message()));
        QVERIFY(QDir(outside.path()).isEmpty());
        QVERIFY(QFileInfo::exists(QDir(w.out()).filePath(QStringLiteral("collection/report_b.csv"))));
    }

    void aFolderThatCannotBeMadeFailsThatReport()
    {
        World w;
        w.fixture.server().addReport(report(QStringLiteral("report_a"), QStringLiteral("financial")));
        w.fixture.server().addReport(report(QStringLiteral("report_b"), QStringLiteral("collection")));
        QVERIFY(QDir().mkpath(w.out()));
        QFile blocker(QDir(w.out()).filePath(QStringLiteral("financial"))); // a file where the folder goes
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        SyncRule rule = w.rule();
        QString error;
        rule.placement = *SyncTemplate::parse(QStringLiteral("{type}/{filename}"), &error);
        std::unique_ptr<SyncJob> sync = w.run(rule);
        QCOMPARE(sync->error().kind(), ApiError::Kind::LocalFile);
        QVERIFY2(sync->error().message().contains(QLatin1String("Report report_a: cannot create the folder")),
                 qPrintable(sync->error().message()));
        QCOMPARE(sync->savedPaths(), QStringList{QDir(w.out()).filePath(QStringLiteral("collection/report_b.csv"))});
    }

    void aStateFolderThatCannotBeWrittenFailsTheReport()
    {
        World w;
        w.fixture.server().addReport(report(QStringLiteral("report_a")));
        // The claims live in the application's state folder: a file in its place.
        const QString state = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                              QStringLiteral("/getbill-reports/partials");
        const QString aside = state + QStringLiteral(".aside");
        QDir(aside).removeRecursively();
        QVERIFY(!QFileInfo::exists(state) || QDir().rename(state, aside));
        QVERIFY(QDir().mkpath(QFileInfo(state).absolutePath()));
        QFile blocker(state);
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        std::unique_ptr<SyncJob> sync = w.run(w.rule());
        QFile::remove(state);
        if (QFileInfo::exists(aside))
            QVERIFY(QDir().rename(aside, state));
        QCOMPARE(sync->error().kind(), ApiError::Kind::LocalFile);
        QVERIFY2(sync->error().message().contains(QLatin1String("the application's data folder cannot be written")),
                 qPrintable(sync->error().message()));
        QCOMPARE(count(w.fixture.server(), QStringLiteral("/reports/download/")), 0);
    }

    void historyThatCannotBeWrittenFailsTheRun()
    {
        World w;
        w.fixture.server().addReport(report(QStringLiteral("report_a")));
        QVERIFY(QDir().mkpath(w.history.filePath())); // a folder where the file goes
        std::unique_ptr<SyncJob> sync = w.run(w.rule());
        QCOMPARE(sync->error().kind(), ApiError::Kind::LocalFile);
        QVERIFY2(sync->error().message().contains(QLatin1String("Cannot save the download history")),
                 qPrintable(sync->error().message()));
        QCOMPARE(sync->savedPaths().size(), 1); // the file itself is there
    }

    void listFailureAndMissingPartsFail()
    {
        World w;
        Fault f;
        f.status = 403;
        f.body = "{\"error\":true,\"message\":\"Required scope reports:read not found in token\",\"code\":403}";
        f.pathContains = QStringLiteral("/reports?");
        w.fixture.server().addFault(f);
        std::unique_ptr<SyncJob> sync = w.run(w.rule());
        QCOMPARE(sync->error().httpStatus(), 403);

        SyncJob orphan(&w.fixture.api(), nullptr, w.rule());
        QVERIFY(test::TestFixture::waitFor(&orphan));
        QCOMPARE(orphan.error().kind(), ApiError::Kind::InvalidInput);

        QFile file(w.dir.filePath(QStringLiteral("a-file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        SyncRule rule = w.rule();
        rule.folder = file.fileName() + QStringLiteral("/out");
        std::unique_ptr<SyncJob> blocked = w.run(rule);
        QCOMPARE(blocked->error().kind(), ApiError::Kind::LocalFile);
        QVERIFY(blocked->error().message().contains(QLatin1String("Cannot create the folder")));
    }

    void cancelStopsEverything()
    {
        World w;
        SandboxReport big = test::TestFixture::csvReport(QStringLiteral("report_big"), 64 * 1024 * 1024);
        w.fixture.server().addReport(big);
        Fault slow;
        slow.host = Fault::Host::Download;
        slow.stallAfterBytes = 1024;
        w.fixture.server().addFault(slow);
        std::unique_ptr<SyncJob> sync = w.job(w.rule());
        sync->start();
        QTRY_VERIFY(w.controller.queue()->runningCount() == 1);
        sync->cancel();
        QCOMPARE(sync->error().kind(), ApiError::Kind::Cancelled);
        QTRY_COMPARE(w.controller.queue()->runningCount(), 0);
        QCOMPARE(w.fixture.api().requestGate(), nullptr);
        QTRY_VERIFY(QDir(w.out()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_SyncJob)
#include "tst_syncjob.moc"
