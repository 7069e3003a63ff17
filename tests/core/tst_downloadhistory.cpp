// DownloadHistory with several writers (the window, `download`, two `sync` runs): the lock around every
// read-modify-write, re-reading before adding, records kept when the file cannot be written, accounts told apart,
// sync's rule of "already fetched" (recordIn) and compaction that never drops what that rule reads.
#include "download/DownloadHistory.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace getbill;

namespace {
const QString OtherApi = QStringLiteral("https://eu.getbill.example/external-api/v1");

DownloadRecord record(const QString &id, const QString &path, const QString &apiUrl = {}, int minute = 0)
{
    DownloadRecord r;
    r.reportId = id;
    r.path = path;
    r.filename = path.section(u'/', -1);
    r.size = 3;
    r.sha256 = QStringLiteral("ab");
    r.finishedAt = QDateTime(QDate(2024, 2, 1), QTime(9, minute), Qt::UTC);
    r.apiUrl = apiUrl;
    return r;
}

QStringList idsIn(const DownloadHistory &history)
{
    QStringList ids;
    for (const DownloadRecord &r : history.records())
        ids << r.reportId;
    return ids;
}

/// A history file as an older version (or another writer) left it.
void writeHistory(const QString &path, const QList<DownloadRecord> &records, bool withApiUrl = true)
{
    QJsonArray items;
    for (const DownloadRecord &r : records) {
        QJsonObject o{
            {QStringLiteral("id"), r.reportId},   {QStringLiteral("filename"), r.filename},
            {QStringLiteral("path"), r.path},     {QStringLiteral("size"), double(r.size)},
            {QStringLiteral("sha256"), r.sha256}, {QStringLiteral("time"), r.finishedAt.toString(Qt::ISODate)}};
        if (withApiUrl && !r.apiUrl.isEmpty())
            o.insert(QStringLiteral("apiUrl"), r.apiUrl);
        items.append(o);
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("downloads"), items}})
                   .toJson(QJsonDocument::Compact));
}
} // namespace

class tst_DownloadHistory : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path() const { return m_dir.filePath(QStringLiteral("download-history.json")); }

private slots:
    void init()
    {
        QFile::remove(path());
        QFile::remove(path() + QLatin1String(".bad"));
    }

    void twoWritersLoseNoRecord()
    {
        DownloadHistory window(path());
        DownloadHistory sync(path());
        QVERIFY(window.load());
        QVERIFY(sync.load());
        QVERIFY(window.add(record(QStringLiteral("report_a"), QStringLiteral("/r/a.pdf"))));
        // `sync` read the file before `window` added to it: its add must start from the file, not from memory.
        QVERIFY(sync.add(record(QStringLiteral("report_b"), QStringLiteral("/r/b.pdf"))));
        QVERIFY(window.add(record(QStringLiteral("report_c"), QStringLiteral("/r/c.pdf"))));
        DownloadHistory fresh(path());
        QVERIFY(fresh.load());
        QCOMPARE(idsIn(fresh),
                 (QStringList{QStringLiteral("report_a"), QStringLiteral("report_b"), QStringLiteral("report_c")}));
        QCOMPARE(idsIn(window), idsIn(fresh));
        QVERIFY(!QFile::exists(window.lockPath())); // released
    }

    void reloadIfChangedSeesOtherWriters()
    {
        DownloadHistory a(path());
        DownloadHistory b(path());
        QVERIFY(a.load());
        QVERIFY(b.load());
        QVERIFY(!b.reloadIfChanged());
        QVERIFY(a.add(record(QStringLiteral("report_a"), QStringLiteral("/r/a.pdf"))));
        QSignalSpy changed(&b, &DownloadHistory::changed);
        QVERIFY(b.reloadIfChanged());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(idsIn(b), QStringList{QStringLiteral("report_a")});
        QVERIFY(!b.reloadIfChanged());
        // Two saves in the same millisecond with the same size are still two changes (a new file each time).
        QVERIFY(a.add(record(QStringLiteral("report_x"), QStringLiteral("/r/x.pdf"))));
        QVERIFY(a.add(record(QStringLiteral("report_y"), QStringLiteral("/r/y.pdf"))));
        QVERIFY(b.reloadIfChanged());
        QCOMPARE(idsIn(b).size(), 3);
    }

    void lockedByAnotherWriterKeepsTheRecord()
    {
        DownloadHistory history(path());
        history.setLockTimeout(50);
        QVERIFY(history.load());
        QLockFile other(history.lockPath());
        QVERIFY(other.tryLock(0));
        QSignalSpy failed(&history, &DownloadHistory::saveFailed);
        QString error;
        QVERIFY(!history.add(record(QStringLiteral("report_a"), QStringLiteral("/r/a.pdf")), &error));
        QVERIFY2(error.contains(QLatin1String("is locked by another program")), qPrintable(error));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(idsIn(history), QStringList{QStringLiteral("report_a")});
        QVERIFY(!QFile::exists(path()));
        other.unlock();
        // The next change saves the one kept in memory too.
        QVERIFY(history.add(record(QStringLiteral("report_b"), QStringLiteral("/r/b.pdf"))));
        DownloadHistory fresh(path());
        QVERIFY(fresh.load());
        QCOMPARE(idsIn(fresh), (QStringList{QStringLiteral("report_a"), QStringLiteral("report_b")}));
    }

    void unwritableFolderKeepsTheRecord()
    {
        // A file where the folder should be: neither the lock nor the history can be written (also as root).
        const QString blocker = m_dir.filePath(QStringLiteral("not-a-folder"));
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        DownloadHistory history(blocker + QStringLiteral("/download-history.json"));
        history.setLockTimeout(50);
        QVERIFY(history.load());
        QSignalSpy failed(&history, &DownloadHistory::saveFailed);
        QString error;
        QVERIFY(!history.add(record(QStringLiteral("report_a"), QStringLiteral("/r/a.pdf")), &error));
        QVERIFY2(error.contains(QLatin1String("Cannot lock the download history")), qPrintable(error));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(idsIn(history), QStringList{QStringLiteral("report_a")});
        QVERIFY(!history.clear(&error));
    }

    void saveFailureAfterTheLockKeepsTheRecord()
    {
        // The lock can be taken but the history cannot be replaced: a folder sits at its name.
        QVERIFY(QDir().mkpath(path()));
        DownloadHistory history(path());
        QString error;
        QVERIFY(!history.add(record(QStringLiteral("report_a"), QStringLiteral("/r/a.pdf")), &error));
        QVERIFY2(error.contains(QLatin1String("Cannot save the download history")), qPrintable(error));
        QCOMPARE(idsIn(history), QStringList{QStringLiteral("report_a")});
        QVERIFY(QDir().rmdir(path()));
        QVERIFY(history.add(record(QStringLiteral("report_b"), QStringLiteral("/r/b.pdf"))));
        DownloadHistory fresh(path());
        QVERIFY(fresh.load());
        QCOMPARE(idsIn(fresh).size(), 2);
    }

    void apiUrlIsKeptAndOldRecordsAreTheDefaultApi()
    {
        writeHistory(path(), {record(QStringLiteral("report_old"), QStringLiteral("/r/old.pdf"))});
        DownloadHistory history(path());
        QVERIFY(history.load());
        QVERIFY(history.add(record(QStringLiteral("report_new"), QStringLiteral("/r/new.pdf"), OtherApi)));
        DownloadHistory fresh(path());
        QVERIFY(fresh.load());
        QCOMPARE(fresh.records().at(0).apiUrl, QString());
        QCOMPARE(fresh.records().at(1).apiUrl, OtherApi);
        QVERIFY(fresh.recordIn(QStringLiteral("report_old"), QStringLiteral("/r")));
        QVERIFY(fresh.recordIn(QStringLiteral("report_old"), QStringLiteral("/r"), DownloadHistory::defaultApiUrl()));
        QVERIFY(fresh.recordIn(QStringLiteral("report_old"), QStringLiteral("/r"),
                               DownloadHistory::defaultApiUrl() + QLatin1Char('/')));
        QVERIFY(!fresh.recordIn(QStringLiteral("report_old"), QStringLiteral("/r"), OtherApi));
        QVERIFY(fresh.recordIn(QStringLiteral("report_new"), QStringLiteral("/r"), OtherApi));
        QVERIFY(!fresh.recordIn(QStringLiteral("report_new"), QStringLiteral("/r")));
    }

    void recordInIsTheFolderOrBelow()
    {
        QTemporaryDir root;
        const QString r = root.path();
        DownloadHistory history(path());
        QVERIFY(history.add(record(QStringLiteral("report_top"), r + QStringLiteral("/a.pdf"))));
        QVERIFY(history.add(record(QStringLiteral("report_deep"), r + QStringLiteral("/financial/2024/b.pdf"))));
        QVERIFY(history.add(record(QStringLiteral("report_elsewhere"), r + QStringLiteral("-other/c.pdf"))));
        // Files that are not there any more still count: the user deleted or moved them.
        QVERIFY(history.recordIn(QStringLiteral("report_top"), r));
        QVERIFY(history.recordIn(QStringLiteral("report_deep"), r));
        QVERIFY(history.recordIn(QStringLiteral("report_deep"), r + QStringLiteral("/financial/")));
        QVERIFY(!history.recordIn(QStringLiteral("report_top"), r + QStringLiteral("/financial")));
        QVERIFY(!history.recordIn(QStringLiteral("report_elsewhere"), r)); // a sibling with the same prefix
        QVERIFY(!history.recordIn(QStringLiteral("report_nothing"), r));
        // The newest record of the report wins.
        QVERIFY(history.add(record(QStringLiteral("report_top"), r + QStringLiteral("/x/a2.pdf"), {}, 5)));
        QCOMPARE(history.recordIn(QStringLiteral("report_top"), r)->path, r + QStringLiteral("/x/a2.pdf"));
        // savedCopy, the window's rule, still wants the file itself.
        QVERIFY(!history.savedCopy(QStringLiteral("report_top")));
    }

    void compactionDropsOnlySupersededRecords()
    {
        QList<DownloadRecord> records;
        for (int i = 0; i < 6; ++i)
            records << record(QStringLiteral("report_dup"), QStringLiteral("/r/dup.pdf"), {}, i);
        for (int i = 0; i < 4; ++i)
            records << record(QStringLiteral("report_%1").arg(i), QStringLiteral("/r/%1.pdf").arg(i));
        records << record(QStringLiteral("report_dup"), QStringLiteral("/r/other/dup.pdf"));     // another folder
        records << record(QStringLiteral("report_dup"), QStringLiteral("/r/dup.pdf"), OtherApi); // another account

        const QList<DownloadRecord> kept = DownloadHistory::compacted(records, 8);
        QCOMPARE(kept.size(), 8);
        // The four oldest copies went; the newest of report_dup in /r is there.
        QCOMPARE(kept.first().finishedAt.time().minute(), 4);
        QCOMPARE(kept.at(1).finishedAt.time().minute(), 5);

        // More distinct (account, report, folder) than the limit: none is dropped, even past the limit.
        const QList<DownloadRecord> all = DownloadHistory::compacted(records, 2);
        QCOMPARE(all.size(), 7);
        QCOMPARE(DownloadHistory::compacted(records, 100).size(), records.size());
    }

    void addCompactsAFullHistory()
    {
        QList<DownloadRecord> records;
        for (int i = 0; i < DownloadHistory::maxRecords; ++i)
            records << record(QStringLiteral("report_%1").arg(i), QStringLiteral("/r/%1.pdf").arg(i));
        writeHistory(path(), records);
        DownloadHistory history(path());
        QVERIFY(history.load());
        // Nothing superseded: the history grows past maxRecords rather than forget what sync relies on.
        QVERIFY(history.add(record(QStringLiteral("report_extra"), QStringLiteral("/r/extra.pdf"))));
        QCOMPARE(history.records().size(), DownloadHistory::maxRecords + 1);
        QVERIFY(history.recordIn(QStringLiteral("report_0"), QStringLiteral("/r")));
        // A report downloaded again into the same folder supersedes its older record.
        QVERIFY(history.add(record(QStringLiteral("report_0"), QStringLiteral("/r/0.pdf"), {}, 9)));
        QCOMPARE(history.records().size(), DownloadHistory::maxRecords + 1);
        QCOMPARE(history.recordIn(QStringLiteral("report_0"), QStringLiteral("/r"))->finishedAt.time().minute(), 9);
        DownloadHistory fresh(path());
        QVERIFY(fresh.load());
        QCOMPARE(fresh.records().size(), DownloadHistory::maxRecords + 1);
    }
};

QTEST_GUILESS_MAIN(tst_DownloadHistory)
#include "tst_downloadhistory.moc"
