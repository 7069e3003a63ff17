// Direct tests of SecureFile: every refusal is tried with the strongest forgery (the identity of what a planted name
// points to), and what was planted is checked to be untouched afterwards.
#include "download/SecureFile.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace getbill;
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

/// lstat() of `path`; st_ino 0 when it does not exist.
struct stat linkStat(const QString &path)
{
    struct stat st
    {
    };
    if (::lstat(native(path).constData(), &st) != 0)
        st = {};
    return st;
}

SecureFile::Identity identityOfName(const QString &path)
{
    const struct stat st = linkStat(path);
    return {quint64(st.st_dev), quint64(st.st_ino), qint64(st.st_size)};
}

uid_t nobody()
{
    const passwd *pw = ::getpwnam("nobody");
    return pw ? pw->pw_uid : 65534;
}

bool isRoot()
{
    return ::geteuid() == 0;
}

/// What can sit at a name in a shared folder instead of the application's own file.
enum class Plant
{
    SymlinkToOwnFile,
    DanglingSymlink,
    HardLink,
    OtherOwner,
    Fifo,
    Directory,
    OtherInode,
    OwnFile,
};

/// Puts `kind` at `dir/name`, with `dir/victim` as the file a link points to. Returns the identity a forger would
/// record for it: the one of the link's target for a link, its own otherwise (another file's for OtherInode).
SecureFile::Identity plant(Plant kind, const QDir &dir, const QString &name)
{
    const QString path = dir.filePath(name);
    const QString victim = dir.filePath(QStringLiteral("victim"));
    switch (kind) {
    case Plant::SymlinkToOwnFile:
        writeFile(victim, "precious");
        QFile::link(victim, path);
        return identityOfName(victim);
    case Plant::DanglingSymlink:
        QFile::link(victim, path);
        return {1, 1, -1};
    case Plant::HardLink:
        writeFile(victim, "precious");
        ::link(native(victim).constData(), native(path).constData());
        return identityOfName(path);
    case Plant::OtherOwner:
        writeFile(path, "precious");
        if (::chown(native(path).constData(), nobody(), nobody()) != 0)
            qWarning("chown failed");
        return identityOfName(path);
    case Plant::Fifo:
        ::mkfifo(native(path).constData(), 0600);
        return identityOfName(path);
    case Plant::Directory:
        dir.mkdir(name);
        return identityOfName(path);
    case Plant::OtherInode:
        writeFile(victim, "precious");
        writeFile(path, "precious");
        return identityOfName(victim);
    case Plant::OwnFile:
        writeFile(path, "precious");
        return identityOfName(path);
    }
    return {};
}

/// A short description of what sits at `path`, to compare before and after a refused call.
QString describe(const QString &path)
{
    const struct stat st = linkStat(path);
    if (st.st_ino == 0)
        return QStringLiteral("missing");
    QString kind = S_ISLNK(st.st_mode)    ? u"link->"_s + QFile::symLinkTarget(path)
                   : S_ISFIFO(st.st_mode) ? u"fifo"_s
                   : S_ISDIR(st.st_mode)  ? u"dir"_s
                                          : u"file:"_s + QString::fromLatin1(readFile(path));
    return kind + u" ino="_s + QString::number(st.st_ino) + u" uid="_s + QString::number(st.st_uid) + u" mode="_s +
           QString::number(st.st_mode, 8) + u" nlink="_s + QString::number(st.st_nlink);
}

bool needsRoot(Plant kind)
{
    return kind == Plant::OtherOwner;
}
} // namespace

Q_DECLARE_METATYPE(Plant)

class TestSecureFile : public QObject
{
    Q_OBJECT
private slots:
    void createNewMakesAPrivateFile();
    void createNewNeverOpensAnExistingName_data();
    void createNewNeverOpensAnExistingName();
    void openOwnOpensTheRecordedFile();
    void openOwnRefuses_data();
    void openOwnRefuses();
    void identityAtAgreesWithIdentityOf();
    void identityAtIsEmptyForWhatIsNotOurs_data();
    void identityAtIsEmptyForWhatIsNotOurs();
    void makePrivateFolderCreatesAndTightens();
    void makePrivateFolderRefuses_data();
    void makePrivateFolderRefuses();
    void readPrivateReadsOwnFileUpToTheCap();
    void readPrivateRefuses_data();
    void readPrivateRefuses();
    void readPrivateDoesNotBlockOnAFifo();
    void writePrivateReplacesAtomically0600();
    void writePrivateNeverWritesThroughALink();
};

void TestSecureFile::createNewMakesAPrivateFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("new.part"));
    const mode_t oldMask = ::umask(0); // even with a permissive umask the file is 0600
    bool exists = true;
    QString error;
    const int fd = SecureFile::createNew(path, &exists, &error);
    ::umask(oldMask);
    QVERIFY2(fd >= 0, qPrintable(error));
    QVERIFY(!exists);
    const struct stat st = linkStat(path);
    QVERIFY(S_ISREG(st.st_mode));
    QCOMPARE(st.st_mode & 07777, mode_t(0600));
    QCOMPARE(st.st_uid, ::geteuid());
    // Open for writing, and only for writing.
    QCOMPARE(::write(fd, "abc", 3), ssize_t(3));
    char c = 0;
    QCOMPARE(::pread(fd, &c, 1, 0), ssize_t(-1));
    QCOMPARE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    SecureFile::close(fd);
    QCOMPARE(readFile(path), QByteArray("abc"));
}

void TestSecureFile::createNewNeverOpensAnExistingName_data()
{
    QTest::addColumn<Plant>("kind");
    QTest::newRow("own file") << Plant::OwnFile;
    QTest::newRow("symlink to a file") << Plant::SymlinkToOwnFile;
    QTest::newRow("dangling symlink") << Plant::DanglingSymlink;
    QTest::newRow("hard link") << Plant::HardLink;
    QTest::newRow("fifo") << Plant::Fifo;
    QTest::newRow("directory") << Plant::Directory;
}

void TestSecureFile::createNewNeverOpensAnExistingName()
{
    QFETCH(Plant, kind);
    QTemporaryDir dir;
    const QDir d(dir.path());
    plant(kind, d, QStringLiteral("x.part"));
    const QString path = d.filePath(QStringLiteral("x.part"));
    const QString victim = d.filePath(QStringLiteral("victim"));
    const QString before = describe(path);
    const QString victimBefore = describe(victim);

    bool exists = false;
    QString error;
    const int fd = SecureFile::createNew(path, &exists, &error);
    SecureFile::close(fd);
    QCOMPARE(fd, -1);
    QVERIFY(exists);
    QVERIFY(!error.isEmpty());
    QCOMPARE(describe(path), before);
    // A link's target is neither created (dangling) nor written.
    QCOMPARE(describe(victim), victimBefore);
}

void TestSecureFile::openOwnOpensTheRecordedFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("x.part"));
    QVERIFY(writeFile(path, "12345"));
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const SecureFile::Identity recorded = SecureFile::identityAt(path);
    QVERIFY(recorded.inode != 0);
    QString error;
    const int fd = SecureFile::openOwn(path, recorded, &error);
    QVERIFY2(fd >= 0, qPrintable(error));
    QVERIFY(SecureFile::identityOf(fd) == recorded);
    // Read and write: the writer re-hashes what is there, then appends after it.
    char buffer[8] = {};
    QCOMPARE(::read(fd, buffer, sizeof buffer), ssize_t(5));
    QCOMPARE(::write(fd, "67", 2), ssize_t(2));
    SecureFile::close(fd);
    QCOMPARE(readFile(path), QByteArray("1234567"));
}

void TestSecureFile::openOwnRefuses_data()
{
    QTest::addColumn<Plant>("kind");
    QTest::newRow("symlink to a file of ours, with that file's identity") << Plant::SymlinkToOwnFile;
    QTest::newRow("dangling symlink") << Plant::DanglingSymlink;
    QTest::newRow("hard link (nlink 2)") << Plant::HardLink;
    QTest::newRow("file of another uid") << Plant::OtherOwner;
    QTest::newRow("fifo") << Plant::Fifo;
    QTest::newRow("directory") << Plant::Directory;
    QTest::newRow("file with another inode") << Plant::OtherInode;
}

void TestSecureFile::openOwnRefuses()
{
    QFETCH(Plant, kind);
    if (needsRoot(kind) && !isRoot())
        QSKIP("chown to another user needs root");
    QTemporaryDir dir;
    const QDir d(dir.path());
    const SecureFile::Identity forged = plant(kind, d, QStringLiteral("x.part"));
    const QString path = d.filePath(QStringLiteral("x.part"));
    const QString before = describe(path);
    const QString victimBefore = describe(d.filePath(QStringLiteral("victim")));

    QString error;
    const int fd = SecureFile::openOwn(path, forged, &error);
    SecureFile::close(fd);
    QCOMPARE(fd, -1);
    QVERIFY(!error.isEmpty());
    QCOMPARE(describe(path), before);
    QCOMPARE(describe(d.filePath(QStringLiteral("victim"))), victimBefore);
}

void TestSecureFile::identityAtAgreesWithIdentityOf()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("x.part"));
    bool exists = false;
    QString error;
    const int fd = SecureFile::createNew(path, &exists, &error);
    QVERIFY2(fd >= 0, qPrintable(error));
    QCOMPARE(::write(fd, "hello", 5), ssize_t(5));
    const SecureFile::Identity byName = SecureFile::identityAt(path);
    const SecureFile::Identity byFd = SecureFile::identityOf(fd);
    SecureFile::close(fd);
    const struct stat st = linkStat(path);
    QCOMPARE(byName.device, quint64(st.st_dev));
    QCOMPARE(byName.inode, quint64(st.st_ino));
    QVERIFY(byName.inode != 0);
    QCOMPARE(byName.size, qint64(5));
    QCOMPARE(byFd.device, byName.device);
    QCOMPARE(byFd.inode, byName.inode);
    QCOMPARE(byFd.size, byName.size);
    QVERIFY(byFd == byName);
    // Equality is the file's, not its size's: a file that grew is still the recorded one.
    QVERIFY((SecureFile::Identity{byName.device, byName.inode, 99}) == byName);
    QVERIFY(!((SecureFile::Identity{byName.device, byName.inode + 1, 5}) == byName));
    QVERIFY(!((SecureFile::Identity{byName.device + 1, byName.inode, 5}) == byName));
    QCOMPARE(SecureFile::identityOf(-1).inode, quint64(0));
}

void TestSecureFile::identityAtIsEmptyForWhatIsNotOurs_data()
{
    openOwnRefuses_data();
}

void TestSecureFile::identityAtIsEmptyForWhatIsNotOurs()
{
    QFETCH(Plant, kind);
    if (needsRoot(kind) && !isRoot())
        QSKIP("chown to another user needs root");
    QTemporaryDir dir;
    const QDir d(dir.path());
    plant(kind, d, QStringLiteral("x.part"));
    const SecureFile::Identity id = SecureFile::identityAt(d.filePath(QStringLiteral("x.part")));
    if (kind == Plant::OtherInode) {
        // A plain file of ours: it has an identity, just not the forged one.
        QVERIFY(id.inode != 0);
        return;
    }
    QCOMPARE(id.device, quint64(0));
    QCOMPARE(id.inode, quint64(0));
    QCOMPARE(SecureFile::identityAt(d.filePath(QStringLiteral("missing"))).inode, quint64(0));
}

void TestSecureFile::makePrivateFolderCreatesAndTightens()
{
    QTemporaryDir dir;
    const QString nested = dir.filePath(QStringLiteral("a/b/state"));
    QVERIFY(SecureFile::makePrivateFolder(nested));
    QVERIFY(S_ISDIR(linkStat(nested).st_mode));
    QCOMPARE(linkStat(nested).st_mode & 07777, mode_t(0700));
    // An existing folder open to others is tightened.
    QVERIFY(::chmod(native(nested).constData(), 0755) == 0);
    QVERIFY(SecureFile::makePrivateFolder(nested));
    QCOMPARE(linkStat(nested).st_mode & 07777, mode_t(0700));
    // Idempotent.
    QVERIFY(SecureFile::makePrivateFolder(nested));
    QCOMPARE(linkStat(nested).st_mode & 07777, mode_t(0700));
}

void TestSecureFile::makePrivateFolderRefuses_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("symlink to a folder") << u"link"_s;
    QTest::newRow("folder of another uid") << u"other owner"_s;
    QTest::newRow("a file") << u"file"_s;
}

void TestSecureFile::makePrivateFolderRefuses()
{
    QFETCH(QString, kind);
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString elsewhere = d.filePath(QStringLiteral("elsewhere"));
    QVERIFY(d.mkdir(QStringLiteral("elsewhere")));
    QVERIFY(::chmod(native(elsewhere).constData(), 0755) == 0);
    const QString path = d.filePath(QStringLiteral("state"));
    if (kind == u"link") {
        QVERIFY(QFile::link(elsewhere, path));
    } else if (kind == u"other owner") {
        if (!isRoot())
            QSKIP("chown to another user needs root");
        QVERIFY(d.mkdir(QStringLiteral("state")));
        QVERIFY(::chmod(native(path).constData(), 0755) == 0);
        QVERIFY(::chown(native(path).constData(), nobody(), nobody()) == 0);
    } else {
        QVERIFY(writeFile(path, "x"));
    }
    const QString before = describe(path);
    QVERIFY(!SecureFile::makePrivateFolder(path));
    QCOMPARE(describe(path), before);
    // The folder a link points to is not tightened through it.
    QCOMPARE(linkStat(elsewhere).st_mode & 07777, mode_t(0755));
}

void TestSecureFile::readPrivateReadsOwnFileUpToTheCap()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("record.json"));
    QVERIFY(writeFile(path, "0123456789"));
    QCOMPARE(SecureFile::readPrivate(path, 10), QByteArray("0123456789"));
    QCOMPARE(SecureFile::readPrivate(path, 1000), QByteArray("0123456789"));
    // One byte over the cap is refused as a whole, not cut.
    QCOMPARE(SecureFile::readPrivate(path, 9), QByteArray());
}

void TestSecureFile::readPrivateRefuses_data()
{
    QTest::addColumn<Plant>("kind");
    QTest::newRow("symlink to a file of ours") << Plant::SymlinkToOwnFile;
    QTest::newRow("dangling symlink") << Plant::DanglingSymlink;
    QTest::newRow("hard link (nlink 2)") << Plant::HardLink;
    QTest::newRow("file of another uid") << Plant::OtherOwner;
    QTest::newRow("directory") << Plant::Directory;
}

void TestSecureFile::readPrivateRefuses()
{
    QFETCH(Plant, kind);
    if (needsRoot(kind) && !isRoot())
        QSKIP("chown to another user needs root");
    QTemporaryDir dir;
    const QDir d(dir.path());
    plant(kind, d, QStringLiteral("record.json"));
    const QString path = d.filePath(QStringLiteral("record.json"));
    QCOMPARE(SecureFile::readPrivate(path, 1000), QByteArray());
    QCOMPARE(SecureFile::readPrivate(d.filePath(QStringLiteral("missing")), 1000), QByteArray());
}

void TestSecureFile::readPrivateDoesNotBlockOnAFifo()
{
    // A FIFO at a record's name: opening it for reading must not wait for a writer that never comes.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("record.json"));
    QVERIFY(::mkfifo(native(path).constData(), 0600) == 0);
    QByteArray result = "unset";
    std::unique_ptr<QThread> reader(QThread::create([&] { result = SecureFile::readPrivate(path, 1000); }));
    reader->start();
    const bool returned = reader->wait(QDeadlineTimer(5000));
    if (!returned) {
        // Unblock the reader (it sees end of file at once) so that the test can end, then fail.
        const int writer = ::open(native(path).constData(), O_WRONLY | O_NONBLOCK);
        reader->wait();
        ::close(writer);
    }
    QVERIFY2(returned, "readPrivate blocked on a FIFO");
    QCOMPARE(result, QByteArray());
}

void TestSecureFile::writePrivateReplacesAtomically0600()
{
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString path = d.filePath(QStringLiteral("record.json"));
    // New file.
    QVERIFY(SecureFile::writePrivate(path, "first"));
    QCOMPARE(readFile(path), QByteArray("first"));
    QCOMPARE(linkStat(path).st_mode & 07777, mode_t(0600));

    // Replacing: the old file is never truncated in place (a second name of it keeps the old bytes), the new one
    // is 0600 even where the old one was readable by others, and no temporary file is left.
    QVERIFY(::chmod(native(path).constData(), 0644) == 0);
    const QString witness = d.filePath(QStringLiteral("witness"));
    QVERIFY(::link(native(path).constData(), native(witness).constData()) == 0);
    const ino_t oldInode = linkStat(path).st_ino;
    QVERIFY(SecureFile::writePrivate(path, "second, longer"));
    QCOMPARE(readFile(path), QByteArray("second, longer"));
    QCOMPARE(readFile(witness), QByteArray("first"));
    QVERIFY(linkStat(path).st_ino != oldInode);
    QCOMPARE(linkStat(path).st_nlink, nlink_t(1));
    QCOMPARE(linkStat(path).st_mode & 07777, mode_t(0600));
    QCOMPARE(d.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot),
             QStringList({QStringLiteral("record.json"), QStringLiteral("witness")}));
    // What it wrote, readPrivate reads back.
    QCOMPARE(SecureFile::readPrivate(path, 100), QByteArray("second, longer"));
}

void TestSecureFile::writePrivateNeverWritesThroughALink()
{
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString victim = d.filePath(QStringLiteral("victim"));
    QVERIFY(writeFile(victim, "precious"));
    QVERIFY(::chmod(native(victim).constData(), 0644) == 0);
    const QString victimBefore = describe(victim);
    const QString path = d.filePath(QStringLiteral("record.json"));
    QVERIFY(QFile::link(victim, path));

    const bool written = SecureFile::writePrivate(path, "forged");
    QCOMPARE(describe(victim), victimBefore);
    if (written) {
        // Replacing the link itself would be fine too: then the name holds a plain file of ours.
        QVERIFY(S_ISREG(linkStat(path).st_mode));
        QCOMPARE(readFile(path), QByteArray("forged"));
    } else {
        QVERIFY(QFileInfo(path).isSymLink());
    }
}

QTEST_GUILESS_MAIN(TestSecureFile)
#include "tst_securefile.moc"
