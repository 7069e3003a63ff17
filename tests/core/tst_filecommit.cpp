// Direct tests of FileCommit: the final name gets exactly the open file, or nothing changes; no existing name is
// followed, truncated or (without replace) replaced; the partial name goes only while it still is this file.
#include "SmallFileSystem.h"
#include "download/FileCommit.h"
#include "download/SecureFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace getbill;
using namespace getbill::test;
using namespace Qt::Literals::StringLiterals;

namespace {
QByteArray native(const QString &path)
{
    return QFile::encodeName(path);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct stat linkStat(const QString &path)
{
    struct stat st
    {
    };
    if (::lstat(native(path).constData(), &st) != 0)
        st = {};
    return st;
}

bool isLink(const QString &path)
{
    return S_ISLNK(linkStat(path).st_mode);
}

bool exists(const QString &path)
{
    return linkStat(path).st_ino != 0;
}

/// A partial file as the writer has it: created exclusively and written, still open.
class OpenPart
{
public:
    OpenPart(const QString &path, const QByteArray &bytes) : m_path(path)
    {
        bool taken = false;
        QString error;
        m_fd = SecureFile::createNew(path, &taken, &error);
        if (m_fd >= 0 && ::write(m_fd, bytes.constData(), size_t(bytes.size())) != bytes.size())
            closeNow();
    }
    ~OpenPart() { closeNow(); }
    OpenPart(const OpenPart &) = delete;
    OpenPart &operator=(const OpenPart &) = delete;

    int fd() const { return m_fd; }
    const QString &path() const { return m_path; }
    SecureFile::Identity identity() const { return SecureFile::identityOf(m_fd); }
    void closeNow()
    {
        SecureFile::close(m_fd);
        m_fd = -1;
    }

private:
    QString m_path;
    int m_fd = -1;
};

/// True when `path` names exactly the open file `fd` (same device and inode).
bool namesFile(const QString &path, int fd)
{
    const struct stat st = linkStat(path);
    const SecureFile::Identity id = SecureFile::identityOf(fd);
    return S_ISREG(st.st_mode) && quint64(st.st_dev) == id.device && quint64(st.st_ino) == id.inode;
}

QByteArray pattern(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char((i * 7919) >> 8);
    return bytes;
}
} // namespace

class TestFileCommit : public QObject
{
    Q_OBJECT
private slots:
    void commitGivesTheOpenFileItsName_data();
    void commitGivesTheOpenFileItsName();
    void withoutReplaceAnExistingTargetIsRefused_data();
    void withoutReplaceAnExistingTargetIsRefused();
    void withReplaceTheTargetIsSwappedNotTruncated();
    void withReplaceALinkAtTheTargetIsReplacedNotFollowed();
    void swappedPartNameNeverBecomesTheTarget_data();
    void swappedPartNameNeverBecomesTheTarget();
    void targetOnAnotherFileSystemIsRefused_data();
    void targetOnAnotherFileSystemIsRefused();
    void errorPathsLeaveThePartAlone_data();
    void errorPathsLeaveThePartAlone();
    void writeBehindKeepsTheBytes();
    void syncToDisk();
};

void TestFileCommit::commitGivesTheOpenFileItsName_data()
{
    QTest::addColumn<bool>("replace");
    QTest::addColumn<QString>("folder"); // of the target, relative to the part's
    QTest::newRow("no replace") << false << QString();
    QTest::newRow("replace, nothing there") << true << QString();
    QTest::newRow("no replace, another folder of the same file system") << false << u"other"_s;
    QTest::newRow("replace, another folder of the same file system") << true << u"other"_s;
}

void TestFileCommit::commitGivesTheOpenFileItsName()
{
    QFETCH(bool, replace);
    QFETCH(QString, folder);
    QTemporaryDir dir;
    const QDir d(dir.path());
    QVERIFY(folder.isEmpty() || d.mkdir(folder));
    const QString target = folder.isEmpty() ? d.filePath(u"report.csv"_s) : d.filePath(folder + u"/report.csv"_s);
    OpenPart part(d.filePath(u"report.csv.part"_s), "the report");
    QVERIFY(part.fd() >= 0);
    QString error;
    QVERIFY2(FileCommit::commit(part.fd(), part.path(), target, replace, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(readFile(target), QByteArray("the report"));
    QVERIFY(namesFile(target, part.fd()));
    QVERIFY(!exists(part.path()));
    // One name left, still private.
    QCOMPARE(linkStat(target).st_nlink, nlink_t(1));
    QCOMPARE(linkStat(target).st_mode & 07777, mode_t(0600));
    QCOMPARE(d.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot),
             QStringList{folder.isEmpty() ? u"report.csv"_s : folder});
}

void TestFileCommit::withoutReplaceAnExistingTargetIsRefused_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("regular file") << u"file"_s;
    QTest::newRow("dangling symlink") << u"dangling"_s;
    QTest::newRow("symlink to a file") << u"link"_s;
    QTest::newRow("directory") << u"dir"_s;
}

void TestFileCommit::withoutReplaceAnExistingTargetIsRefused()
{
    QFETCH(QString, kind);
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString target = d.filePath(u"report.csv"_s);
    const QString victim = d.filePath(u"victim"_s);
    if (kind == u"file")
        QVERIFY(writeFile(target, "the user's own file"));
    else if (kind == u"dangling")
        QVERIFY(QFile::link(victim, target));
    else if (kind == u"link")
        QVERIFY(writeFile(victim, "the user's own file") && QFile::link(victim, target));
    else
        QVERIFY(d.mkdir(u"report.csv"_s));
    const struct stat before = linkStat(target);

    OpenPart part(target + u".part"_s, "new bytes");
    QVERIFY(part.fd() >= 0);
    QString error;
    QVERIFY(!FileCommit::commit(part.fd(), part.path(), target, false, &error));
    QVERIFY2(error.contains(u"already exists"_s), qPrintable(error));
    QVERIFY(error.contains(QDir::toNativeSeparators(target)));
    // Both names are as they were: the target not followed, not replaced; the part still this file.
    const struct stat after = linkStat(target);
    QCOMPARE(after.st_ino, before.st_ino);
    QCOMPARE(after.st_mode, before.st_mode);
    if (kind == u"file")
        QCOMPARE(readFile(target), QByteArray("the user's own file"));
    if (kind == u"dangling") {
        QCOMPARE(QFile::symLinkTarget(target), victim);
        QVERIFY(!exists(victim));
    }
    if (kind == u"link")
        QCOMPARE(readFile(victim), QByteArray("the user's own file"));
    QVERIFY(namesFile(part.path(), part.fd()));
    QCOMPARE(readFile(part.path()), QByteArray("new bytes"));
    QCOMPARE(linkStat(part.path()).st_nlink, nlink_t(1));
}

void TestFileCommit::withReplaceTheTargetIsSwappedNotTruncated()
{
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString target = d.filePath(u"report.csv"_s);
    QVERIFY(writeFile(target, "old version"));
    // A second name of the old file: if the old file were truncated and rewritten in place, it would show.
    const QString witness = d.filePath(u"witness"_s);
    QVERIFY(::link(native(target).constData(), native(witness).constData()) == 0);

    OpenPart part(target + u".part"_s, "new version");
    QVERIFY(part.fd() >= 0);
    QString error;
    QVERIFY2(FileCommit::commit(part.fd(), part.path(), target, true, &error), qPrintable(error));
    QCOMPARE(readFile(target), QByteArray("new version"));
    QVERIFY(namesFile(target, part.fd()));
    QCOMPARE(readFile(witness), QByteArray("old version"));
    QVERIFY(!exists(part.path()));
}

void TestFileCommit::withReplaceALinkAtTheTargetIsReplacedNotFollowed()
{
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString target = d.filePath(u"report.csv"_s);
    const QString victim = d.filePath(u"victim"_s);
    QVERIFY(writeFile(victim, "somebody's file"));
    QVERIFY(QFile::link(victim, target));
    const ino_t victimInode = linkStat(victim).st_ino;

    OpenPart part(target + u".part"_s, "new version");
    QVERIFY(part.fd() >= 0);
    QString error;
    QVERIFY2(FileCommit::commit(part.fd(), part.path(), target, true, &error), qPrintable(error));
    QVERIFY(!isLink(target));
    QVERIFY(namesFile(target, part.fd()));
    QCOMPARE(readFile(victim), QByteArray("somebody's file"));
    QCOMPARE(linkStat(victim).st_ino, victimInode);
}

void TestFileCommit::swappedPartNameNeverBecomesTheTarget_data()
{
    QTest::addColumn<QString>("swap");
    QTest::addColumn<bool>("replace");
    for (const bool replace : {false, true}) {
        const char *mode = replace ? "replace" : "no replace";
        QTest::addRow("another file, %s", mode) << u"file"_s << replace;
        QTest::addRow("symlink to another file, %s", mode) << u"link"_s << replace;
        QTest::addRow("symlink to our moved file, %s", mode) << u"link to ours"_s << replace;
        QTest::addRow("hard link to another file, %s", mode) << u"hard link"_s << replace;
        QTest::addRow("name removed, %s", mode) << u"removed"_s << replace;
    }
}

void TestFileCommit::swappedPartNameNeverBecomesTheTarget()
{
    // In a shared folder another user can rename our .part away and put something else at its name between the
    // open and the commit. The target must then hold the bytes of the open descriptor, or the commit is refused.
    QFETCH(QString, swap);
    QFETCH(bool, replace);
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString target = d.filePath(u"report.csv"_s);
    const QString stranger = d.filePath(u"stranger"_s);
    const QString moved = d.filePath(u"moved-away"_s);
    QVERIFY(writeFile(stranger, "forged report"));
    OpenPart part(target + u".part"_s, "genuine report");
    QVERIFY(part.fd() >= 0);

    QVERIFY(::rename(native(part.path()).constData(), native(moved).constData()) == 0);
    if (swap == u"file")
        QVERIFY(writeFile(part.path(), "forged report"));
    else if (swap == u"link")
        QVERIFY(QFile::link(stranger, part.path()));
    else if (swap == u"link to ours")
        QVERIFY(QFile::link(moved, part.path()));
    else if (swap == u"hard link")
        QVERIFY(::link(native(stranger).constData(), native(part.path()).constData()) == 0);
    const struct stat swappedIn = linkStat(part.path());

    QString error;
    const bool ok = FileCommit::commit(part.fd(), part.path(), target, replace, &error);
    if (ok) {
        QVERIFY(namesFile(target, part.fd()));
        QCOMPARE(readFile(target), QByteArray("genuine report"));
    } else {
        QVERIFY(!error.isEmpty());
        QVERIFY2(!exists(target), qPrintable(u"target is "_s + QString::fromLatin1(readFile(target))));
    }
    // What was swapped in is left where it was, untouched: it is not ours to remove.
    const struct stat now = linkStat(part.path());
    QCOMPARE(now.st_ino, swappedIn.st_ino);
    QCOMPARE(now.st_mode, swappedIn.st_mode);
    QCOMPARE(readFile(stranger), QByteArray("forged report"));
    QCOMPARE(readFile(moved), QByteArray("genuine report"));
}

void TestFileCommit::targetOnAnotherFileSystemIsRefused_data()
{
    QTest::addColumn<bool>("replace");
    QTest::newRow("no replace") << false;
    QTest::newRow("replace") << true;
}

void TestFileCommit::targetOnAnotherFileSystemIsRefused()
{
    // The .part always sits beside the target; a target elsewhere cannot be reached by a rename: an error, not a
    // copy, and nothing half-written there.
    QFETCH(bool, replace);
    SmallFileSystem other(1024 * 1024);
    GETBILL_REQUIRE_MOUNT(other);
    QTemporaryDir dir;
    const QString target = other.filePath(u"report.csv"_s);
    OpenPart part(dir.filePath(u"report.csv.part"_s), "the report");
    QVERIFY(part.fd() >= 0);
    QString error;
    QVERIFY(!FileCommit::commit(part.fd(), part.path(), target, replace, &error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(target)), qPrintable(error));
    QVERIFY2(error.contains(QString::fromLocal8Bit(std::strerror(EXDEV))), qPrintable(error));
    QVERIFY(!exists(target));
    QVERIFY(namesFile(part.path(), part.fd()));
    QCOMPARE(readFile(part.path()), QByteArray("the report"));
}

void TestFileCommit::errorPathsLeaveThePartAlone_data()
{
    QTest::addColumn<QString>("failure");
    QTest::addColumn<bool>("replace");
    for (const bool replace : {false, true}) {
        const char *mode = replace ? "replace" : "no replace";
        QTest::addRow("target folder missing, %s", mode) << u"missing folder"_s << replace;
        QTest::addRow("target name too long, %s", mode) << u"long name"_s << replace;
        QTest::addRow("descriptor closed, %s", mode) << u"closed"_s << replace;
    }
    QTest::newRow("replacing a directory") << u"directory"_s << true;
}

void TestFileCommit::errorPathsLeaveThePartAlone()
{
    QFETCH(QString, failure);
    QFETCH(bool, replace);
    QTemporaryDir dir;
    const QDir d(dir.path());
    QString target = d.filePath(u"report.csv"_s);
    if (failure == u"missing folder")
        target = d.filePath(u"no-such-folder/report.csv"_s);
    else if (failure == u"long name")
        target = d.filePath(QString(300, u'n'));
    else if (failure == u"directory")
        QVERIFY(d.mkpath(u"report.csv/inside"_s));
    OpenPart part(d.filePath(u"report.csv.part"_s), "the report");
    QVERIFY(part.fd() >= 0);
    const SecureFile::Identity identity = part.identity();
    if (failure == u"closed")
        part.closeNow();

    QString error;
    QVERIFY(!FileCommit::commit(part.fd(), part.path(), target, replace, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QDir::toNativeSeparators(target)), qPrintable(error));
    QCOMPARE(readFile(part.path()), QByteArray("the report"));
    QVERIFY(SecureFile::identityAt(part.path()) == identity);
    if (failure == u"directory")
        QVERIFY(QFileInfo(d.filePath(u"report.csv/inside"_s)).isDir());
    else
        QVERIFY(!exists(target));
}

void TestFileCommit::writeBehindKeepsTheBytes()
{
    // Write-behind only starts and waits for write-back: it must neither change nor extend the file, also for
    // ranges not yet written or past the end.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"big.part"_s);
    OpenPart part(path, {});
    QVERIFY(part.fd() >= 0);
    constexpr qint64 window = 4 * 1024 * 1024;
    const QByteArray bytes = pattern(5 * window / 2 + 12345);
    qint64 done = 0;
    qint64 behind = 0;
    while (done < bytes.size()) {
        const qint64 n = std::min<qint64>(1024 * 1024 - 3, bytes.size() - done);
        QCOMPARE(::write(part.fd(), bytes.constData() + done, size_t(n)), ssize_t(n));
        done += n;
        if (done - behind >= window) {
            FileCommit::writeBehind(part.fd(), behind, done - behind);
            behind = done;
        }
    }
    FileCommit::writeBehind(part.fd(), behind, done - behind);
    FileCommit::writeBehind(part.fd(), done, window);       // past the end
    FileCommit::writeBehind(part.fd(), 0, 0);               // empty range at 0 (to the end, for sync_file_range)
    FileCommit::writeBehind(part.fd(), window / 2, window); // offset smaller than the length
    QCOMPARE(SecureFile::identityOf(part.fd()).size, qint64(bytes.size()));
    QVERIFY(FileCommit::syncToDisk(part.fd()));
    QCOMPARE(QCryptographicHash::hash(readFile(path), QCryptographicHash::Sha256),
             QCryptographicHash::hash(bytes, QCryptographicHash::Sha256));
}

void TestFileCommit::syncToDisk()
{
    QTemporaryDir dir;
    OpenPart part(dir.filePath(u"x.part"_s), "abc");
    QVERIFY(part.fd() >= 0);
    QVERIFY(FileCommit::syncToDisk(part.fd()));
    part.closeNow();
    QVERIFY(!FileCommit::syncToDisk(part.fd()));
}

QTEST_GUILESS_MAIN(TestFileCommit)
#include "tst_filecommit.moc"
