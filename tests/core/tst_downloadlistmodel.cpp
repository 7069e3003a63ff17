#include "TestFixture.h"
#include "download/DownloadHistory.h"
#include "download/DownloadListModel.h"
#include "download/DownloadQueue.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QMimeData>
#include <QTest>

using namespace getbill;
using namespace getbill::test;
using State = ReportDownloadJob::State;
using Action = DownloadListModel::Action;

namespace {
DownloadRecord record(const QString &id, const QString &path, qint64 size, const QDateTime &at)
{
    DownloadRecord r;
    r.reportId = id;
    r.path = path;
    r.filename = QFileInfo(path).fileName();
    r.size = size;
    r.sha256 = QStringLiteral("00");
    r.finishedAt = at;
    return r;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

QStringList ids(const DownloadListModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.reportId(row);
    return out;
}

/// A queue and a history in a fixture's folder, with the model checked by QAbstractItemModelTester throughout.
struct Harness
{
    TestFixture f;
    DownloadHistory history{QDir(f.folder()).filePath(QStringLiteral("history.json"))};
    DownloadQueue queue{&f.api()};
    DownloadListModel model{&queue, &history};
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::QtTest};

    Harness() { queue.setHistory(&history); }
    QString path(const QString &name) const { return QDir(f.folder()).filePath(name); }
    bool waitIdle()
    {
        QSignalSpy idle(&queue, &DownloadQueue::idle);
        return queue.isIdle() || idle.wait(20'000);
    }
};
} // namespace

class TestDownloadListModel : public QObject
{
    Q_OBJECT
private slots:
    void historyShowsNewestFirstOncePerFile();
    void runningOnTopThenNewestFirst();
    void selectionFollowsTheRowWhenItMoves();
    void failedRowsRetryInPlaceOrElsewhere();
    void removeForgetsButKeepsTheFile();
    void movedOrDeletedFilesSaySo();
    void savedFilesDragOutAsUrls();
    void clearHistoryKeepsFilesAndRunningRows();
};

void TestDownloadListModel::historyShowsNewestFirstOncePerFile()
{
    Harness h;
    const QDateTime t0 = QDateTime::currentDateTimeUtc().addDays(-3);
    writeFile(h.path(QStringLiteral("a.csv")), "aaaa");
    writeFile(h.path(QStringLiteral("b.csv")), "bb");
    QVERIFY(h.history.add(record(QStringLiteral("report_a1"), h.path(QStringLiteral("a.csv")), 4, t0)));
    QVERIFY(h.history.add(record(QStringLiteral("report_b"), h.path(QStringLiteral("b.csv")), 2, t0.addSecs(60))));
    // a.csv downloaded again later (overwritten): one row, the newer record.
    QVERIFY(h.history.add(record(QStringLiteral("report_a2"), h.path(QStringLiteral("a.csv")), 4, t0.addSecs(120))));
    QCOMPARE(ids(h.model), (QStringList{QStringLiteral("report_a2"), QStringLiteral("report_b")}));
    const QModelIndex first = h.model.index(0);
    QVERIFY(first.data(DownloadListModel::IsHistoryRole).toBool());
    QCOMPARE(first.data(DownloadQueue::StateRole).value<State>(), State::Done);
    QCOMPARE(first.data(DownloadQueue::TitleRole).toString(), QStringLiteral("a.csv"));
    QCOMPARE(first.data(DownloadQueue::TotalBytesRole).toLongLong(), 4);
    QVERIFY(first.data(DownloadListModel::SearchTextRole).toString().contains(QStringLiteral("report_a2")));
    QCOMPARE(h.model.actions(0), Action::Open | Action::ShowInFolder | Action::CopyPath | Action::Remove);
    // A history loaded from disk by the next start shows the same.
    DownloadHistory again(h.history.filePath());
    QVERIFY(again.load());
    DownloadListModel reopened(&h.queue, &again);
    QCOMPARE(ids(reopened), ids(h.model));
}

void TestDownloadListModel::runningOnTopThenNewestFirst()
{
    Harness h;
    h.f.server().addReport(TestFixture::csvReport(QStringLiteral("report_new1")));
    h.f.server().addReport(TestFixture::csvReport(QStringLiteral("report_new2")));
    writeFile(h.path(QStringLiteral("old.csv")), "old");
    QVERIFY(h.history.add(record(QStringLiteral("report_old"), h.path(QStringLiteral("old.csv")), 3,
                                 QDateTime::currentDateTimeUtc().addDays(-1))));
    h.queue.setMaxConcurrent(1);
    h.queue.enqueue(QStringLiteral("report_new1"), DownloadTarget::folder(h.f.folder()));
    h.queue.enqueue(QStringLiteral("report_new2"), DownloadTarget::folder(h.f.folder()));
    // Both not finished: on top, the newest first; the history below.
    QCOMPARE(ids(h.model),
             (QStringList{QStringLiteral("report_new2"), QStringLiteral("report_new1"), QStringLiteral("report_old")}));
    QCOMPARE(h.model.actions(0), DownloadListModel::Actions(Action::Cancel));
    QCOMPARE(h.model.queueRow(0), 1);
    QCOMPARE(h.model.rowOfQueueRow(0), 1);
    QCOMPARE(h.model.queueRow(2), -1);
    QVERIFY(h.waitIdle());
    // Finished: newest finished first (new2 ran after new1); each file once although the history now has it too.
    QCOMPARE(h.history.records().size(), 3);
    QCOMPARE(ids(h.model),
             (QStringList{QStringLiteral("report_new2"), QStringLiteral("report_new1"), QStringLiteral("report_old")}));
    QVERIFY(!h.model.index(0).data(DownloadListModel::IsHistoryRole).toBool());
    QCOMPARE(h.model.filePath(1), h.path(QStringLiteral("report_new1.csv")));
}

void TestDownloadListModel::selectionFollowsTheRowWhenItMoves()
{
    Harness h;
    h.f.server().addReport(TestFixture::csvReport(QStringLiteral("report_slow"), 3'000'000));
    h.f.server().addReport(TestFixture::csvReport(QStringLiteral("report_fast")));
    sandbox::Fault stall;
    stall.host = sandbox::Fault::Host::Download;
    stall.stallAfterBytes = 1000;
    h.f.server().addFault(stall);
    h.queue.enqueue(QStringLiteral("report_slow"), DownloadTarget::folder(h.f.folder()));
    QTRY_VERIFY(h.queue.job(0) && h.queue.job(0)->bytesReceived() >= 1000);
    h.f.server().clearFaults();
    h.queue.enqueue(QStringLiteral("report_fast"), DownloadTarget::folder(h.f.folder()));
    const QPersistentModelIndex fast = h.model.index(0);
    QCOMPARE(fast.data(DownloadQueue::ReportIdRole).toString(), QStringLiteral("report_fast"));
    // report_fast finishes while report_slow still runs: it moves below the running one, and the index with it.
    QTRY_COMPARE(h.queue.state(1), State::Done);
    QCOMPARE(ids(h.model), (QStringList{QStringLiteral("report_slow"), QStringLiteral("report_fast")}));
    QCOMPARE(fast.row(), 1);
    QCOMPARE(fast.data(DownloadQueue::ReportIdRole).toString(), QStringLiteral("report_fast"));
    // Progress of the running row reaches the view as data changes of its row only.
    QSignalSpy changed(&h.model, &QAbstractItemModel::dataChanged);
    QTRY_VERIFY(!changed.isEmpty());
    h.queue.cancel(0);
}

void TestDownloadListModel::failedRowsRetryInPlaceOrElsewhere()
{
    Harness h;
    h.f.server().addReport(TestFixture::csvReport(QStringLiteral("report_x")));
    const QString gone = h.path(QStringLiteral("not-there"));
    h.queue.enqueue(QStringLiteral("report_x"), DownloadTarget::folder(gone));
    QVERIFY(h.waitIdle());
    QCOMPARE(h.queue.state(0), State::Failed);
    QCOMPARE(ApiError::Kind(h.model.index(0).data(DownloadQueue::ErrorKindRole).toInt()), ApiError::Kind::LocalFile);
    // The folder is the problem: another folder is offered with the retry.
    QCOMPARE(h.model.actions(0), Action::Retry | Action::Remove | Action::ChooseFolder);
    // A retry in place once the folder exists: the same row, no new one.
    QVERIFY(QDir().mkpath(gone));
    QVERIFY(h.queue.retry(0));
    QCOMPARE(h.model.rowCount(), 1);
    QCOMPARE(h.model.actions(0), DownloadListModel::Actions(Action::Cancel));
    QVERIFY(h.waitIdle());
    QCOMPARE(h.queue.state(0), State::Done);
    QCOMPARE(h.model.filePath(0), QDir(gone).filePath(QStringLiteral("report_x.csv")));
    QVERIFY(!h.queue.retry(0)); // a saved row is not retried
    // A cancelled one retries elsewhere.
    h.queue.enqueue(QStringLiteral("report_x"), DownloadTarget::folder(h.f.folder()));
    h.queue.cancel(1);
    QCOMPARE(h.model.actions(h.model.rowOfQueueRow(1)), Action::Retry | Action::Remove);
    const QString elsewhere = h.path(QStringLiteral("elsewhere"));
    QVERIFY(QDir().mkpath(elsewhere));
    QVERIFY(h.queue.retry(1, DownloadTarget::uniqueInFolder(elsewhere)));
    QVERIFY(h.waitIdle());
    QCOMPARE(h.queue.targetPath(1), QDir(elsewhere).filePath(QStringLiteral("report_x.csv")));
}

void TestDownloadListModel::removeForgetsButKeepsTheFile()
{
    Harness h;
    h.f.server().addReport(TestFixture::csvReport(QStringLiteral("report_r")));
    writeFile(h.path(QStringLiteral("old.csv")), "old");
    QVERIFY(h.history.add(record(QStringLiteral("report_old"), h.path(QStringLiteral("old.csv")), 3,
                                 QDateTime::currentDateTimeUtc().addDays(-1))));
    h.queue.enqueue(QStringLiteral("report_r"), DownloadTarget::folder(h.f.folder()));
    QVERIFY(!h.model.remove(0)); // running: not removed
    QVERIFY(h.waitIdle());
    QCOMPARE(h.model.rowCount(), 2);
    // This session's row: gone from the list, not from the disk; its record does not pop up in its place, and stays
    // for sync ("already fetched") and the report rows ("saved").
    QVERIFY(h.model.remove(0));
    QCOMPARE(ids(h.model), QStringList{QStringLiteral("report_old")});
    QVERIFY(QFile::exists(h.path(QStringLiteral("report_r.csv"))));
    QVERIFY(h.history.savedCopy(QStringLiteral("report_r")));
    // A history row.
    QVERIFY(h.model.remove(0));
    QCOMPARE(h.model.rowCount(), 0);
    QVERIFY(QFile::exists(h.path(QStringLiteral("old.csv"))));
    // The next start shows none of them; the records are still there.
    DownloadHistory reread(h.history.filePath());
    QVERIFY(reread.load());
    QCOMPARE(reread.records().size(), 2);
    DownloadListModel next(&h.queue, &reread);
    QCOMPARE(next.rowCount(), 0);
}

void TestDownloadListModel::movedOrDeletedFilesSaySo()
{
    Harness h;
    writeFile(h.path(QStringLiteral("a.csv")), "aaaa");
    writeFile(h.path(QStringLiteral("b.csv")), "bb");
    const QDateTime t = QDateTime::currentDateTimeUtc().addDays(-1);
    QVERIFY(h.history.add(record(QStringLiteral("report_a"), h.path(QStringLiteral("a.csv")), 4, t)));
    QVERIFY(h.history.add(record(QStringLiteral("report_b"), h.path(QStringLiteral("b.csv")), 2, t.addSecs(1))));
    QVERIFY(!h.model.index(0).data(DownloadListModel::FileMissingRole).toBool());
    QVERIFY(!h.model.index(1).data(DownloadListModel::FileMissingRole).toBool());
    QVERIFY(QFile::remove(h.path(QStringLiteral("b.csv"))));
    writeFile(h.path(QStringLiteral("a.csv")), "another file now");
    QSignalSpy changed(&h.model, &QAbstractItemModel::dataChanged);
    h.model.refreshFiles();
    QCOMPARE(changed.size(), 2);
    QVERIFY(h.model.index(0).data(DownloadListModel::FileMissingRole).toBool());
    QVERIFY(h.model.index(1).data(DownloadListModel::FileMissingRole).toBool());
    QCOMPARE(h.model.actions(0), Action::DownloadAgain | Action::Remove);
    QVERIFY(!(h.model.flags(h.model.index(0)) & Qt::ItemIsDragEnabled));
    // Back in place: saved again.
    writeFile(h.path(QStringLiteral("b.csv")), "bb");
    h.model.refreshFiles();
    QVERIFY(!h.model.index(0).data(DownloadListModel::FileMissingRole).toBool());
}

void TestDownloadListModel::savedFilesDragOutAsUrls()
{
    Harness h;
    writeFile(h.path(QStringLiteral("a.csv")), "aaaa");
    QVERIFY(h.history.add(
        record(QStringLiteral("report_a"), h.path(QStringLiteral("a.csv")), 4, QDateTime::currentDateTimeUtc())));
    QVERIFY(h.model.flags(h.model.index(0)) & Qt::ItemIsDragEnabled);
    QCOMPARE(h.model.supportedDragActions(), Qt::CopyAction);
    std::unique_ptr<QMimeData> mime(h.model.mimeData({h.model.index(0)}));
    QVERIFY(mime);
    QCOMPARE(mime->urls(), QList<QUrl>{QUrl::fromLocalFile(h.path(QStringLiteral("a.csv")))});
    QVERIFY(mime->hasFormat(QStringLiteral("text/uri-list")));
    QFile::remove(h.path(QStringLiteral("a.csv")));
    h.model.refreshFiles();
    QVERIFY(!h.model.mimeData({h.model.index(0)}));
}

void TestDownloadListModel::clearHistoryKeepsFilesAndRunningRows()
{
    Harness h;
    h.f.server().addReport(TestFixture::csvReport(QStringLiteral("report_run"), 3'000'000));
    h.f.server().addReport(TestFixture::csvReport(QStringLiteral("report_done")));
    for (int i = 0; i < 30; ++i) {
        const QString name = QStringLiteral("old%1.csv").arg(i);
        writeFile(h.path(name), "x");
        QVERIFY(h.history.add(record(QStringLiteral("report_old%1").arg(i), h.path(name), 1,
                                     QDateTime::currentDateTimeUtc().addSecs(-1000 + i))));
    }
    h.queue.enqueue(QStringLiteral("report_done"), DownloadTarget::folder(h.f.folder()));
    QVERIFY(h.waitIdle());
    sandbox::Fault stall;
    stall.host = sandbox::Fault::Host::Download;
    stall.stallAfterBytes = 1000;
    h.f.server().addFault(stall);
    h.queue.enqueue(QStringLiteral("report_run"), DownloadTarget::folder(h.f.folder()));
    QCOMPARE(h.model.rowCount(), 32);
    QSignalSpy removed(&h.model, &QAbstractItemModel::rowsRemoved);
    QVERIFY(h.model.clearHistory());
    QCOMPARE(ids(h.model), QStringList{QStringLiteral("report_run")});
    QVERIFY(removed.size() <= 2);             // runs of rows, not one signal per row
    QCOMPARE(h.history.records().size(), 31); // kept for sync, off the list
    QVERIFY(h.history.recordIn(QStringLiteral("report_old7"), h.f.folder(), QString()));
    QVERIFY(QFile::exists(h.path(QStringLiteral("old7.csv"))));
    QVERIFY(QFile::exists(h.path(QStringLiteral("report_done.csv"))));
    h.queue.cancel(0);
}

QTEST_GUILESS_MAIN(TestDownloadListModel)
#include "tst_downloadlistmodel.moc"
