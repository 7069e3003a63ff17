#include "TestFixture.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadJob.h"
#include "download/DownloadQueue.h"
#include "download/PartialDownload.h"
#include "download/PendingDownloads.h"
#include "download/ReportDownloadJob.h"
#include "download/SecureFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace getbill;
using namespace getbill::test;
using sandbox::Fault;

namespace {
constexpr qint64 fileSize = 400'000;

sandbox::SandboxReport report(const QString &id, qint64 size = fileSize)
{
    return TestFixture::csvReport(id, size);
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

/// What the application records in its state folder for a partial file it created at `part`.
void recordPartial(const QString &id, const QString &target, const QString &part, qint64 fileSize, const QString &etag)
{
    PartialDownload record;
    record.target = target;
    record.partPath = part;
    record.reportId = id;
    record.fileSize = fileSize;
    record.etag = etag;
    const SecureFile::Identity identity = SecureFile::identityAt(part);
    record.device = identity.device;
    record.inode = identity.inode;
    QVERIFY(record.save());
}

/// Leaves what a killed process would have left: the first `bytes` of the file in .part, with its record.
void leavePartial(TestFixture &f, const QString &id, const QString &target, qint64 bytes, const QString &etag)
{
    writeFile(PartialDownload::defaultPartPath(target), f.server().contentOf(id).left(bytes));
    recordPartial(id, target, PartialDownload::defaultPartPath(target), f.server().contentOf(id).size(), etag);
}

DownloadTicket fetchTicket(TestFixture &f, const QString &id)
{
    std::unique_ptr<TicketJob> job(f.api().fetchTicket(id));
    if (!TestFixture::waitFor(job.get()) || !job->succeeded())
        qWarning("no ticket");
    return job->ticket();
}

std::unique_ptr<ReportDownloadJob> download(TestFixture &f, const QString &id, const DownloadTarget &target)
{
    return f.download(id, target);
}
} // namespace

class TestResume : public QObject
{
    Q_OBJECT
private slots:
    void cutTransferResumesWithRangeAndIfRange();
    void leftoverPartialIsResumed();
    void changedFileRestartsFrom200();
    void wrongContentRangeRestartsFromZero();
    void partialWithoutRecordIsLeftAlone();
    void matchingChecksumIsVerified_data();
    void matchingChecksumIsVerified();
    void wrongChecksumKeepsNothing();
    void finalFailureRemovesKeptPartial();
    void cancelWhileWaitingRemovesKeptPartial();
    void recoverPartialsResumesAndCleans();
    void quitAndResumeLaterContinuesNextStart();
    void pendingListSurvivesDamage();
    void twoWritersOfOneTargetAreRefused();
    void notEnoughFreeSpace();
    void apiRateLimitIsShownAsWaiting();
    void longRateLimitFailsWithTimeToComeBack();
    void historySurvivesDamage();
};

void TestResume::cutTransferResumesWithRangeAndIfRange()
{
    TestFixture f;
    f.server().addReport(report(QStringLiteral("report_cut")));
    Fault cut;
    cut.host = Fault::Host::Download;
    cut.cutAfterBytes = 150'000;
    f.server().addFault(cut);
    auto job = download(f, QStringLiteral("report_cut"), DownloadTarget::folder(f.folder()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(job->attempts(), 2);
    QCOMPARE(readFile(job->targetPath()), f.server().contentOf(QStringLiteral("report_cut")));
    const auto requests = f.downloadRequests();
    // Two requests, or three when Qt itself re-sent one on a connection the server had just closed (seen under
    // a loaded CI machine): the first asks for everything, the last only for the rest.
    QVERIFY2(requests.size() == 2 || requests.size() == 3, qPrintable(QString::number(requests.size())));
    QVERIFY(!requests.first().headers.contains("range"));
    // Whatever arrived before the cut was kept: the last request asks only for the rest.
    const QByteArray range = requests.last().headers.value("range");
    QVERIFY2(range.startsWith("bytes=") && range.mid(6).chopped(1).toLongLong() > 0, range.constData());
    QCOMPARE(requests.last().headers.value("if-range"), f.server().etagOf(QStringLiteral("report_cut")));
    QCOMPARE(f.files(), QStringList{QStringLiteral("report_cut.csv")});
    QCOMPARE(
        job->record().sha256,
        QString::fromLatin1(QCryptographicHash::hash(readFile(job->targetPath()), QCryptographicHash::Sha256).toHex()));
    QVERIFY(f.downloadHostSawNoAuthorization());
}

void TestResume::leftoverPartialIsResumed()
{
    TestFixture f;
    const QString id = QStringLiteral("report_left");
    f.server().addReport(report(id));
    const QString target = QDir(f.folder()).filePath(id + QStringLiteral(".csv"));
    leavePartial(f, id, target, 123'456, QString::fromLatin1(f.server().etagOf(id)));
    auto job = download(f, id, DownloadTarget::folder(f.folder()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(f.downloadRequests().at(0).headers.value("range"), QByteArray("bytes=123456-"));
    QCOMPARE(readFile(target), f.server().contentOf(id));
    QCOMPARE(f.files(), QStringList{id + QStringLiteral(".csv")});
}

void TestResume::changedFileRestartsFrom200()
{
    TestFixture f;
    const QString id = QStringLiteral("report_changed");
    f.server().addReport(report(id));
    const QString target = QDir(f.folder()).filePath(id + QStringLiteral(".csv"));
    // Bytes of an older version of the file: the If-Range does not match, the server sends all of it with 200.
    writeFile(PartialDownload::defaultPartPath(target), QByteArray(200'000, 'x'));
    recordPartial(id, target, PartialDownload::defaultPartPath(target), fileSize, QStringLiteral("\"old-version\""));
    auto job = download(f, id, DownloadTarget::folder(f.folder()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QCOMPARE(f.downloadRequests().size(), 1);
    QCOMPARE(readFile(target), f.server().contentOf(id));
    QCOMPARE(job->record().size, fileSize);
}

void TestResume::wrongContentRangeRestartsFromZero()
{
    TestFixture f;
    const QString id = QStringLiteral("report_range");
    f.server().addReport(report(id));
    const QString target = QDir(f.folder()).filePath(id + QStringLiteral(".csv"));
    leavePartial(f, id, target, 100'000, QString::fromLatin1(f.server().etagOf(id)));
    Fault lie;
    lie.host = Fault::Host::Download;
    lie.headers = {{"Content-Range", "bytes 90000-399999/400000"}};
    f.server().addFault(lie);
    auto job = download(f, id, DownloadTarget::folder(f.folder()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    const auto requests = f.downloadRequests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(0).headers.value("range"), QByteArray("bytes=100000-"));
    QVERIFY(!requests.at(1).headers.contains("range"));
    QCOMPARE(readFile(target), f.server().contentOf(id));
}

void TestResume::partialWithoutRecordIsLeftAlone()
{
    TestFixture f;
    const QString id = QStringLiteral("report_nometa");
    f.server().addReport(report(id));
    const QString target = QDir(f.folder()).filePath(id + QStringLiteral(".csv"));
    // Not recorded by the application: someone else's file. It is never continued, truncated or removed; the
    // download starts afresh under a name of its own (issue 9: a planted .part is never trusted).
    writeFile(PartialDownload::defaultPartPath(target), QByteArray(1000, 'z'));
    auto job = download(f, id, DownloadTarget::folder(f.folder()));
    QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
    QVERIFY(!f.downloadRequests().at(0).headers.contains("range"));
    QCOMPARE(readFile(target), f.server().contentOf(id));
    QCOMPARE(f.files(), (QStringList{id + QStringLiteral(".csv"), id + QStringLiteral(".csv.part")}));
    QCOMPARE(readFile(PartialDownload::defaultPartPath(target)), QByteArray(1000, 'z'));
}

void TestResume::matchingChecksumIsVerified_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("hex");
    QTest::newRow("X-Checksum-Sha256") << QByteArray("X-Checksum-Sha256") << true;
    QTest::newRow("Digest") << QByteArray("Digest") << false;
}

void TestResume::matchingChecksumIsVerified()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, hex);
    TestFixture f;
    const QString id = QStringLiteral("report_sum");
    f.server().addReport(report(id));
    const QByteArray digest = QCryptographicHash::hash(f.server().contentOf(id), QCryptographicHash::Sha256);
    Fault sum;
    sum.host = Fault::Host::Download;
    sum.headers = {{header, hex ? digest.toHex() : "sha-256=" + digest.toBase64()}};
    f.server().addFault(sum);
    DownloadJob job(&f.network(), f.options(), fetchTicket(f, id), QDir(f.folder()).filePath(QStringLiteral("x.csv")));
    QSignalSpy verifying(&job, &DownloadJob::verifying);
    job.start();
    QVERIFY(TestFixture::waitFor(&job));
    QVERIFY2(job.succeeded(), qPrintable(job.error().message()));
    QVERIFY(job.checksumVerified());
    QCOMPARE(verifying.size(), 1);
    QCOMPARE(job.sha256(), QString::fromLatin1(digest.toHex()));
    QCOMPARE(f.files(), QStringList{QStringLiteral("x.csv")});
}

void TestResume::wrongChecksumKeepsNothing()
{
    TestFixture f;
    const QString id = QStringLiteral("report_badsum");
    f.server().addReport(report(id));
    Fault sum;
    sum.host = Fault::Host::Download;
    sum.times = -1;
    sum.headers = {{"X-Checksum-Sha256", QCryptographicHash::hash("other", QCryptographicHash::Sha256).toHex()}};
    f.server().addFault(sum);
    auto job = download(f, id, DownloadTarget::folder(f.folder()));
    QCOMPARE(job->error().kind(), ApiError::Kind::Integrity);
    QCOMPARE(job->error().message(),
             QStringLiteral("Report report_badsum: The downloaded file does not match the checksum the download server "
                            "announced; the file was not saved."));
    QCOMPARE(job->state(), ReportDownloadJob::State::Failed);
    QCOMPARE(f.files(), QStringList());
}

void TestResume::finalFailureRemovesKeptPartial()
{
    TestFixture f;
    const QString id = QStringLiteral("report_flaky");
    f.server().addReport(report(id));
    Fault cut;
    cut.host = Fault::Host::Download;
    cut.times = -1;
    cut.cutAfterBytes = 1000;
    f.server().addFault(cut);
    auto job = download(f, id, DownloadTarget::folder(f.folder()));
    QVERIFY2(job->error().kind() == ApiError::Kind::Network, qPrintable(job->error().message()));
    QCOMPARE(job->attempts(), f.options().retry.maxAttempts);
    // Depending on when the cut is seen, Qt reports a closed connection or a body that ended early.
    QVERIFY2(QRegularExpression(QStringLiteral("^Report report_flaky: The download (server localhost closed the "
                                               "connection after|from localhost ended early: ).*"))
                 .match(job->error().message())
                 .hasMatch(),
             qPrintable(job->error().message()));
    QCOMPARE(f.files(), QStringList());
}

void TestResume::cancelWhileWaitingRemovesKeptPartial()
{
    TestFixture f;
    NetworkOptions o = f.options();
    o.retry.baseDelay = o.retry.maxDelay = std::chrono::milliseconds(60'000);
    f.setOptions(o);
    const QString id = QStringLiteral("report_wait");
    f.server().addReport(report(id));
    Fault cut;
    cut.host = Fault::Host::Download;
    cut.cutAfterBytes = 5000;
    f.server().addFault(cut);
    ReportDownloadJob job(&f.api(), id, DownloadTarget::folder(f.folder()));
    QSignalSpy states(&job, &ReportDownloadJob::stateChanged);
    job.start();
    QTRY_COMPARE(job.state(), ReportDownloadJob::State::Waiting);
    QVERIFY(f.files().contains(id + QStringLiteral(".csv.part")));
    QVERIFY(job.retryAt() > QDateTime::currentDateTime().addSecs(20));
    job.cancel();
    QCOMPARE(job.error().kind(), ApiError::Kind::Cancelled);
    QCOMPARE(f.files(), QStringList());
}

void TestResume::recoverPartialsResumesAndCleans()
{
    TestFixture f;
    const QString a = QStringLiteral("report_reca");
    const QString b = QStringLiteral("report_recb");
    f.server().addReport(report(a));
    f.server().addReport(report(b));
    const QDir dir(f.folder());
    leavePartial(f, a, dir.filePath(QStringLiteral("a.csv")), 250'000, QString::fromLatin1(f.server().etagOf(a)));
    // b's target appeared meanwhile: its leftover is stale.
    leavePartial(f, b, dir.filePath(QStringLiteral("b.csv")), 10, {});
    writeFile(dir.filePath(QStringLiteral("b.csv")), "mine");
    // Not ours (no record): left alone. A record whose .part is gone: forgotten.
    writeFile(dir.filePath(QStringLiteral("c.csv.part")), "someone else's");
    const QString d = dir.filePath(QStringLiteral("d.csv"));
    writeFile(PartialDownload::defaultPartPath(d), "soon gone");
    recordPartial(QStringLiteral("report_recd"), d, PartialDownload::defaultPartPath(d), 100, {});
    QFile::remove(PartialDownload::defaultPartPath(d));
    DownloadHistory history(dir.filePath(QStringLiteral("history.json")));
    DownloadController controller(&f.api(), &history);
    DownloadQueue &queue = *controller.queue();
    const QList<int> rows = controller.recoverLeftovers(f.folder());
    QCOMPARE(rows, QList<int>{0});
    QCOMPARE(queue.data(queue.index(0), DownloadQueue::TitleRole).toString(), QStringLiteral("a.csv"));
    QSignalSpy idle(&queue, &DownloadQueue::idle);
    QVERIFY(idle.wait(20'000));
    QCOMPARE(queue.state(0), ReportDownloadJob::State::Done);
    QCOMPARE(readFile(dir.filePath(QStringLiteral("a.csv"))), f.server().contentOf(a));
    QCOMPARE(f.downloadRequests().at(0).headers.value("range"), QByteArray("bytes=250000-"));
    QCOMPARE(readFile(dir.filePath(QStringLiteral("b.csv"))), QByteArray("mine"));
    QCOMPARE(f.files(), (QStringList{QStringLiteral("a.csv"), QStringLiteral("b.csv"), QStringLiteral("c.csv.part"),
                                     QStringLiteral("history.json")}));
    QCOMPARE(history.latest(a)->sha256, DownloadHistory::sha256OfFile(dir.filePath(QStringLiteral("a.csv"))));
    QVERIFY(!PartialDownload::load(d));
    QVERIFY(!PartialDownload::load(dir.filePath(QStringLiteral("b.csv"))));
}

/// The application's state folder of this test alone: the pending list is one file per user, and other tests of the
/// suite run at the same time.
class PrivateStateFolder
{
public:
    PrivateStateFolder() : m_old(qgetenv("XDG_DATA_HOME")) { qputenv("XDG_DATA_HOME", m_dir.path().toLocal8Bit()); }
    ~PrivateStateFolder() { qputenv("XDG_DATA_HOME", m_old); }
    QString pendingFile() const
    {
        return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
            .filePath(QStringLiteral("getbill-reports/pending.json"));
    }

private:
    QTemporaryDir m_dir;
    QByteArray m_old;
};

void TestResume::quitAndResumeLaterContinuesNextStart()
{
    PrivateStateFolder state;
    TestFixture f;
    const QString a = QStringLiteral("report_quita");
    const QString b = QStringLiteral("report_quitb");
    f.server().addReport(report(a, 2'000'000));
    f.server().addReport(report(b));
    Fault stall;
    stall.host = Fault::Host::Download;
    stall.stallAfterBytes = 300'000;
    f.server().addFault(stall);
    const QDir dir(f.folder());
    const QString aTarget = dir.filePath(QStringLiteral("month-end.csv"));
    {
        DownloadHistory history(dir.filePath(QStringLiteral("history.json")));
        DownloadController controller(&f.api(), &history);
        DownloadQueue &queue = *controller.queue();
        queue.setMaxConcurrent(1);
        queue.enqueue(a, DownloadTarget::file(aTarget, false));
        queue.enqueue(b, DownloadTarget::folder(f.folder()));
        QTRY_VERIFY(queue.job(0) && queue.job(0)->bytesReceived() >= 300'000);
        QCOMPARE(queue.state(1), ReportDownloadJob::State::Queued);
        QSignalSpy finished(&queue, &DownloadQueue::itemFinished);
        queue.suspendAll();
        QCOMPARE(finished.size(), 2);
        QCOMPARE(queue.state(0), ReportDownloadJob::State::Interrupted);
        QCOMPARE(queue.state(1), ReportDownloadJob::State::Interrupted);
        QVERIFY(queue.isIdle());
        // Nothing at the final name; the bytes and their record stay for the next start; the list is private.
        QVERIFY(!QFile::exists(aTarget));
        QVERIFY(QFileInfo(PartialDownload::defaultPartPath(aTarget)).size() >= 300'000);
        QVERIFY(PartialDownload::load(aTarget));
        QCOMPARE(QFile(state.pendingFile()).permissions() & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());
        // Shown as paused, and a finished row can go.
        queue.remove(1);
        QCOMPARE(queue.rowCount(), 1);
        QCOMPARE(queue.state(0), ReportDownloadJob::State::Interrupted);
    }
    f.server().clearFaults();
    const int requestsBefore = int(f.downloadRequests().size());
    // The next start: both come back in their order, the first where it was going, and continues where it stopped.
    DownloadHistory history(dir.filePath(QStringLiteral("history.json")));
    DownloadController controller(&f.api(), &history);
    DownloadQueue &queue = *controller.queue();
    const QList<int> rows = controller.recoverLeftovers();
    QCOMPARE(rows, (QList<int>{0, 1}));
    QCOMPARE(queue.data(queue.index(0), DownloadQueue::ReportIdRole).toString(), a);
    QCOMPARE(queue.data(queue.index(1), DownloadQueue::ReportIdRole).toString(), b);
    QSignalSpy idle(&queue, &DownloadQueue::idle);
    QVERIFY(idle.wait(20'000));
    QCOMPARE(queue.state(0), ReportDownloadJob::State::Done);
    QCOMPARE(queue.state(1), ReportDownloadJob::State::Done);
    QCOMPARE(readFile(aTarget), f.server().contentOf(a));
    QCOMPARE(readFile(dir.filePath(b + QStringLiteral(".csv"))), f.server().contentOf(b));
    // Two fetches (in either order): the new one from the start, the interrupted one from where it stopped.
    QByteArrayList ranges;
    for (qsizetype i = requestsBefore; i < f.downloadRequests().size(); ++i)
        ranges.append(f.downloadRequests().at(i).headers.value("range"));
    std::sort(ranges.begin(), ranges.end());
    QCOMPARE(ranges.size(), 2);
    QCOMPARE(ranges.at(0), QByteArray());
    QVERIFY2(ranges.at(1).startsWith("bytes=") && ranges.at(1).mid(6).chopped(1).toLongLong() >= 300'000,
             ranges.at(1).constData());
    // Taken once: a third start has nothing to resume.
    QVERIFY(!QFile::exists(state.pendingFile()));
    DownloadController third(&f.api(), &history);
    QCOMPARE(third.recoverLeftovers(), QList<int>());
}

void TestResume::pendingListSurvivesDamage()
{
    PrivateStateFolder state;
    QTemporaryDir folder;
    const QString target = QDir(folder.path()).filePath(QStringLiteral("x.csv"));
    QVERIFY(PendingDownloads::save(
        {{QStringLiteral("report_1"), QStringLiteral("x.csv"), DownloadTarget::file(target, false)},
         {QStringLiteral("report_2"), QString(), DownloadTarget::folder(folder.path())}}));
    const QList<PendingDownload> back = PendingDownloads::take();
    QCOMPARE(back.size(), 2);
    QCOMPARE(back.at(0).reportId, QStringLiteral("report_1"));
    QCOMPARE(back.at(0).target.mode, DownloadTarget::Mode::File);
    QCOMPARE(back.at(0).target.path, target);
    QCOMPARE(back.at(1).target.mode, DownloadTarget::Mode::Folder);
    QCOMPARE(PendingDownloads::take().size(), 0);
    // Damaged or hostile content: nothing crashes, bad entries are skipped, the good one stays.
    for (const QByteArray &bytes : QList<QByteArray>{
             QByteArray("not json"), QByteArray("{\"items\": 3}"),
             QByteArray("{\"items\": [{\"report\": \"../../etc\", \"mode\": \"folder\", \"path\": \"/tmp\"},"
                        " {\"report\": \"report_ok\", \"mode\": \"folder\", \"path\": \"") +
                 folder.path().toUtf8() +
                 QByteArray("\"}, {\"report\": \"report_rel\", \"mode\": \"file\", \"path\": \"rel.csv\"}]}")}) {
        QVERIFY(QDir().mkpath(QFileInfo(state.pendingFile()).path()));
        writeFile(state.pendingFile(), bytes);
        const QList<PendingDownload> items = PendingDownloads::take();
        QVERIFY(items.size() <= 1);
        if (!items.isEmpty())
            QCOMPARE(items.at(0).reportId, QStringLiteral("report_ok"));
        QVERIFY(!QFile::exists(state.pendingFile()));
    }
    // An empty list removes the file.
    QVERIFY(PendingDownloads::save({}));
    QVERIFY(!QFile::exists(state.pendingFile()));
}

void TestResume::twoWritersOfOneTargetAreRefused()
{
    TestFixture f;
    const QString id = QStringLiteral("report_twice");
    f.server().addReport(report(id, 2'000'000));
    Fault stall;
    stall.host = Fault::Host::Download;
    stall.stallAfterBytes = 1000;
    f.server().addFault(stall);
    ReportDownloadJob first(&f.api(), id, DownloadTarget::folder(f.folder()));
    QSignalSpy progress(&first, &Job::progress);
    first.start();
    QTRY_VERIFY(first.bytesReceived() >= 1000);
    auto second = download(f, id, DownloadTarget::folder(f.folder()));
    QCOMPARE(second->error().kind(), ApiError::Kind::LocalFile);
    QCOMPARE(second->error().message(),
             QStringLiteral("Report report_twice: ") +
                 QDir::toNativeSeparators(QDir(f.folder()).filePath(id + QStringLiteral(".csv"))) +
                 QStringLiteral(" is already being downloaded."));
    // The first one's .part was not taken away by the second.
    QVERIFY(QFileInfo::exists(QDir(f.folder()).filePath(id + QStringLiteral(".csv.part"))));
    QCOMPARE(first.state(), ReportDownloadJob::State::Downloading);
    first.cancel();
    QCOMPARE(f.files(), QStringList());
}

void TestResume::notEnoughFreeSpace()
{
    TestFixture f;
    sandbox::SandboxReport r = report(QStringLiteral("report_huge"));
    r.advertisedSize = qint64(900) << 30; // 900 GiB (966.4 GB): more than any test machine has free
    f.server().addReport(r);
    auto job = download(f, r.id, DownloadTarget::folder(f.folder()));
    QCOMPARE(job->error().kind(), ApiError::Kind::LocalFile);
    QVERIFY2(job->error().message().startsWith(QStringLiteral("Report report_huge: Not enough free space in ") +
                                               QDir::toNativeSeparators(f.folder()) +
                                               QStringLiteral(": the report needs 966.4 GB")),
             qPrintable(job->error().message()));
    QVERIFY(f.downloadRequests().isEmpty());
    QCOMPARE(f.files(), QStringList());
}

void TestResume::apiRateLimitIsShownAsWaiting()
{
    TestFixture f;
    f.server().addReport(report(QStringLiteral("report_429"), 1000));
    Fault limited;
    limited.host = Fault::Host::Api;
    limited.pathContains = QStringLiteral("/reports/download/");
    limited.status = 429;
    limited.body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
                       "details":{"retry_after":1,"limit":1000}})";
    f.server().addFault(limited);
    ReportDownloadJob job(&f.api(), QStringLiteral("report_429"), DownloadTarget::folder(f.folder()));
    QList<ReportDownloadJob::State> states;
    connect(&job, &ReportDownloadJob::stateChanged, this, [&](ReportDownloadJob::State s) { states << s; });
    job.start();
    QTRY_COMPARE(job.state(), ReportDownloadJob::State::Waiting);
    QCOMPARE(job.lastError().httpStatus(), 429);
    const qint64 wait = QDateTime::currentDateTime().msecsTo(job.retryAt());
    QVERIFY2(wait > 500 && wait <= 1000, qPrintable(QString::number(wait)));
    QCOMPARE(DownloadQueue::waitingMessage(job.retryAt(), job.lastError()),
             QStringLiteral("Waiting until ") + QLocale().toString(job.retryAt().time(), QLocale::ShortFormat) +
                 QStringLiteral(": Rate limit exceeded. Please try again later."));
    QVERIFY(TestFixture::waitFor(&job));
    QVERIFY2(job.succeeded(), qPrintable(job.error().message()));
    QCOMPARE(states, (QList<ReportDownloadJob::State>{
                         ReportDownloadJob::State::GettingLink, ReportDownloadJob::State::Waiting,
                         ReportDownloadJob::State::GettingLink, ReportDownloadJob::State::Downloading,
                         ReportDownloadJob::State::Verifying, ReportDownloadJob::State::Done}));
}

void TestResume::longRateLimitFailsWithTimeToComeBack()
{
    TestFixture f;
    f.server().addReport(report(QStringLiteral("report_1800"), 1000));
    Fault limited;
    limited.host = Fault::Host::Api;
    limited.pathContains = QStringLiteral("/reports/download/");
    limited.status = 429;
    limited.body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
                       "details":{"retry_after":1800}})";
    f.server().addFault(limited);
    auto job = download(f, QStringLiteral("report_1800"), DownloadTarget::folder(f.folder()));
    QCOMPARE(job->error().httpStatus(), 429);
    QCOMPARE(job->error().category(), ApiError::Category::Transient);
    const QString back = QLocale().toString(QDateTime::currentDateTime().addSecs(1800).time(), QLocale::ShortFormat);
    QVERIFY2(job->error().message().startsWith(QStringLiteral("Report report_1800: Rate limit exceeded. Please try "
                                                              "again later. Try again after ")),
             qPrintable(job->error().message()));
    QVERIFY2(job->error().message().endsWith(back + QLatin1Char('.')) ||
                 job->error().message().contains(QStringLiteral("after ")), // minute boundary
             qPrintable(job->error().message()));
    QCOMPARE(f.files(), QStringList());
}

void TestResume::historySurvivesDamage()
{
    TestFixture f;
    const QString path = QDir(f.folder()).filePath(QStringLiteral("sub/history.json"));
    {
        DownloadHistory history(path);
        QVERIFY(history.load());
        QVERIFY(history.records().isEmpty());
        DownloadRecord r{QStringLiteral("report_h"), QStringLiteral("h.pdf"),        QStringLiteral("/x/h.pdf"), 42,
                         QStringLiteral("ab"),       QDateTime::currentDateTimeUtc()};
        QVERIFY(history.add(r));
        QVERIFY(history.contains(QStringLiteral("report_h")));
        QVERIFY(!history.contains(QStringLiteral("report_other")));
    }
    {
        DownloadHistory history(path);
        QVERIFY(history.load());
        QCOMPARE(history.records().size(), 1);
        QCOMPARE(history.records().first().size, 42);
        QCOMPARE(history.records().first().filename, QStringLiteral("h.pdf"));
        QVERIFY(!readFile(path).contains("download_url"));
    }
    writeFile(path, "{ not json");
    DownloadHistory damaged(path);
    QString error;
    QVERIFY(!damaged.load(&error));
    QCOMPARE(error, QStringLiteral("The download history ") + QDir::toNativeSeparators(path) +
                        QStringLiteral(" could not be read (not a history file); a new one was started."));
    QVERIFY(damaged.records().isEmpty());
    QVERIFY(QFileInfo::exists(path + QStringLiteral(".bad")));
    QVERIFY(damaged.add(DownloadRecord{QStringLiteral("report_n"),
                                       QStringLiteral("n.pdf"),
                                       QStringLiteral("/n.pdf"),
                                       1,
                                       {},
                                       QDateTime::currentDateTimeUtc()}));
    DownloadHistory again(path);
    QVERIFY(again.load());
    QCOMPARE(again.records().size(), 1);
}

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
