// PreviewCache on real files: a private folder, entries that must still match the report and the file, least
// recently used eviction by the cache's own use times (not the file system's), what survives a restart, what a
// crash left, and clearing.

#include "download/DownloadHistory.h"
#include "download/PartialDownload.h"
#include "download/SecureFile.h"
#include "preview/PreviewCache.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <utime.h>

using namespace getbill;

namespace {

Report report(const QString &id, qint64 size)
{
    Report r;
    r.id = id;
    r.title = QStringLiteral("Report ") + id;
    r.status = QStringLiteral("completed");
    r.downloadAvailable = true;
    r.filename = id + QStringLiteral(".csv");
    r.mimeType = QStringLiteral("text/csv");
    r.fileSize = size;
    r.generatedAt = QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC);
    return r;
}

/// Writes `size` bytes where the cache wants the report's file (as the download would) and inserts it.
bool put(PreviewCache &cache, const Report &r, char fill = 'x')
{
    const QByteArray bytes(r.fileSize, fill);
    QFile file(cache.pathFor(r));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    DownloadRecord record;
    record.reportId = r.id;
    record.path = cache.pathFor(r);
    record.size = r.fileSize;
    record.sha256 = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    return cache.insert(r, record, cache.generation());
}

QStringList ids(const PreviewCache &cache)
{
    QStringList out;
    const QList<PreviewCacheEntry> entries = cache.entries();
    for (const PreviewCacheEntry &e : entries)
        out << e.reportId;
    return out;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int mode(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

} // namespace

class TestPreviewCache : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        // PartialDownload's state folder is the test's own.
        m_data = std::make_unique<QTemporaryDir>();
        qputenv("XDG_DATA_HOME", m_data->path().toUtf8());
        m_dir = std::make_unique<QTemporaryDir>();
    }

    void defaultFolderIsInTheUsersCache()
    {
        QCOMPARE(PreviewCache::defaultFolder(),
                 QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/previews"));
    }

    void folderAndFilesArePrivate()
    {
        const QString folder = m_dir->filePath(QStringLiteral("previews"));
        PreviewCache cache(folder);
        QVERIFY(cache.open());
        QVERIFY(cache.isOpen());
        QCOMPARE(mode(folder), 0700);
        const Report r = report(QStringLiteral("report_a"), 10);
        QVERIFY(put(cache, r));
        QCOMPARE(mode(QDir(folder).filePath(QStringLiteral("index.json"))), 0600);
        // A server's id never becomes part of a path: the name is a hash, with the MIME type's extension.
        const Report hostile = report(QStringLiteral("../../etc/passwd"), 10);
        QCOMPARE(QFileInfo(cache.pathFor(hostile)).absolutePath(), QDir::cleanPath(folder));
        QVERIFY(QFileInfo(cache.pathFor(hostile)).fileName().endsWith(QStringLiteral(".csv")));
        QVERIFY(QFileInfo(cache.pathFor(r)).fileName() != QFileInfo(cache.pathFor(hostile)).fileName());
    }

    void aFolderThatIsALinkKeepsNothing()
    {
        const QString real = m_dir->filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().mkpath(real));
        const QString link = m_dir->filePath(QStringLiteral("previews"));
        QVERIFY(QFile::link(real, link));
        PreviewCache cache(link);
        QString error;
        QVERIFY(!cache.open(&error));
        QVERIFY2(error.contains(QStringLiteral("not a private folder")), qPrintable(error));
        const Report r = report(QStringLiteral("report_a"), 10);
        QVERIFY(!put(cache, r));
        QVERIFY(!cache.use(r));
        QVERIFY(cache.entries().isEmpty());
    }

    void useFindsOnlyTheSameVersionWithItsFile()
    {
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = report(QStringLiteral("report_a"), 10);
        QVERIFY(!cache.use(r));
        QVERIFY(put(cache, r));
        const auto entry = cache.use(r);
        QVERIFY(entry);
        QCOMPARE(entry->path, cache.pathFor(r));
        QCOMPARE(entry->size, 10);
        QCOMPARE(entry->sha256.size(), 64);

        // Regenerated on the server: another generation time, or another size, is another file.
        Report newer = r;
        newer.generatedAt = r.generatedAt.addSecs(60);
        QVERIFY(!cache.find(newer));
        Report bigger = r;
        bigger.fileSize = 11;
        QVERIFY(!cache.find(bigger));
        QVERIFY(cache.find(r)); // find() forgets nothing

        // The file changed size behind the cache's back: use() forgets the entry and its file.
        QFile file(cache.pathFor(r));
        QVERIFY(file.open(QIODevice::Append));
        file.write("more");
        file.close();
        QVERIFY(!cache.use(r));
        QVERIFY(cache.entries().isEmpty());
        QVERIFY(!QFileInfo::exists(cache.pathFor(r)));
    }

    void leastRecentlyUsedGoFirst()
    {
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")), 300);
        QVERIFY(cache.open());
        const Report a = report(QStringLiteral("report_a"), 100);
        const Report b = report(QStringLiteral("report_b"), 100);
        const Report c = report(QStringLiteral("report_c"), 100);
        const Report d = report(QStringLiteral("report_d"), 100);
        QVERIFY(put(cache, a));
        QVERIFY(put(cache, b));
        QVERIFY(put(cache, c));
        QCOMPARE(cache.totalBytes(), 300);
        QVERIFY(cache.use(a)); // a is now the most recent; b the least
        QVERIFY(put(cache, d));
        QCOMPARE(ids(cache), QStringList({d.id, a.id, c.id}));
        QVERIFY(!QFileInfo::exists(cache.pathFor(b)));
        QCOMPARE(cache.totalBytes(), 300);
        // Uses in the same millisecond still order: the clock is the cache's own and never stands still.
        cache.setClock([] { return qint64(1'000); });
        QVERIFY(cache.use(c));
        QVERIFY(cache.use(d));
        QVERIFY(cache.use(c));
        QVERIFY(put(cache, b));
        QCOMPARE(ids(cache), QStringList({b.id, c.id, d.id}));
    }

    void evictionIgnoresTheFileSystemsAccessTimes()
    {
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")), 200);
        QVERIFY(cache.open());
        const Report a = report(QStringLiteral("report_a"), 100);
        const Report b = report(QStringLiteral("report_b"), 100);
        QVERIFY(put(cache, a));
        QVERIFY(put(cache, b));
        // Something else read a's file just now (a backup, an indexer) and b's long ago: that is not use.
        const struct utimbuf now = {time(nullptr), time(nullptr)};
        const struct utimbuf old = {1'000'000, 1'000'000};
        QCOMPARE(::utime(QFile::encodeName(cache.pathFor(a)).constData(), &now), 0);
        QCOMPARE(::utime(QFile::encodeName(cache.pathFor(b)).constData(), &old), 0);
        QVERIFY(put(cache, report(QStringLiteral("report_c"), 100)));
        QCOMPARE(ids(cache), QStringList({QStringLiteral("report_c"), b.id}));
    }

    void aFileLargerThanTheCacheIsNotKept()
    {
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")), 100);
        QVERIFY(cache.open());
        QVERIFY(put(cache, report(QStringLiteral("report_a"), 60)));
        const Report big = report(QStringLiteral("report_big"), 101);
        QVERIFY(!put(cache, big));
        QVERIFY(!QFileInfo::exists(cache.pathFor(big)));
        QCOMPARE(ids(cache), QStringList{QStringLiteral("report_a")}); // and nothing else was evicted for it
    }

    void insertRefusesFilesOutsideTheCache()
    {
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = report(QStringLiteral("report_a"), 4);
        const QString outside = m_dir->filePath(QStringLiteral("users-file.csv"));
        QFile file(outside);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("mine");
        file.close();
        DownloadRecord record;
        record.reportId = r.id;
        record.path = outside;
        record.size = 4;
        record.sha256 = QString(64, QLatin1Char('0'));
        QVERIFY(!cache.insert(r, record, cache.generation()));
        QVERIFY(QFileInfo::exists(outside)); // never removed: it is not the cache's
        QVERIFY(cache.entries().isEmpty());
    }

    void aDownloadFromBeforeAClearIsNotKept()
    {
        PreviewCache cache(m_dir->filePath(QStringLiteral("previews")));
        QVERIFY(cache.open());
        const Report r = report(QStringLiteral("report_a"), 10);
        const quint64 before = cache.generation();
        cache.clear();
        QFile file(cache.pathFor(r));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(10, 'x'));
        file.close();
        DownloadRecord record;
        record.reportId = r.id;
        record.path = cache.pathFor(r);
        record.size = 10;
        record.sha256 = QString(64, QLatin1Char('0'));
        QVERIFY(!cache.insert(r, record, before));
        QVERIFY(!QFileInfo::exists(cache.pathFor(r)));
        QVERIFY(cache.entries().isEmpty());
    }

    void clearRemovesEverything()
    {
        const QString folder = m_dir->filePath(QStringLiteral("previews"));
        PreviewCache cache(folder);
        QVERIFY(cache.open());
        QVERIFY(put(cache, report(QStringLiteral("report_a"), 10)));
        QVERIFY(put(cache, report(QStringLiteral("report_b"), 10)));
        QFile part(QDir(folder).filePath(QStringLiteral("0123.csv.part")));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.close();
        cache.clear();
        QVERIFY(cache.entries().isEmpty());
        QCOMPARE(cache.totalBytes(), 0);
        QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
        QVERIFY(cache.isOpen()); // and it keeps working
        QVERIFY(put(cache, report(QStringLiteral("report_c"), 10)));
    }

    void entriesSurviveARestartInTheirOrder()
    {
        const QString folder = m_dir->filePath(QStringLiteral("previews"));
        {
            PreviewCache cache(folder, 300);
            QVERIFY(cache.open());
            QVERIFY(put(cache, report(QStringLiteral("report_a"), 100)));
            QVERIFY(put(cache, report(QStringLiteral("report_b"), 100)));
            QVERIFY(cache.use(report(QStringLiteral("report_a"), 100)));
        }
        // A leftover the index does not name goes at the next start.
        const QString stray = QDir(folder).filePath(QStringLiteral("stray.bin"));
        QFile file(stray);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        PreviewCache again(folder, 300);
        QVERIFY(again.open());
        QCOMPARE(ids(again), QStringList({QStringLiteral("report_a"), QStringLiteral("report_b")}));
        QVERIFY(!QFileInfo::exists(stray));
        // The order of use carries on from where it was: c is newer than both.
        QVERIFY(put(again, report(QStringLiteral("report_c"), 100)));
        QVERIFY(put(again, report(QStringLiteral("report_d"), 100)));
        QCOMPARE(ids(again),
                 QStringList({QStringLiteral("report_d"), QStringLiteral("report_c"), QStringLiteral("report_a")}));
        // A smaller budget at the next start evicts at once.
        PreviewCache smaller(folder, 150);
        QVERIFY(smaller.open());
        QCOMPARE(ids(smaller), QStringList{QStringLiteral("report_d")});
    }

    void aForgedIndexNamesNothingOutsideTheCache()
    {
        const QString folder = m_dir->filePath(QStringLiteral("previews"));
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(
            QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        const QString victim = m_dir->filePath(QStringLiteral("victim.txt"));
        QFile file(victim);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("0123456789");
        file.close();
        // A link in the folder with a name the cache would give, and an entry that climbs out of the folder.
        const Report linked = report(QStringLiteral("report_link"), 10);
        PreviewCache probe(folder);
        const QString linkPath = probe.pathFor(linked);
        QVERIFY(QFile::link(victim, linkPath));
        const QString sha(64, QLatin1Char('0'));
        const QJsonArray entries = {
            QJsonObject{{QStringLiteral("id"), linked.id},
                        {QStringLiteral("file"), QFileInfo(linkPath).fileName()},
                        {QStringLiteral("size"), 10},
                        {QStringLiteral("sha256"), sha},
                        {QStringLiteral("generated"), linked.generatedAt.toString(Qt::ISODateWithMs)},
                        {QStringLiteral("used"), 1}},
            QJsonObject{{QStringLiteral("id"), QStringLiteral("report_out")},
                        {QStringLiteral("file"), QStringLiteral("../victim.txt")},
                        {QStringLiteral("size"), 10},
                        {QStringLiteral("sha256"), sha},
                        {QStringLiteral("used"), 2}}};
        QFile index(QDir(folder).filePath(QStringLiteral("index.json")));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write(
            QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("entries"), entries}}).toJson());
        index.close();
        PreviewCache cache(folder);
        QVERIFY(cache.open());
        QVERIFY(cache.entries().isEmpty());
        QVERIFY(!cache.use(linked));
        cache.clear();
        QCOMPARE(readAll(victim), QByteArray("0123456789"));
    }

    void aPreviewDownloadACrashCutShortIsNotResumed()
    {
        const QString folder = m_dir->filePath(QStringLiteral("previews"));
        PreviewCache probe(folder);
        QVERIFY(probe.open());
        const Report r = report(QStringLiteral("report_a"), 10);
        // What PartFile leaves when the process dies mid-download: the record and the partial file.
        PartialDownload partial;
        partial.target = probe.pathFor(r);
        partial.partPath = PartialDownload::defaultPartPath(partial.target);
        partial.reportId = r.id;
        partial.fileSize = 10;
        QFile file(partial.partPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("01234");
        file.close();
        const SecureFile::Identity identity = SecureFile::identityAt(partial.partPath);
        partial.device = identity.device;
        partial.inode = identity.inode;
        QVERIFY(partial.save());
        QCOMPARE(PartialDownload::all().size(), 1);
        PreviewCache cache(folder);
        QVERIFY(cache.open());
        QVERIFY(PartialDownload::all().isEmpty());
        QVERIFY(!QFileInfo::exists(partial.partPath));
    }

private:
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestPreviewCache)
#include "tst_previewcache.moc"
