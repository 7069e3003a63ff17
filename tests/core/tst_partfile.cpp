// Direct tests of PartFile: its state machine through every transition, the lock and the record in the state folder
// (a temporary XDG_DATA_HOME here), the bound on unwritten bytes, and that nothing it did not make is resumed or
// removed. Signals come from the writer thread; QSignalSpy::wait gets them.
#include "SmallFileSystem.h"
#include "download/PartFile.h"
#include "download/PartialDownload.h"
#include "download/SecureFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace getbill;
using namespace getbill::test;
using namespace Qt::Literals::StringLiterals;
using State = PartFile::State;

namespace {
const QString reportId = u"report_42"_s;
constexpr int waitMs = 30'000;

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

QByteArray sha256(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

QStringList entries(const QString &folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

QString describe(const QString &path)
{
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return u"missing"_s;
    const QString what = S_ISLNK(st.st_mode) ? u"link->"_s + QFile::symLinkTarget(path)
                                             : u"file:"_s + QString::fromLatin1(readFile(path));
    return what + u" ino="_s + QString::number(st.st_ino) + u" mode="_s + QString::number(st.st_mode, 8);
}

/// True when a second PartFile can take the lock of `target` (so the first one released it).
bool lockIsFree(const QString &target)
{
    PartFile other(target);
    QString error;
    const bool locked = other.lock(&error);
    other.discard();
    return locked;
}

/// lock() and open(), waiting for opened(); the resumed bytes, or -1 with the error in a warning.
qint64 openPart(PartFile &part, qint64 fileSize, const QString &id = reportId)
{
    QString error;
    if (part.state() == State::Idle && !part.lock(&error)) {
        qWarning("lock: %s", qPrintable(error));
        return -1;
    }
    QSignalSpy opened(&part, &PartFile::opened);
    part.open(id, fileSize);
    if (!opened.wait(waitMs) || !opened.at(0).at(1).toString().isEmpty()) {
        qWarning("open: %s", opened.isEmpty() ? "no signal" : qPrintable(opened.at(0).at(1).toString()));
        return -1;
    }
    return opened.at(0).at(0).toLongLong();
}

/// finish(), waiting for synced(); the digest, empty on error.
QByteArray syncPart(PartFile &part, QString *error = nullptr)
{
    QSignalSpy synced(&part, &PartFile::synced);
    part.finish();
    if (!synced.wait(waitMs))
        return {};
    if (error)
        *error = synced.at(0).at(1).toString();
    return synced.at(0).at(0).toByteArray();
}

/// commit(), waiting for committed(); its error ("no signal" when none came).
QString commitPart(PartFile &part, bool replace)
{
    QSignalSpy committed(&part, &PartFile::committed);
    part.commit(replace);
    if (!committed.wait(waitMs))
        return u"no signal"_s;
    return committed.at(0).at(0).toString();
}

/// Records a partial file at `part` as the application would have.
bool recordPartial(const QString &target, const QString &part, qint64 fileSize, const QString &id = reportId)
{
    PartialDownload r;
    r.target = target;
    r.partPath = part;
    r.reportId = id;
    r.fileSize = fileSize;
    r.etag = u"\"v1\""_s;
    const SecureFile::Identity identity = SecureFile::identityAt(part);
    r.device = identity.device;
    r.inode = identity.inode;
    return r.save();
}
} // namespace

class TestPartFile : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void walksEveryStateToCommitted();
    void openToKept();
    void discardBeforeOpenTouchesNoEarlierAttempt_data();
    void discardBeforeOpenTouchesNoEarlierAttempt();
    void discardFromEveryLaterState_data();
    void discardFromEveryLaterState();
    void keptIsFinal();
    void keepWhileOpeningLeavesNoOrphan();
    void aFolderThatCannotBeWrittenFailsTheOpen();
    void aRefusedCommitFailsAndCanBeDiscarded();
    void lockContention();
    void recordFollowsThePartFile();
    void validatorIsRecorded();
    void roomFallsToZeroAndDrainedComesBack();
    void restartStartsOverAndIgnoresOldAcks();
    void destructorDiscards_data();
    void destructorDiscards();
    void aPlantedSymlinkWithAForgedRecordIsNotResumed_data();
    void aPlantedSymlinkWithAForgedRecordIsNotResumed();
    void aResumedPartContinuesAtItsSize();
    void aRecordOfAnotherReportOrSizeIsNotResumed_data();
    void aRecordOfAnotherReportOrSizeIsNotResumed();
    void aFullDiskFailsThePartFile();
    void aWriteFailureStaysFailedThroughARestart();
    void smallChunksGoInBatchesAndNoneIsLost();
    void restartDropsTheGatheredChunksOfTheOldContent();
    void aFullDiskFoundByTheLastBatchFailsTheSync();

private:
    std::unique_ptr<QTemporaryDir> m_data;
};

void TestPartFile::initTestCase()
{
    m_data = std::make_unique<QTemporaryDir>();
    QVERIFY(m_data->isValid());
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_data->path()));
    QVERIFY(PartialDownload::stateFolder().startsWith(m_data->path() + u'/'));
}

void TestPartFile::init()
{
    QDir state(PartialDownload::stateFolder());
    for (const QString &name : entries(state.path()))
        QVERIFY(state.remove(name));
}

void TestPartFile::walksEveryStateToCommitted()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(part.state(), State::Idle);
    QCOMPARE(part.targetPath(), target);

    QString error;
    QVERIFY2(part.lock(&error), qPrintable(error));
    QCOMPARE(part.state(), State::Locked);
    // The lock lives in the state folder, never beside the file.
    QVERIFY(QFileInfo::exists(PartialDownload::lockPath(target)));
    QCOMPARE(entries(dir.path()), QStringList());

    QSignalSpy opened(&part, &PartFile::opened);
    part.open(reportId, 7);
    QCOMPARE(part.state(), State::Opening);
    QVERIFY(opened.wait(waitMs));
    QCOMPARE(opened.at(0), (QVariantList{qint64(0), QString()}));
    QCOMPARE(part.state(), State::Open);
    QCOMPARE(part.partPath(), target + u".part"_s);
    QCOMPARE(entries(dir.path()), QStringList{u"report.csv.part"_s});

    part.write("abc");
    part.write("defg");
    QCOMPARE(part.received(), qint64(7));
    QSignalSpy synced(&part, &PartFile::synced);
    part.finish();
    QCOMPARE(part.state(), State::Syncing);
    QCOMPARE(part.room(), qint64(0));
    part.write("ignored after finish");
    QVERIFY(synced.wait(waitMs));
    QCOMPARE(synced.at(0), (QVariantList{sha256("abcdefg"), QString()}));
    QCOMPARE(part.state(), State::Synced);
    QCOMPARE(part.written(), qint64(7));

    QSignalSpy committed(&part, &PartFile::committed);
    part.commit(false);
    QCOMPARE(part.state(), State::Committing);
    QVERIFY(committed.wait(waitMs));
    QCOMPARE(committed.at(0), (QVariantList{QString()}));
    QCOMPARE(part.state(), State::Committed);
    QCOMPARE(readFile(target), QByteArray("abcdefg"));
    QCOMPARE(entries(dir.path()), QStringList{u"report.csv"_s});
    QVERIFY(!PartialDownload::load(target));
    QVERIFY(!QFileInfo::exists(PartialDownload::recordPath(target)));
    QVERIFY(lockIsFree(target));
}

void TestPartFile::openToKept()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 100), qint64(0));
    part.write("first forty bytes of a hundred-byte file");
    part.keep();
    QCOMPARE(part.state(), State::Kept);
    // keep() waits for the writes queued before it: the bytes are in the file, and the record names it.
    QCOMPARE(readFile(part.partPath()), QByteArray("first forty bytes of a hundred-byte file"));
    const std::optional<PartialDownload> record = PartialDownload::load(target);
    QVERIFY(record);
    QCOMPARE(record->partPath, part.partPath());
    QVERIFY((SecureFile::Identity{record->device, record->inode, -1}) == SecureFile::identityAt(part.partPath()));
    QVERIFY(lockIsFree(target));
}

void TestPartFile::discardBeforeOpenTouchesNoEarlierAttempt_data()
{
    QTest::addColumn<bool>("locked");
    QTest::newRow("Idle") << false;
    QTest::newRow("Locked") << true;
}

void TestPartFile::discardBeforeOpenTouchesNoEarlierAttempt()
{
    // An earlier attempt left its part and record; a PartFile that never opened has no business with them.
    QFETCH(bool, locked);
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    const QString earlier = PartialDownload::defaultPartPath(target);
    QVERIFY(writeFile(earlier, "half"));
    QVERIFY(recordPartial(target, earlier, 8));
    {
        PartFile part(target);
        QString error;
        if (locked)
            QVERIFY(part.lock(&error));
        part.discard();
        QCOMPARE(part.state(), State::Discarded);
        QVERIFY(lockIsFree(target));
    }
    QCOMPARE(readFile(earlier), QByteArray("half"));
    QVERIFY(PartialDownload::load(target));
    // keep() before open likewise keeps what was there.
    PartFile part(target);
    QString error;
    QVERIFY(part.lock(&error));
    part.keep();
    QCOMPARE(part.state(), State::Kept);
    QCOMPARE(readFile(earlier), QByteArray("half"));
    QVERIFY(PartialDownload::load(target));
}

void TestPartFile::discardFromEveryLaterState_data()
{
    QTest::addColumn<State>("from");
    QTest::newRow("Opening") << State::Opening;
    QTest::newRow("Open") << State::Open;
    QTest::newRow("Syncing") << State::Syncing;
    QTest::newRow("Synced") << State::Synced;
    QTest::newRow("Committing") << State::Committing;
}

void TestPartFile::discardFromEveryLaterState()
{
    QFETCH(State, from);
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QString error;
    QVERIFY(part.lock(&error));
    if (from == State::Opening) {
        part.open(reportId, 100);
    } else {
        QCOMPARE(openPart(part, 100), qint64(0));
        part.write(QByteArray(100, 'x'));
        if (from == State::Syncing) {
            part.finish();
        } else if (from == State::Synced || from == State::Committing) {
            QCOMPARE(syncPart(part), sha256(QByteArray(100, 'x')));
            if (from == State::Committing)
                part.commit(false);
        }
    }
    QCOMPARE(part.state(), from);
    QSignalSpy committed(&part, &PartFile::committed);
    part.discard();
    QCOMPARE(part.state(), State::Discarded);
    QVERIFY(!PartialDownload::load(target));
    QVERIFY(lockIsFree(target));
    // Nothing partial is left; a commit already under way when the discard came is complete or absent.
    QStringList left = entries(dir.path());
    if (from == State::Committing && left == QStringList{u"report.csv"_s}) {
        QCOMPARE(readFile(target), QByteArray(100, 'x'));
        left.clear();
    }
    QCOMPARE(left, QStringList());
    // No late signal from the stopped writer.
    QCoreApplication::processEvents();
    QCOMPARE(committed.count(), 0);
    QCOMPARE(part.state(), State::Discarded);
}

void TestPartFile::keptIsFinal()
{
    // After keep() the lock is released: another writer may already continue that file under its record. A late
    // discard() must touch neither (before, it forgot the record and left the file, an orphan).
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 100), qint64(0));
    part.write("kept");
    part.keep();
    part.discard();
    QCOMPARE(part.state(), State::Kept);
    QCOMPARE(readFile(part.partPath()), QByteArray("kept"));
    QVERIFY(PartialDownload::load(target));
    part.keep();
    QCOMPARE(part.state(), State::Kept);
}

void TestPartFile::keepWhileOpeningLeavesNoOrphan()
{
    // keep() before opened() arrived: the writer has made a file that no record names yet. Keeping it would leave
    // a .part nothing ever resumes or removes; it goes instead.
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QString error;
    QVERIFY(part.lock(&error));
    part.open(reportId, 100);
    QCOMPARE(part.state(), State::Opening);
    part.keep();
    QCOMPARE(entries(dir.path()), QStringList());
    QVERIFY(!PartialDownload::load(target));
    QVERIFY(lockIsFree(target));
    QVERIFY(part.state() == State::Discarded || part.state() == State::Kept);
}

void TestPartFile::aFolderThatCannotBeWrittenFailsTheOpen()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"no-such-folder/report.csv"_s);
    PartFile part(target);
    QString error;
    QVERIFY(part.lock(&error)); // the lock is in the state folder: fine
    QSignalSpy opened(&part, &PartFile::opened);
    part.open(reportId, 100);
    QVERIFY(opened.wait(waitMs));
    QCOMPARE(opened.at(0).at(0).toLongLong(), qint64(0));
    QVERIFY(!opened.at(0).at(1).toString().isEmpty());
    QCOMPARE(part.state(), State::Failed);
    QCOMPARE(part.room(), qint64(0));
    QVERIFY(!PartialDownload::load(target));
    part.discard();
    QCOMPARE(part.state(), State::Discarded);
    QVERIFY(lockIsFree(target));
}

void TestPartFile::aRefusedCommitFailsAndCanBeDiscarded()
{
    // The target appeared while downloading (another program saved it): Committing -> Failed, and the discard
    // that follows removes the complete .part (before, it stayed behind with its record gone).
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 5), qint64(0));
    part.write("bytes");
    QCOMPARE(syncPart(part), sha256("bytes"));
    QVERIFY(writeFile(target, "someone else's"));
    const QString error = commitPart(part, false);
    QVERIFY2(error.contains(u"already exists"_s), qPrintable(error));
    QCOMPARE(part.state(), State::Failed);
    part.discard();
    QCOMPARE(part.state(), State::Discarded);
    QCOMPARE(entries(dir.path()), QStringList{u"report.csv"_s});
    QCOMPARE(readFile(target), QByteArray("someone else's"));
    QVERIFY(!PartialDownload::load(target));
}

void TestPartFile::lockContention()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile first(target);
    QString error;
    QVERIFY(first.lock(&error));
    {
        PartFile second(target);
        QVERIFY(!second.lock(&error));
        QVERIFY2(error.contains(u"already being downloaded"_s), qPrintable(error));
        QCOMPARE(second.state(), State::Idle);
        // Another spelling of the same path is the same target.
        PartFile third(dir.path() + u"/./report.csv"_s);
        QVERIFY(!third.lock(&error));
        QCOMPARE(third.targetPath(), target);
        // Another target is not held up.
        PartFile other(dir.filePath(u"other.csv"_s));
        QVERIFY(other.lock(&error));
    }
    // The lock file is in the state folder: the download folder has nothing of it.
    QVERIFY(PartialDownload::lockPath(target).startsWith(PartialDownload::stateFolder() + u'/'));
    QVERIFY(QFileInfo::exists(PartialDownload::lockPath(target)));
    QCOMPARE(entries(dir.path()), QStringList());
    // The second PartFile's destruction did not release the first one's lock.
    QVERIFY(!lockIsFree(target));
    first.discard();
    QVERIFY(lockIsFree(target));
}

void TestPartFile::recordFollowsThePartFile()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    {
        PartFile part(target);
        QCOMPARE(openPart(part, 1234), qint64(0));
        // Written when opened, with the file's identity.
        const std::optional<PartialDownload> record = PartialDownload::load(target);
        QVERIFY(record);
        QCOMPARE(record->target, target);
        QCOMPARE(record->partPath, part.partPath());
        QCOMPARE(record->reportId, reportId);
        QCOMPARE(record->fileSize, qint64(1234));
        QCOMPARE(record->etag, QString());
        const SecureFile::Identity identity = SecureFile::identityAt(part.partPath());
        QCOMPARE(record->device, identity.device);
        QCOMPARE(record->inode, identity.inode);
        // Forgotten on commit.
        part.write(QByteArray(1234, 'c'));
        QCOMPARE(syncPart(part), sha256(QByteArray(1234, 'c')));
        QCOMPARE(commitPart(part, false), QString());
        QVERIFY(!PartialDownload::load(target));
    }
    // Forgotten on discard.
    QVERIFY(QFile::remove(target));
    PartFile part(target);
    QCOMPARE(openPart(part, 1234), qint64(0));
    QVERIFY(PartialDownload::load(target));
    part.discard();
    QVERIFY(!PartialDownload::load(target));
    QVERIFY(!QFileInfo::exists(PartialDownload::recordPath(target)));
}

void TestPartFile::validatorIsRecorded()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 1000), qint64(0));
    QCOMPARE(part.validator(), QString());
    part.setValidator(u"\"etag-1\""_s);
    QCOMPARE(part.validator(), u"\"etag-1\""_s);
    QCOMPARE(PartialDownload::load(target)->etag, u"\"etag-1\""_s);
    // Bounded: an absurd header is not recorded.
    part.setValidator(QString(513, u'x'));
    QCOMPARE(part.validator(), u"\"etag-1\""_s);
    QCOMPARE(PartialDownload::load(target)->etag, u"\"etag-1\""_s);
    part.setValidator(u"W/\"etag-2\""_s);
    QCOMPARE(PartialDownload::load(target)->etag, u"W/\"etag-2\""_s);
    part.keep();
    // A later attempt reads it back for If-Range.
    QVERIFY(writeFile(part.partPath(), {})); // same file, truncated: still the recorded identity
    PartFile later(target);
    QString error;
    QVERIFY(later.lock(&error));
    QSignalSpy opened(&later, &PartFile::opened);
    later.open(reportId, 1000);
    QCOMPARE(later.validator(), u"W/\"etag-2\""_s);
    QVERIFY(opened.wait(waitMs));
    // Nothing was resumed (an empty file), so the validator of the old content is dropped.
    QCOMPARE(opened.at(0).at(0).toLongLong(), qint64(0));
    QCOMPARE(later.validator(), QString());
    QCOMPARE(PartialDownload::load(target)->etag, QString());
}

void TestPartFile::roomFallsToZeroAndDrainedComesBack()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(part.room(), qint64(0)); // Idle
    QString error;
    QVERIFY(part.lock(&error));
    QCOMPARE(part.room(), qint64(0)); // Locked
    QCOMPARE(openPart(part, 3 * PartFile::maxUnwrittenBytes), qint64(0));
    QCOMPARE(part.room(), PartFile::maxUnwrittenBytes);

    // The test thread does not return to its event loop between these calls, so no acknowledgement can arrive:
    // room() counts exactly what was given.
    part.write(QByteArray(1024 * 1024, 'a'));
    QCOMPARE(part.room(), PartFile::maxUnwrittenBytes - 1024 * 1024);
    QSignalSpy drained(&part, &PartFile::drained);
    part.write(QByteArray(PartFile::maxUnwrittenBytes - 1024 * 1024, 'b'));
    QCOMPARE(part.room(), qint64(0));
    part.write("c"); // past the bound (write() is not refused; room() only advises)
    QCOMPARE(part.room(), qint64(0));
    QCOMPARE(part.received(), PartFile::maxUnwrittenBytes + 1);
    QVERIFY(drained.wait(waitMs));
    QVERIFY(part.room() > 0);
    QCOMPARE(drained.count(), 1);
    QCOMPARE(drained.count(), 1);
    // The writer answers in order: once synced() is here, every write has been acknowledged.
    const QByteArray all =
        QByteArray(1024 * 1024, 'a') + QByteArray(PartFile::maxUnwrittenBytes - 1024 * 1024, 'b') + "c";
    QCOMPARE(syncPart(part), sha256(all));
    QCOMPARE(part.written(), part.received());
    QCOMPARE(drained.count(), 1); // only when room came back from 0
    part.discard();
}

void TestPartFile::restartStartsOverAndIgnoresOldAcks()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 3 * PartFile::maxUnwrittenBytes), qint64(0));
    part.setValidator(u"\"old\""_s);
    part.write(QByteArray(PartFile::maxUnwrittenBytes, 'o'));
    QCOMPARE(part.room(), qint64(0));
    part.restart();
    // Back at zero at once; the record no longer vouches for an old validator.
    QCOMPARE(part.received(), qint64(0));
    QCOMPARE(part.written(), qint64(0));
    QCOMPARE(part.resumedBytes(), qint64(0));
    QCOMPARE(part.validator(), QString());
    QCOMPARE(PartialDownload::load(target)->etag, QString());
    QCOMPARE(part.room(), PartFile::maxUnwrittenBytes);
    part.write("new");
    // The old content's acknowledgement (8 MiB written) must not count for the new one.
    QCOMPARE(syncPart(part), sha256("new"));
    QCOMPARE(part.written(), qint64(3));
    QCOMPARE(commitPart(part, false), QString());
    QCOMPARE(readFile(target), QByteArray("new"));
}

void TestPartFile::destructorDiscards_data()
{
    QTest::addColumn<State>("at");
    QTest::newRow("Open") << State::Open;
    QTest::newRow("Synced") << State::Synced;
    QTest::newRow("Failed") << State::Failed;
}

void TestPartFile::destructorDiscards()
{
    QFETCH(State, at);
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    {
        PartFile part(target);
        QCOMPARE(openPart(part, 4), qint64(0));
        part.write("data");
        if (at != State::Open)
            QCOMPARE(syncPart(part), sha256("data"));
        if (at == State::Failed) {
            QVERIFY(QFile::link(dir.filePath(u"elsewhere"_s), target)); // the commit is refused
            QVERIFY(!commitPart(part, false).isEmpty());
        }
        QCOMPARE(part.state(), at);
    }
    QStringList left = entries(dir.path());
    left.removeOne(u"report.csv"_s); // the refusing link of the Failed row
    QCOMPARE(left, QStringList());
    QVERIFY(!PartialDownload::load(target));
    QVERIFY(lockIsFree(target));
}

void TestPartFile::aPlantedSymlinkWithAForgedRecordIsNotResumed_data()
{
    QTest::addColumn<bool>("inodeOfTheLinkTarget");
    QTest::newRow("record with a wrong inode") << false;
    QTest::newRow("record with the inode the link points to") << true;
}

void TestPartFile::aPlantedSymlinkWithAForgedRecordIsNotResumed()
{
    QFETCH(bool, inodeOfTheLinkTarget);
    QTemporaryDir dir;
    QTemporaryDir outside;
    const QString target = dir.filePath(u"report.csv"_s);
    const QString planted = PartialDownload::defaultPartPath(target);
    const QString secret = outside.filePath(u"secret"_s);
    QVERIFY(writeFile(secret, "not yours to append to"));
    QVERIFY(QFile::link(secret, planted));
    PartialDownload forged;
    forged.target = target;
    forged.partPath = planted;
    forged.reportId = reportId;
    forged.fileSize = 100;
    const SecureFile::Identity secretId = SecureFile::identityAt(secret);
    forged.device = secretId.device;
    forged.inode = inodeOfTheLinkTarget ? secretId.inode : secretId.inode + 1000;
    QVERIFY(forged.save());
    const QString secretBefore = describe(secret);
    const QString plantedBefore = describe(planted);

    PartFile part(target);
    QCOMPARE(openPart(part, 100), qint64(0));
    QVERIFY(part.partPath() != planted);
    QCOMPARE(QFileInfo(part.partPath()).absolutePath(), dir.path());
    const QByteArray body(100, 'r');
    part.write(body);
    QCOMPARE(syncPart(part), sha256(body));
    QCOMPARE(commitPart(part, false), QString());
    QCOMPARE(readFile(target), body);
    QCOMPARE(describe(secret), secretBefore);
    QCOMPARE(describe(planted), plantedBefore);
    QCOMPARE(entries(outside.path()), QStringList{u"secret"_s});
    QVERIFY(!PartialDownload::load(target));
}

void TestPartFile::aResumedPartContinuesAtItsSize()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    const QByteArray body = QByteArray(300'000, 'a') + QByteArray(300'000, 'b');
    QString partPath;
    {
        PartFile first(target);
        QCOMPARE(openPart(first, body.size()), qint64(0));
        first.setValidator(u"\"v7\""_s);
        first.write(body.left(250'000));
        first.keep();
        partPath = first.partPath();
    }
    QCOMPARE(QFileInfo(partPath).size(), qint64(250'000));
    PartFile second(target);
    QCOMPARE(openPart(second, body.size()), qint64(250'000));
    QCOMPARE(second.partPath(), partPath);
    QCOMPARE(second.resumedBytes(), qint64(250'000));
    QCOMPARE(second.received(), qint64(250'000));
    QCOMPARE(second.written(), qint64(250'000));
    QCOMPARE(second.validator(), u"\"v7\""_s);
    second.write(body.mid(250'000));
    QCOMPARE(syncPart(second), sha256(body));
    QCOMPARE(second.written(), qint64(body.size()));
    QCOMPARE(commitPart(second, false), QString());
    QCOMPARE(readFile(target), body);
    QCOMPARE(entries(dir.path()), QStringList{u"report.csv"_s});
}

void TestPartFile::aRecordOfAnotherReportOrSizeIsNotResumed_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<qint64>("recordedSize");
    QTest::newRow("another report") << u"report_other"_s << qint64(100) << qint64(100);
    QTest::newRow("another size") << reportId << qint64(100) << qint64(200);
    QTest::newRow("part already as long as the file") << reportId << qint64(10) << qint64(10);
}

void TestPartFile::aRecordOfAnotherReportOrSizeIsNotResumed()
{
    QFETCH(QString, id);
    QFETCH(qint64, size);
    QFETCH(qint64, recordedSize);
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    const QString old = PartialDownload::defaultPartPath(target);
    QVERIFY(writeFile(old, "0123456789"));
    QVERIFY(recordPartial(target, old, recordedSize, id));
    PartFile part(target);
    QCOMPARE(openPart(part, size), qint64(0));
    // The old file was ours and of no use: it went, and the new one took the name.
    QCOMPARE(part.partPath(), old);
    QCOMPARE(QFileInfo(old).size(), qint64(0));
    QCOMPARE(PartialDownload::load(target)->reportId, reportId);
    QCOMPARE(PartialDownload::load(target)->fileSize, size);
    part.discard();
    QCOMPARE(entries(dir.path()), QStringList());
}

void TestPartFile::aFullDiskFailsThePartFile()
{
    SmallFileSystem disk(64 * 1024);
    GETBILL_REQUIRE_MOUNT(disk);
    const QString target = disk.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 1024 * 1024), qint64(0));
    QSignalSpy failed(&part, &PartFile::writeFailed);
    QSignalSpy synced(&part, &PartFile::synced);
    // A whole batch: it goes to the writer at once (smaller chunks wait for the next ones or for finish()).
    part.write(QByteArray(PartFile::batchBytes, 'x'));
    QVERIFY(failed.wait(waitMs));
    const QString error = failed.at(0).at(0).toString();
    QVERIFY2(error.contains(QString::fromLocal8Bit(std::strerror(ENOSPC))), qPrintable(error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(part.partPath())), qPrintable(error));
    QCOMPARE(part.state(), State::Failed);
    QCOMPARE(part.room(), qint64(0));
    // Nothing more happens from Failed but discard() or keep().
    part.finish();
    part.commit(false);
    QCOMPARE(part.state(), State::Failed);
    QCoreApplication::processEvents();
    QCOMPARE(synced.count(), 0);
    part.discard();
    QCOMPARE(part.state(), State::Discarded);
    QCOMPARE(entries(disk.path()), QStringList());
    QVERIFY(!PartialDownload::load(target));
}

void TestPartFile::aWriteFailureStaysFailedThroughARestart()
{
    // write, restart and finish queued before the write's failure comes back (the caller does not know yet):
    // PartFile goes Failed and must not be brought back to Synced by the restarted, empty file.
    SmallFileSystem disk(64 * 1024);
    GETBILL_REQUIRE_MOUNT(disk);
    const QString target = disk.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 1024 * 1024), qint64(0));
    QSignalSpy failed(&part, &PartFile::writeFailed);
    QSignalSpy synced(&part, &PartFile::synced);
    part.write(QByteArray(PartFile::batchBytes, 'x'));
    part.restart();
    part.write("a fresh start");
    part.finish();
    QCOMPARE(part.state(), State::Syncing);
    QVERIFY(synced.wait(waitMs));
    QCOMPARE(failed.count(), 1);
    QVERIFY(synced.at(0).at(0).toByteArray().isEmpty());
    QVERIFY(!synced.at(0).at(1).toString().isEmpty());
    QCOMPARE(part.state(), State::Failed);
    part.commit(false); // refused at once: commit() starts only from Synced
    QCOMPARE(part.state(), State::Failed);
    QVERIFY(!QFileInfo::exists(target));
}

void TestPartFile::smallChunksGoInBatchesAndNoneIsLost()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QByteArray body;
    for (int i = 0; body.size() < 5 * PartFile::batchBytes / 2; ++i)
        body += QByteArray(16'411 + i % 7, char('a' + i % 26)); // odd sizes, as TLS records come
    QCOMPARE(openPart(part, body.size() + 5), qint64(0));
    for (qsizetype at = 0; at < body.size(); at += 16'411)
        part.write(body.mid(at, 16'411));
    QCOMPARE(part.received(), qint64(body.size()));
    // Two whole batches went to the writer; the last half batch waits for more, or for finish().
    QTRY_VERIFY(part.written() >= 2 * PartFile::batchBytes);
    QVERIFY(part.written() <= part.received() - PartFile::batchBytes / 4);
    part.write("tail!");
    QCOMPARE(syncPart(part), sha256(body + "tail!"));
    QCOMPARE(part.written(), part.received());
    QCOMPARE(commitPart(part, false), QString());
    QCOMPARE(readFile(target), body + "tail!");
}

void TestPartFile::restartDropsTheGatheredChunksOfTheOldContent()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 1000), qint64(0));
    part.write("old bytes, still gathered");
    part.restart();
    part.write("new");
    QCOMPARE(syncPart(part), sha256("new"));
    QCOMPARE(commitPart(part, false), QString());
    QCOMPARE(readFile(target), QByteArray("new"));
}

void TestPartFile::aFullDiskFoundByTheLastBatchFailsTheSync()
{
    SmallFileSystem disk(64 * 1024);
    GETBILL_REQUIRE_MOUNT(disk);
    const QString target = disk.filePath(u"report.csv"_s);
    PartFile part(target);
    QCOMPARE(openPart(part, 1024 * 1024), qint64(0));
    QSignalSpy failed(&part, &PartFile::writeFailed);
    // Less than a batch: nothing is written before finish() hands it over, and the failure comes then.
    part.write(QByteArray(128 * 1024, 'x'));
    QString error;
    QCOMPARE(syncPart(part, &error), QByteArray());
    QVERIFY2(error.contains(QString::fromLocal8Bit(std::strerror(ENOSPC))), qPrintable(error));
    QCOMPARE(part.state(), State::Failed);
    part.discard();
    QCOMPARE(entries(disk.path()), QStringList());
}

QTEST_GUILESS_MAIN(TestPartFile)
#include "tst_partfile.moc"
