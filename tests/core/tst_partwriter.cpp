// Direct tests of PartWriter. Most call its slots in the test thread, where each answers synchronously through its
// signals; one runs it in a QThread as PartFile does. Full disks are real: a 64 KiB tmpfs (ENOSPC) and a child
// process under RLIMIT_FSIZE (EFBIG).
#include "SmallFileSystem.h"
#include "download/PartWriter.h"
#include "download/SecureFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <csignal>
#include <cstdio>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace getbill;
using namespace getbill::test;
using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 noLimit = qint64(1) << 40;

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

QByteArray sha256(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

QByteArray pattern(qint64 size, int seed = 1)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char((i * 2654435761u + unsigned(seed)) >> 13);
    return bytes;
}

/// What opened() said.
struct Opened
{
    QString path;
    SecureFile::Identity identity;
    qint64 resumed = -1;
    QString error = u"no opened() signal"_s;
};

Opened openWriter(PartWriter &writer, const QString &path, const SecureFile::Identity &recorded = {},
                  qint64 maxResume = noLimit)
{
    QSignalSpy spy(&writer, &PartWriter::opened);
    writer.open(path, recorded.device, recorded.inode, maxResume);
    Opened o;
    if (spy.count() != 1)
        return o;
    const QList<QVariant> args = spy.takeFirst();
    o.path = args.at(0).toString();
    o.identity = {args.at(1).toULongLong(), args.at(2).toULongLong(), -1};
    o.resumed = args.at(3).toLongLong();
    o.error = args.at(4).toString();
    return o;
}

/// finish()'s answer: {digest, error}.
std::pair<QByteArray, QString> finishWriter(PartWriter &writer)
{
    QSignalSpy spy(&writer, &PartWriter::finished);
    writer.finish();
    if (spy.count() != 1)
        return {{}, u"no finished() signal"_s};
    return {spy.at(0).at(0).toByteArray(), spy.at(0).at(1).toString()};
}

QString commitWriter(PartWriter &writer, const QString &target, bool replace)
{
    QSignalSpy spy(&writer, &PartWriter::committed);
    writer.commit(target, replace);
    return spy.count() == 1 ? spy.at(0).at(0).toString() : u"no committed() signal"_s;
}

QString describe(const QString &path)
{
    const struct stat st = linkStat(path);
    if (st.st_ino == 0)
        return u"missing"_s;
    const QString what = S_ISLNK(st.st_mode) ? u"link->"_s + QFile::symLinkTarget(path)
                                             : u"file:"_s + QString::fromLatin1(readFile(path));
    return what + u" ino="_s + QString::number(st.st_ino) + u" mode="_s + QString::number(st.st_mode, 8) + u" uid="_s +
           QString::number(st.st_uid);
}

QString systemMessage(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/// Run as a child process: writes more than RLIMIT_FSIZE allows and prints the writer's error.
int fileTooLargeChild(const QString &path)
{
    std::signal(SIGXFSZ, SIG_IGN); // the write then fails with EFBIG instead of killing the process
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = 64 * 1024;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
        return 2;
    PartWriter writer;
    QString failure;
    QObject::connect(&writer, &PartWriter::writeFailed, &writer, [&failure](const QString &e) { failure = e; });
    if (!openWriter(writer, path).error.isEmpty())
        return 3;
    writer.write(QByteArray(128 * 1024, 'x'));
    std::fputs(failure.toLocal8Bit().constData(), stdout);
    return failure.isEmpty() ? 1 : 0;
}
} // namespace

/// Lives in the test thread: the writer's signals reach it queued, as they reach a PartFile, so that a spy on it
/// sees each of them during its wait() and never misses one emitted by the writer thread just before.
class Relay : public QObject
{
    Q_OBJECT
signals:
    void opened();
    void written(int generation, qint64 total);
    void finished(const QByteArray &digest, const QString &error);
    void committed(const QString &error);
};

class TestPartWriter : public QObject
{
    Q_OBJECT
private slots:
    void createsAPrivatePartFileAndCommitsIt();
    void aTakenNameGetsAUniqueNameBeside_data();
    void aTakenNameGetsAUniqueNameBeside();
    void resumesTheRecordedFileAndRehashesIt();
    void resumeIsBoundedByMaxResume_data();
    void resumeIsBoundedByMaxResume();
    void truncateBumpsTheGeneration();
    void callsWithoutAnOpenFileFail();
    void keepLeavesTheFileForALaterAttempt();
    void discardRemovesOnlyItsOwnFile();
    void aRefusedCommitLeavesTheFileToDiscard();
    void aFullDiskIsReportedAsSuch();
    void aWriteErrorSurvivesTruncate();
    void aFileTooLargeIsReportedAsSuch();
    void runsInAThreadAsPartFileRunsIt();
};

void TestPartWriter::createsAPrivatePartFileAndCommitsIt()
{
    QTemporaryDir dir;
    const QString part = dir.filePath(u"report.csv.part"_s);
    PartWriter writer;
    const Opened o = openWriter(writer, part);
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    QCOMPARE(o.path, part);
    QCOMPARE(o.resumed, qint64(0));
    QVERIFY(o.identity == SecureFile::identityAt(part));
    QCOMPARE(linkStat(part).st_mode & 07777, mode_t(0600));

    QSignalSpy written(&writer, &PartWriter::written);
    writer.write("abc");
    writer.write("defg");
    QCOMPARE(written.count(), 2);
    QCOMPARE(written.at(0), (QVariantList{0, qint64(3)}));
    QCOMPARE(written.at(1), (QVariantList{0, qint64(7)}));
    const auto [digest, error] = finishWriter(writer);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(digest, sha256("abcdefg"));
    QCOMPARE(readFile(part), QByteArray("abcdefg"));

    const QString target = dir.filePath(u"report.csv"_s);
    QCOMPARE(commitWriter(writer, target, false), QString());
    QCOMPARE(readFile(target), QByteArray("abcdefg"));
    QVERIFY(!QFileInfo::exists(part));
}

void TestPartWriter::aTakenNameGetsAUniqueNameBeside_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("a stranger's file, nothing recorded") << u"file"_s;
    QTest::newRow("a symlink out of the folder") << u"link"_s;
    QTest::newRow("a file that is not the recorded identity") << u"other inode"_s;
    QTest::newRow("a symlink to the recorded file") << u"link to recorded"_s;
    QTest::newRow("the recorded identity, owned by another uid") << u"other owner"_s;
}

void TestPartWriter::aTakenNameGetsAUniqueNameBeside()
{
    QFETCH(QString, kind);
    QTemporaryDir dir;
    QTemporaryDir outside;
    const QDir d(dir.path());
    const QString part = d.filePath(u"report.csv.part"_s);
    const QString secret = outside.filePath(u"secret"_s);
    QVERIFY(writeFile(secret, "outside the folder"));
    SecureFile::Identity recorded;
    if (kind == u"file") {
        QVERIFY(writeFile(part, "a stranger's bytes"));
    } else if (kind == u"link") {
        QVERIFY(QFile::link(secret, part));
    } else if (kind == u"other inode") {
        QVERIFY(writeFile(part, "a stranger's bytes"));
        recorded = SecureFile::identityAt(secret);
    } else if (kind == u"link to recorded") {
        QVERIFY(QFile::link(secret, part));
        recorded = SecureFile::identityAt(secret);
    } else {
        if (::geteuid() != 0)
            QSKIP("chown to another user needs root");
        QVERIFY(writeFile(part, "a stranger's bytes"));
        recorded = SecureFile::identityAt(part);
        QVERIFY(::chown(native(part).constData(), 65534, 65534) == 0);
    }
    const QString before = describe(part);
    const QString secretBefore = describe(secret);

    PartWriter writer;
    const Opened o = openWriter(writer, part, recorded);
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    QCOMPARE(o.resumed, qint64(0));
    QCOMPARE(QFileInfo(o.path).absolutePath(), d.absolutePath());
    QVERIFY2(
        QRegularExpression(u"^report\\.csv\\.[a-z0-9]{6}\\.part$"_s).match(QFileInfo(o.path).fileName()).hasMatch(),
        qPrintable(o.path));
    QVERIFY(o.identity == SecureFile::identityAt(o.path));
    QCOMPARE(linkStat(o.path).st_mode & 07777, mode_t(0600));
    writer.write("ours");
    QCOMPARE(finishWriter(writer).first, sha256("ours"));
    QCOMPARE(readFile(o.path), QByteArray("ours"));
    QCOMPARE(describe(part), before);
    QCOMPARE(describe(secret), secretBefore);

    // Discarding removes only the writer's own file.
    writer.discard();
    QVERIFY(!QFileInfo::exists(o.path));
    QCOMPARE(describe(part), before);
    QCOMPARE(describe(secret), secretBefore);
}

void TestPartWriter::resumesTheRecordedFileAndRehashesIt()
{
    QTemporaryDir dir;
    const QString part = dir.filePath(u"report.csv.part"_s);
    // More than the writer's 1 MiB read buffer, and not a multiple of it.
    const QByteArray first = pattern(5 * 1024 * 1024 / 2 + 77);
    QVERIFY(writeFile(part, first));
    const SecureFile::Identity recorded = SecureFile::identityAt(part);

    PartWriter writer;
    const Opened o = openWriter(writer, part, recorded);
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    QCOMPARE(o.path, part);
    QVERIFY(o.identity == recorded);
    QCOMPARE(o.resumed, qint64(first.size()));
    QSignalSpy written(&writer, &PartWriter::written);
    const QByteArray rest = pattern(1000, 2);
    writer.write(rest);
    QCOMPARE(written.count(), 1);
    QCOMPARE(written.at(0), (QVariantList{0, qint64(first.size() + rest.size())}));
    const auto [digest, error] = finishWriter(writer);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The digest covers the whole file: the resumed bytes re-hashed, then the new ones.
    QCOMPARE(readFile(part), first + rest);
    QCOMPARE(digest, sha256(readFile(part)));
}

void TestPartWriter::resumeIsBoundedByMaxResume_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<qint64>("maxResume");
    QTest::addColumn<bool>("resumed");
    QTest::newRow("shorter") << qint64(1000) << qint64(1001) << true;
    QTest::newRow("exactly maxResume") << qint64(1000) << qint64(1000) << true;
    QTest::newRow("one byte longer") << qint64(1001) << qint64(1000) << false;
    QTest::newRow("much longer") << qint64(3 * 1024 * 1024) << qint64(10) << false;
}

void TestPartWriter::resumeIsBoundedByMaxResume()
{
    QFETCH(qint64, size);
    QFETCH(qint64, maxResume);
    QFETCH(bool, resumed);
    QTemporaryDir dir;
    const QString part = dir.filePath(u"report.csv.part"_s);
    QVERIFY(writeFile(part, pattern(size)));
    PartWriter writer;
    const Opened o = openWriter(writer, part, SecureFile::identityAt(part), maxResume);
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    QCOMPARE(o.path, part);
    QCOMPARE(o.resumed, resumed ? size : qint64(0));
    // A file of ours longer than the report can hold is of no use: it starts over, empty.
    QCOMPARE(QFileInfo(part).size(), resumed ? size : qint64(0));
    writer.write("x");
    QCOMPARE(finishWriter(writer).first, sha256(resumed ? pattern(size) + "x" : QByteArray("x")));
}

void TestPartWriter::truncateBumpsTheGeneration()
{
    QTemporaryDir dir;
    const QString part = dir.filePath(u"report.csv.part"_s);
    PartWriter writer;
    QVERIFY(openWriter(writer, part).error.isEmpty());
    QSignalSpy written(&writer, &PartWriter::written);
    writer.write("old content");
    writer.truncate();
    writer.write("new");
    writer.truncate();
    writer.write("newest");
    QCOMPARE(written.count(), 3);
    QCOMPARE(written.at(0), (QVariantList{0, qint64(11)}));
    QCOMPARE(written.at(1), (QVariantList{1, qint64(3)}));
    QCOMPARE(written.at(2), (QVariantList{2, qint64(6)}));
    const auto [digest, error] = finishWriter(writer);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(digest, sha256("newest"));
    QCOMPARE(readFile(part), QByteArray("newest"));
}

void TestPartWriter::callsWithoutAnOpenFileFail()
{
    QTemporaryDir dir;
    PartWriter writer;
    QSignalSpy written(&writer, &PartWriter::written);
    writer.write("ignored");
    QCOMPARE(written.count(), 0);
    QVERIFY(!finishWriter(writer).second.isEmpty());
    QVERIFY(!commitWriter(writer, dir.filePath(u"report.csv"_s), false).isEmpty());
    QVERIFY(!QFileInfo::exists(dir.filePath(u"report.csv"_s)));

    // A folder that does not exist: opened() carries the error, nothing is created.
    const Opened o = openWriter(writer, dir.filePath(u"missing/report.csv.part"_s));
    QVERIFY(!o.error.isEmpty());
    QCOMPARE(o.identity.inode, quint64(0));
    writer.write("ignored");
    QCOMPARE(written.count(), 0);
    QVERIFY(!finishWriter(writer).second.isEmpty());
}

void TestPartWriter::keepLeavesTheFileForALaterAttempt()
{
    QTemporaryDir dir;
    const QString part = dir.filePath(u"report.csv.part"_s);
    SecureFile::Identity identity;
    {
        PartWriter writer;
        const Opened o = openWriter(writer, part);
        QVERIFY(o.error.isEmpty());
        identity = o.identity;
        writer.write("first half");
        writer.keep();
        writer.discard(); // closed by keep: no longer this writer's to remove
    }
    QCOMPARE(readFile(part), QByteArray("first half"));
    PartWriter later;
    const Opened o = openWriter(later, part, identity);
    QCOMPARE(o.resumed, qint64(10));
    later.write(", second half");
    QCOMPARE(finishWriter(later).first, sha256("first half, second half"));
}

void TestPartWriter::discardRemovesOnlyItsOwnFile()
{
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString part = d.filePath(u"report.csv.part"_s);
    {
        PartWriter writer;
        QVERIFY(openWriter(writer, part).error.isEmpty());
        writer.write("bytes");
        writer.discard();
        QVERIFY(!QFileInfo::exists(part));
    }
    // The name was swapped for a stranger's file meanwhile: that file stays, and so does ours under its new name.
    PartWriter writer;
    QVERIFY(openWriter(writer, part).error.isEmpty());
    writer.write("ours");
    const QString moved = d.filePath(u"moved"_s);
    QVERIFY(::rename(native(part).constData(), native(moved).constData()) == 0);
    QVERIFY(writeFile(part, "a stranger's"));
    writer.discard();
    QCOMPARE(readFile(part), QByteArray("a stranger's"));
    QCOMPARE(readFile(moved), QByteArray("ours"));
}

void TestPartWriter::aRefusedCommitLeavesTheFileToDiscard()
{
    // The target appeared after the download began: the commit is refused, and the partial file must still be
    // the writer's to remove (or keep); before, it was closed and then left behind by discard().
    QTemporaryDir dir;
    const QDir d(dir.path());
    const QString part = d.filePath(u"report.csv.part"_s);
    const QString target = d.filePath(u"report.csv"_s);
    PartWriter writer;
    QVERIFY(openWriter(writer, part).error.isEmpty());
    writer.write("complete report");
    QVERIFY(finishWriter(writer).second.isEmpty());
    QVERIFY(writeFile(target, "appeared meanwhile"));
    const QString error = commitWriter(writer, target, false);
    QVERIFY2(error.contains(u"already exists"_s), qPrintable(error));
    QCOMPARE(readFile(target), QByteArray("appeared meanwhile"));
    writer.discard();
    QVERIFY(!QFileInfo::exists(part));
    QCOMPARE(d.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot),
             QStringList{u"report.csv"_s});
}

void TestPartWriter::aFullDiskIsReportedAsSuch()
{
    SmallFileSystem disk(64 * 1024);
    GETBILL_REQUIRE_MOUNT(disk);
    PartWriter writer;
    const Opened o = openWriter(writer, disk.filePath(u"report.csv.part"_s));
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    QSignalSpy written(&writer, &PartWriter::written);
    QSignalSpy failed(&writer, &PartWriter::writeFailed);
    writer.write(QByteArray(16 * 1024, 'a'));
    QCOMPARE(written.count(), 1);
    writer.write(QByteArray(128 * 1024, 'b'));
    QCOMPARE(failed.count(), 1);
    const QString error = failed.at(0).at(0).toString();
    QVERIFY2(error.contains(systemMessage(ENOSPC)), qPrintable(error));
    QCOMPARE(written.count(), 1);
    // Failed for good: later writes are not taken, and finish reports the write's reason, whatever errno is now.
    writer.write("more");
    QCOMPARE(written.count(), 1);
    QCOMPARE(failed.count(), 1);
    errno = 0;
    const auto [digest, finishError] = finishWriter(writer);
    QVERIFY(digest.isEmpty());
    QCOMPARE(finishError, error);
    writer.discard();
    QVERIFY(!QFileInfo::exists(o.path));
}

void TestPartWriter::aWriteErrorSurvivesTruncate()
{
    // PartFile may queue a restart (truncate) behind a write that fails: the failure was reported and must stay;
    // before, truncate() cleared it and finish() then reported a good, synced file.
    SmallFileSystem disk(64 * 1024);
    GETBILL_REQUIRE_MOUNT(disk);
    PartWriter writer;
    QVERIFY(openWriter(writer, disk.filePath(u"report.csv.part"_s)).error.isEmpty());
    QSignalSpy failed(&writer, &PartWriter::writeFailed);
    writer.write(QByteArray(128 * 1024, 'b'));
    QCOMPARE(failed.count(), 1);
    writer.truncate();
    QSignalSpy written(&writer, &PartWriter::written);
    writer.write("after the restart");
    QCOMPARE(written.count(), 0);
    const auto [digest, error] = finishWriter(writer);
    QVERIFY(digest.isEmpty());
    QVERIFY2(error.contains(systemMessage(ENOSPC)), qPrintable(error));
}

void TestPartWriter::aFileTooLargeIsReportedAsSuch()
{
    QTemporaryDir dir;
    const QString part = dir.filePath(u"report.csv.part"_s);
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {u"--file-too-large-child"_s, part});
    QVERIFY(child.waitForFinished(30'000));
    const QString output = QString::fromLocal8Bit(child.readAllStandardOutput());
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QVERIFY2(child.exitCode() == 0, qPrintable(u"exit %1: %2"_s.arg(child.exitCode()).arg(output)));
    QVERIFY2(output.contains(systemMessage(EFBIG)), qPrintable(output));
    // What fitted under the limit was written; nothing past it.
    QCOMPARE(QFileInfo(part).size(), qint64(64 * 1024));
}

void TestPartWriter::runsInAThreadAsPartFileRunsIt()
{
    QTemporaryDir dir;
    const QString part = dir.filePath(u"report.csv.part"_s);
    QThread thread;
    auto *writer = new PartWriter;
    writer->moveToThread(&thread);
    connect(&thread, &QThread::finished, writer, &QObject::deleteLater);
    Relay relay;
    connect(writer, &PartWriter::opened, &relay, &Relay::opened);
    connect(writer, &PartWriter::written, &relay, &Relay::written);
    connect(writer, &PartWriter::finished, &relay, &Relay::finished);
    connect(writer, &PartWriter::committed, &relay, &Relay::committed);
    QSignalSpy opened(&relay, &Relay::opened);
    QSignalSpy written(&relay, &Relay::written);
    QSignalSpy finished(&relay, &Relay::finished);
    QSignalSpy committed(&relay, &Relay::committed);
    const auto stop = qScopeGuard([&thread] {
        thread.quit();
        thread.wait();
    });
    thread.start();
    QMetaObject::invokeMethod(
        writer, [writer, part] { writer->open(part, 0, 0, noLimit); }, Qt::QueuedConnection);
    // Past two write-behind windows, in chunks the size a reply hands over.
    const QByteArray bytes = pattern(2 * PartWriter::writeBehindWindow + 300'001);
    constexpr qint64 chunk = 256 * 1024;
    int chunks = 0;
    for (qint64 at = 0; at < bytes.size(); at += chunk, ++chunks) {
        const QByteArray piece = bytes.mid(at, chunk);
        QMetaObject::invokeMethod(
            writer, [writer, piece] { writer->write(piece); }, Qt::QueuedConnection);
    }
    QMetaObject::invokeMethod(writer, &PartWriter::finish, Qt::QueuedConnection);
    QVERIFY(finished.wait(30'000));
    QCOMPARE(opened.count(), 1);
    QCOMPARE(written.count(), chunks);
    QCOMPARE(written.last(), (QVariantList{0, qint64(bytes.size())}));
    QCOMPARE(finished.at(0).at(1).toString(), QString());
    QCOMPARE(finished.at(0).at(0).toByteArray(), sha256(bytes));
    const QString target = dir.filePath(u"report.csv"_s);
    QMetaObject::invokeMethod(
        writer, [writer, target] { writer->commit(target, false); }, Qt::QueuedConnection);
    QVERIFY(committed.wait(30'000));
    QCOMPARE(committed.at(0).at(0).toString(), QString());
    QCOMPARE(sha256(readFile(target)), sha256(bytes));
    QVERIFY(!QFileInfo::exists(part));
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--file-too-large-child") == 0)
        return fileTooLargeChild(QFile::decodeName(argv[2]));
    TestPartWriter test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_partwriter.moc"
