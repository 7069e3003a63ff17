#include "Clock.h"
#include "TestFixture.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"
#include "download/TransferRate.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QSet>
#include <QTest>

using namespace getbill;
using getbill::test::TestFixture;
using State = ReportDownloadJob::State;

namespace {
sandbox::SandboxReport makeReport(const QString &id, qint64 size)
{
    return TestFixture::csvReport(id, size);
}

/// How often the API was asked for the download link of `id`.
int linkRequests(TestFixture &f, const QString &id)
{
    const QList<sandbox::RecordedRequest> requests = f.server().requests();
    return int(std::count_if(requests.cbegin(), requests.cend(), [&](const sandbox::RecordedRequest &r) {
        return r.host == sandbox::Fault::Host::Api &&
               r.pathAndQuery.endsWith(QStringLiteral("/reports/download/") + id);
    }));
}

/// The positions in the request log of the requests to `host` whose path contains `part` (the download host's paths
/// are opaque: "" matches all of them).
QList<qsizetype> requestsTo(TestFixture &f, sandbox::Fault::Host host, const QString &part = {})
{
    QList<qsizetype> at;
    const QList<sandbox::RecordedRequest> requests = f.server().requests();
    for (qsizetype i = 0; i < requests.size(); ++i)
        if (requests.at(i).host == host && requests.at(i).pathAndQuery.contains(part))
            at.append(i);
    return at;
}

bool waitIdle(DownloadQueue &queue, int timeoutMs = 20'000)
{
    if (queue.isIdle())
        return true;
    QSignalSpy spy(&queue, &DownloadQueue::idle);
    return spy.wait(timeoutMs);
}
} // namespace

class TestDownloadQueue : public QObject
{
    Q_OBJECT
private slots:
    void runsAtMostMaxConcurrentAndRecordsHistory();
    void progressIsThrottled();
    void cancelQueuedAndRunning();
    void failedItemCarriesMessage();
    void waitingRowShowsRetryTime();
    void slowsDownWhenRateLimitRunsLow();
    void clearFinishedRemovesOnlyFinishedRows();
    void fetchesTheNextLinksWhileSlotsAreBusy();
    void prefetchedLinkIsUsedWhileFresh_data();
    void prefetchedLinkIsUsedWhileFresh();
    void cancelledItemDropsItsLinkRequest();
    void failedPrefetchLetsTheItemAskItself();
    void noPrefetchWhileTheBudgetIsLow();
    void transferRateKeepsAFewSamples();
};

void TestDownloadQueue::runsAtMostMaxConcurrentAndRecordsHistory()
{
    TestFixture f;
    f.server().clearReports();
    for (int i = 0; i < 5; ++i)
        f.server().addReport(makeReport(QStringLiteral("report_q%1").arg(i), 200'000 + i));
    DownloadHistory history(f.folder() + QStringLiteral("/state/history.json"));
    DownloadQueue queue(&f.api());
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    queue.setHistory(&history);
    queue.setMaxConcurrent(2);
    QCOMPARE(queue.maxConcurrent(), 2);
    int maxRunning = 0;
    connect(&queue, &QAbstractItemModel::dataChanged, this,
            [&] { maxRunning = std::max(maxRunning, queue.runningCount()); });
    QSignalSpy finished(&queue, &DownloadQueue::itemFinished);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(queue.enqueue(QStringLiteral("report_q%1").arg(i), DownloadTarget::folder(f.folder())), i);
    QCOMPARE(queue.rowCount(), 5);
    QCOMPARE(queue.data(queue.index(0), DownloadQueue::StateRole).toInt(), int(State::Queued));
    QVERIFY(waitIdle(queue));
    QCOMPARE(finished.size(), 5);
    QCOMPARE(maxRunning, 2);
    for (int i = 0; i < 5; ++i) {
        const QModelIndex index = queue.index(i);
        QCOMPARE(index.data(DownloadQueue::StateRole).toInt(), int(State::Done));
        const QString path = index.data(DownloadQueue::TargetPathRole).toString();
        QCOMPARE(path, QDir(f.folder()).filePath(QStringLiteral("report_q%1.csv").arg(i)));
        QCOMPARE(test::readFile(path), f.server().contentOf(QStringLiteral("report_q%1").arg(i)));
        QCOMPARE(index.data(DownloadQueue::BytesReceivedRole).toLongLong(), 200'000 + i);
        QVERIFY(queue.job(i) == nullptr);
    }
    QCOMPARE(history.records().size(), 5);
    // The history survives a restart.
    DownloadHistory reloaded(history.filePath());
    QVERIFY(reloaded.load());
    QCOMPARE(reloaded.records().size(), 5);
    const DownloadRecord r = *reloaded.latest(QStringLiteral("report_q3"));
    QCOMPARE(r.size, 200'003);
    QCOMPARE(r.sha256, DownloadHistory::sha256OfFile(r.path));
    QCOMPARE(r.filename, QStringLiteral("report_q3.csv"));
    QVERIFY(f.downloadHostSawNoAuthorization());
}

void TestDownloadQueue::progressIsThrottled()
{
    TestFixture f;
    f.server().clearReports();
    f.server().addReport(makeReport(QStringLiteral("report_big"), 24 * 1024 * 1024));
    DownloadQueue queue(&f.api());
    int progressSignals = 0;
    connect(&queue, &QAbstractItemModel::dataChanged, this,
            [&](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
                if (roles.contains(DownloadQueue::BytesReceivedRole))
                    ++progressSignals;
            });
    QElapsedTimer clock;
    clock.start();
    int jobProgress = 0;
    queue.enqueue(QStringLiteral("report_big"), DownloadTarget::folder(f.folder()));
    QTRY_VERIFY(queue.job(0) != nullptr);
    connect(queue.job(0), &Job::progress, this, [&] { ++jobProgress; });
    QVERIFY(waitIdle(queue));
    QCOMPARE(queue.state(0), State::Done);
    // At most one update per interval (plus one), however many chunks arrived.
    const qint64 allowed = clock.elapsed() / DownloadQueue::progressIntervalMs + 2;
    QVERIFY2(progressSignals <= allowed, qPrintable(QStringLiteral("%1 > %2").arg(progressSignals).arg(allowed)));
    QVERIFY2(jobProgress > progressSignals, qPrintable(QString::number(jobProgress)));
}

void TestDownloadQueue::cancelQueuedAndRunning()
{
    TestFixture f;
    f.server().clearReports();
    f.server().addReport(makeReport(QStringLiteral("report_c1"), 100'000));
    f.server().addReport(makeReport(QStringLiteral("report_c2"), 100'000));
    // The first stalls half-way so it is surely running when cancelled.
    sandbox::Fault stall;
    stall.host = sandbox::Fault::Host::Download;
    stall.stallAfterBytes = 50'000;
    f.server().addFault(stall);
    DownloadQueue queue(&f.api());
    queue.setMaxConcurrent(1);
    queue.enqueue(QStringLiteral("report_c1"), DownloadTarget::folder(f.folder()));
    queue.enqueue(QStringLiteral("report_c2"), DownloadTarget::folder(f.folder()));
    QTRY_COMPARE(queue.data(queue.index(0), DownloadQueue::BytesReceivedRole).toLongLong(), 50'000);
    QVERIFY(queue.job(0) != nullptr);
    QCOMPARE(queue.state(1), State::Queued);
    QSignalSpy idle(&queue, &DownloadQueue::idle);
    queue.cancelAll();
    QCOMPARE(idle.size(), 1);
    QCOMPARE(queue.state(0), State::Cancelled);
    QCOMPARE(queue.state(1), State::Cancelled);
    QCOMPARE(queue.data(queue.index(0), DownloadQueue::ErrorRole).toString(), QStringLiteral("Cancelled."));
    QCOMPARE(queue.error(0).kind(), ApiError::Kind::Cancelled);
    QCOMPARE(f.files(), QStringList());
}

void TestDownloadQueue::failedItemCarriesMessage()
{
    TestFixture f;
    DownloadQueue queue(&f.api());
    queue.enqueue(QStringLiteral("report_nothere"), DownloadTarget::folder(f.folder()));
    QVERIFY(waitIdle(queue));
    QCOMPARE(queue.state(0), State::Failed);
    QCOMPARE(queue.data(queue.index(0), DownloadQueue::ErrorRole).toString(),
             QStringLiteral("Report report_nothere: Report not found"));
    QCOMPARE(queue.error(0).category(), ApiError::Category::Refused);
}

void TestDownloadQueue::waitingRowShowsRetryTime()
{
    TestFixture f;
    NetworkOptions o = f.options();
    o.retry.baseDelay = std::chrono::milliseconds(400);
    o.retry.maxDelay = std::chrono::milliseconds(400);
    f.setOptions(o);
    f.server().clearReports();
    f.server().addReport(makeReport(QStringLiteral("report_w"), 10'000));
    sandbox::Fault unavailable;
    unavailable.host = sandbox::Fault::Host::Download;
    unavailable.status = 503;
    unavailable.body = "busy";
    unavailable.contentType = "text/plain";
    f.server().addFault(unavailable);
    DownloadQueue queue(&f.api());
    queue.enqueue(QStringLiteral("report_w"), DownloadTarget::folder(f.folder()));
    QTRY_COMPARE(queue.state(0), State::Waiting);
    const QDateTime at = queue.data(queue.index(0), DownloadQueue::RetryAtRole).toDateTime();
    QVERIFY(at.isValid());
    QVERIFY(at > QDateTime::currentDateTime().addMSecs(-100));
    const QString message = queue.data(queue.index(0), DownloadQueue::ErrorRole).toString();
    QVERIFY2(message.startsWith(QStringLiteral("Waiting until ") + QLocale().toString(at.time(), QLocale::ShortFormat)),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("HTTP 503")), qPrintable(message));
    QVERIFY(waitIdle(queue));
    QCOMPARE(queue.state(0), State::Done);
    QCOMPARE(queue.data(queue.index(0), DownloadQueue::ErrorRole).toString(), QString());
    QVERIFY(!queue.data(queue.index(0), DownloadQueue::RetryAtRole).toDateTime().isValid());
}

void TestDownloadQueue::slowsDownWhenRateLimitRunsLow()
{
    TestFixture f;
    f.server().clearReports();
    for (int i = 0; i < 3; ++i)
        f.server().addReport(makeReport(QStringLiteral("report_r%1").arg(i), 300'000));
    // Few requests left in a short window: the queue must not fire all three at once.
    f.server().setRateLimit(50, 2);
    DownloadQueue queue(&f.api());
    queue.setMaxConcurrent(3);
    queue.setRateLimitReserve(100);
    // Learn the budget first, as the list would have.
    ReportJob *probe = f.api().fetchReport(QStringLiteral("report_r0"));
    QVERIFY(TestFixture::waitFor(probe));
    delete probe;
    QVERIFY(f.api().rateLimit().remaining >= 0);
    int maxRunning = 0;
    connect(&queue, &QAbstractItemModel::dataChanged, this,
            [&] { maxRunning = std::max(maxRunning, queue.runningCount()); });
    for (int i = 0; i < 3; ++i)
        queue.enqueue(QStringLiteral("report_r%1").arg(i), DownloadTarget::folder(f.folder()));
    QVERIFY(waitIdle(queue));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(queue.state(i), State::Done);
    QCOMPARE(maxRunning, 1);
}

void TestDownloadQueue::clearFinishedRemovesOnlyFinishedRows()
{
    TestFixture f;
    f.server().clearReports();
    f.server().addReport(makeReport(QStringLiteral("report_a"), 1000));
    f.server().addReport(makeReport(QStringLiteral("report_b"), 100'000));
    sandbox::Fault stall;
    stall.host = sandbox::Fault::Host::Download;
    stall.pathContains = QStringLiteral("/reports/");
    stall.stallAfterBytes = 10;
    DownloadQueue queue(&f.api());
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    queue.setMaxConcurrent(1);
    queue.enqueue(QStringLiteral("report_a"), DownloadTarget::folder(f.folder()));
    QSignalSpy finished(&queue, &DownloadQueue::itemFinished);
    QVERIFY(finished.wait());
    f.server().addFault(stall);
    queue.enqueue(QStringLiteral("report_b"), DownloadTarget::folder(f.folder()));
    QTRY_COMPARE(queue.data(queue.index(1), DownloadQueue::BytesReceivedRole).toLongLong(), 10);
    queue.clearFinished();
    QCOMPARE(queue.rowCount(), 1);
    QCOMPARE(queue.reportId(0), QStringLiteral("report_b"));
    QVERIFY(queue.job(0) != nullptr);
    queue.cancel(0);
    QCOMPARE(queue.state(0), State::Cancelled);
    queue.clearFinished();
    QCOMPARE(queue.rowCount(), 0);
}

void TestDownloadQueue::fetchesTheNextLinksWhileSlotsAreBusy()
{
    TestFixture f;
    f.server().clearReports();
    for (int i = 0; i < 6; ++i)
        f.server().addReport(makeReport(QStringLiteral("report_p%1").arg(i), 300'000 + i));
    DownloadQueue queue(&f.api());
    queue.setMaxConcurrent(2);
    QList<QSet<int>> states(6);
    int maxRunning = 0;
    connect(&queue, &QAbstractItemModel::dataChanged, this, [&](const QModelIndex &from, const QModelIndex &to) {
        maxRunning = std::max(maxRunning, queue.runningCount());
        for (int row = from.row(); row <= to.row(); ++row)
            states[row].insert(queue.data(queue.index(row), DownloadQueue::StateRole).toInt());
    });
    for (int i = 0; i < 6; ++i)
        queue.enqueue(QStringLiteral("report_p%1").arg(i), DownloadTarget::folder(f.folder()));
    QVERIFY(waitIdle(queue));
    QCOMPARE(maxRunning, 2); // the links are fetched ahead; the transfers still go two at a time
    for (int i = 0; i < 6; ++i) {
        const QString id = QStringLiteral("report_p%1").arg(i);
        QCOMPARE(queue.state(i), State::Done);
        QCOMPARE(test::readFile(queue.targetPath(i)), f.server().contentOf(id));
        // Fetched ahead or by the item itself, never both.
        QCOMPARE(linkRequests(f, id), 1);
    }
    // The first two ask for their links; the next two were asked for while those ran, so they never wait for one.
    QVERIFY(states[0].contains(int(State::GettingLink)));
    QVERIFY(!states[2].contains(int(State::GettingLink)));
    QVERIFY(!states[3].contains(int(State::GettingLink)));
    QVERIFY(states[2].contains(int(State::Downloading)));
    QVERIFY(f.downloadHostSawNoAuthorization());
}

void TestDownloadQueue::prefetchedLinkIsUsedWhileFresh_data()
{
    QTest::addColumn<qint64>("age");
    QTest::addColumn<int>("requests");
    // Just arrived: used, although by this computer's clock it expires within the minute a start wants (the item
    // would use a link it just fetched the same way, and the server's clock may differ from ours).
    QTest::newRow("fresh") << qint64(0) << 1;
    // Older, and expiring soon: asked for again.
    QTest::newRow("old") << TicketPrefetcher::freshMs + 1 << 2;
}

void TestDownloadQueue::prefetchedLinkIsUsedWhileFresh()
{
    QFETCH(qint64, age);
    QFETCH(int, requests);
    TestFixture f;
    f.server().clearReports();
    f.server().addReport(makeReport(QStringLiteral("report_e0"), 200'000));
    f.server().addReport(makeReport(QStringLiteral("report_e1"), 200'000));
    f.server().setLinkLifetime(30);
    // The first transfer stalls, so that the second's link waits while the clock moves.
    sandbox::Fault stall;
    stall.host = sandbox::Fault::Host::Download;
    stall.stallAfterBytes = 50'000;
    f.server().addFault(stall);
    ManualClock clock(QDateTime::currentMSecsSinceEpoch());
    DownloadQueue queue(&f.api());
    queue.setMaxConcurrent(1);
    queue.prefetcher()->setClock(&clock);
    QSignalSpy answered(queue.prefetcher(), &TicketPrefetcher::answered);
    queue.enqueue(QStringLiteral("report_e0"), DownloadTarget::folder(f.folder()));
    queue.enqueue(QStringLiteral("report_e1"), DownloadTarget::folder(f.folder()));
    QTRY_COMPARE(queue.data(queue.index(0), DownloadQueue::BytesReceivedRole).toLongLong(), 50'000);
    QTRY_COMPARE(answered.count(), 1);
    QCOMPARE(linkRequests(f, QStringLiteral("report_e1")), 1);
    clock.advance(age);
    queue.cancel(0);
    QVERIFY(waitIdle(queue));
    QCOMPARE(queue.state(1), State::Done);
    QCOMPARE(test::readFile(queue.targetPath(1)), f.server().contentOf(QStringLiteral("report_e1")));
    QCOMPARE(linkRequests(f, QStringLiteral("report_e1")), requests);
}

void TestDownloadQueue::cancelledItemDropsItsLinkRequest()
{
    TestFixture f;
    f.server().clearReports();
    for (int i = 0; i < 3; ++i)
        f.server().addReport(makeReport(QStringLiteral("report_x%1").arg(i), 100'000));
    // The first download stalls until cancelled, and the link of the second is slow to come.
    sandbox::Fault stall;
    stall.host = sandbox::Fault::Host::Download;
    stall.stallAfterBytes = 50'000;
    f.server().addFault(stall);
    sandbox::Fault slowLink;
    slowLink.pathContains = QStringLiteral("/reports/download/report_x1");
    slowLink.delayMs = 200;
    f.server().addFault(slowLink);
    DownloadQueue queue(&f.api());
    queue.setMaxConcurrent(1);
    for (int i = 0; i < 3; ++i)
        queue.enqueue(QStringLiteral("report_x%1").arg(i), DownloadTarget::folder(f.folder()));
    QTRY_COMPARE(queue.data(queue.index(0), DownloadQueue::BytesReceivedRole).toLongLong(), 50'000);
    QTRY_COMPARE(linkRequests(f, QStringLiteral("report_x1")), 1);
    QCOMPARE(queue.state(1), State::Queued);
    queue.cancel(1);
    queue.cancel(0);
    QVERIFY(waitIdle(queue));
    QCOMPARE(queue.state(0), State::Cancelled);
    QCOMPARE(queue.state(1), State::Cancelled);
    QCOMPARE(queue.state(2), State::Done);
    // Nothing of the cancelled one was fetched, even though its link was on its way: the download host saw the
    // stalled first and the third, and the link of the second was not asked for again.
    QCOMPARE(requestsTo(f, sandbox::Fault::Host::Download).size(), 2);
    QCOMPARE(linkRequests(f, QStringLiteral("report_x1")), 1);
    QCOMPARE(f.files(), QStringList{QStringLiteral("report_x2.csv")});
}

void TestDownloadQueue::failedPrefetchLetsTheItemAskItself()
{
    TestFixture f;
    f.server().clearReports();
    f.server().addReport(makeReport(QStringLiteral("report_f0"), 200'000));
    f.server().addReport(makeReport(QStringLiteral("report_f1"), 200'000));
    DownloadQueue queue(&f.api());
    queue.setMaxConcurrent(1);
    queue.enqueue(QStringLiteral("report_f0"), DownloadTarget::folder(f.folder()));
    queue.enqueue(QStringLiteral("report_nothere"), DownloadTarget::folder(f.folder()));
    queue.enqueue(QStringLiteral("report_f1"), DownloadTarget::folder(f.folder()));
    QVERIFY(waitIdle(queue));
    QCOMPARE(queue.state(0), State::Done);
    QCOMPARE(queue.state(2), State::Done);
    // The item's own request fails as it always did, with the same message.
    QCOMPARE(queue.state(1), State::Failed);
    QCOMPARE(queue.data(queue.index(1), DownloadQueue::ErrorRole).toString(),
             QStringLiteral("Report report_nothere: Report not found"));
    // Asked ahead once and by the item once, not again and again while the first one ran.
    QCOMPARE(linkRequests(f, QStringLiteral("report_nothere")), 2);
}

void TestDownloadQueue::noPrefetchWhileTheBudgetIsLow()
{
    TestFixture f;
    f.server().clearReports();
    for (int i = 0; i < 3; ++i)
        f.server().addReport(makeReport(QStringLiteral("report_b%1").arg(i), 300'000));
    f.server().setRateLimit(50, 2);
    DownloadQueue queue(&f.api());
    queue.setMaxConcurrent(3);
    queue.setRateLimitReserve(100);
    ReportJob *probe = f.api().fetchReport(QStringLiteral("report_b0"));
    QVERIFY(TestFixture::waitFor(probe));
    delete probe;
    for (int i = 0; i < 3; ++i)
        queue.enqueue(QStringLiteral("report_b%1").arg(i), DownloadTarget::folder(f.folder()));
    QVERIFY(waitIdle(queue));
    // Each link is asked for only once the item before it was fetched (one at a time, so the download host's n-th
    // request is the n-th item's): no request the budget might not carry.
    const QList<qsizetype> downloads = requestsTo(f, sandbox::Fault::Host::Download);
    QCOMPARE(downloads.size(), 3);
    for (int i = 1; i < 3; ++i) {
        QCOMPARE(queue.state(i), State::Done);
        const QList<qsizetype> link =
            requestsTo(f, sandbox::Fault::Host::Api, QStringLiteral("/reports/download/report_b%1").arg(i));
        QCOMPARE(link.size(), 1);
        QVERIFY2(link.first() > downloads.at(i - 1),
                 qPrintable(QStringLiteral("%1 <= %2").arg(link.first()).arg(downloads.at(i - 1))));
    }
}

void TestDownloadQueue::transferRateKeepsAFewSamples()
{
    TransferRate rate;
    rate.start(0);
    QElapsedTimer elapsed;
    elapsed.start();
    // As a fast download reports its chunks: many within each step.
    for (qint64 done = 1; done <= 200'000; ++done)
        rate.update(done * 1000);
    const qint64 steps = elapsed.elapsed() / TransferRate::resolutionMs;
    QVERIFY2(rate.sampleCount() <= std::min<qint64>(steps, 5000 / TransferRate::resolutionMs) + 3,
             qPrintable(QString::number(rate.sampleCount())));
}

QTEST_GUILESS_MAIN(TestDownloadQueue)
#include "tst_downloadqueue.moc"
