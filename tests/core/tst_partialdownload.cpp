// Direct tests of PartialDownload, the application's own record of an unfinished download: fromJson accepts only
// what save() writes, records live in a private state folder (here under a temporary XDG_DATA_HOME), and a record
// is never trusted under a name that is not its own.
#include "download/PartialDownload.h"
#include "download/SecureFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <sys/stat.h>

using namespace getbill;
using namespace Qt::Literals::StringLiterals;

namespace {
const QString folder = u"/srv/reports"_s;
const QString target = u"/srv/reports/report.csv"_s;

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

mode_t modeOf(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_mode & 07777 : mode_t(0);
}

/// Exactly what save() writes for a typical record.
QJsonObject validObject()
{
    return QJsonObject{{u"version"_s, 2},
                       {u"target"_s, target},
                       {u"part"_s, QString(target + u".part"_s)},
                       {u"id"_s, u"rep_2024-01:q1.v2"_s},
                       {u"size"_s, 123456.0},
                       {u"etag"_s, u"\"abc-123\""_s},
                       {u"device"_s, 64769.0},
                       {u"inode"_s, 9876543.0}};
}

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

PartialDownload sampleRecord(const QString &targetPath, const QString &id = u"report_1"_s)
{
    PartialDownload r;
    r.target = targetPath;
    r.partPath = targetPath + u".part"_s;
    r.reportId = id;
    r.fileSize = 4242;
    r.etag = u"W/\"weak\""_s;
    r.device = 2049;
    r.inode = 77;
    return r;
}

void compareRecords(const PartialDownload &a, const PartialDownload &b)
{
    QCOMPARE(a.target, b.target);
    QCOMPARE(a.partPath, b.partPath);
    QCOMPARE(a.reportId, b.reportId);
    QCOMPARE(a.fileSize, b.fileSize);
    QCOMPARE(a.etag, b.etag);
    QCOMPARE(a.device, b.device);
    QCOMPARE(a.inode, b.inode);
}

QStringList targetsOf(const QList<PartialDownload> &records)
{
    QStringList targets;
    for (const PartialDownload &r : records)
        targets.append(r.target);
    targets.sort();
    return targets;
}
} // namespace

class TestPartialDownload : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void stateFolderIsPrivateAndOurs();
    void namesArePerCleanTarget();
    void roundTrip();
    void fromJsonAcceptsWhatSaveWrites_data();
    void fromJsonAcceptsWhatSaveWrites();
    void fromJsonRejects_data();
    void fromJsonRejects();
    void fromJsonRejectsWhatIsNotAnObject_data();
    void fromJsonRejectsWhatIsNotAnObject();
    void saveAndLoad();
    void loadRejectsARecordOfAnotherTarget();
    void loadRejectsARecordThatIsNotAPrivateFile();
    void allIgnoresRecordsNotUnderTheirOwnName();
    void forgetRemovesOnlyTheRecord();
    void discardRemovesThePartOnlyWhileItIsOurs_data();
    void discardRemovesThePartOnlyWhileItIsOurs();
    void aStateFolderThatIsALinkHoldsNoRecords();

private:
    std::unique_ptr<QTemporaryDir> m_data;
};

void TestPartialDownload::initTestCase()
{
    // Before anything asks QStandardPaths: the state folder is this test's own.
    m_data = std::make_unique<QTemporaryDir>();
    QVERIFY(m_data->isValid());
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_data->path()));
    QVERIFY(PartialDownload::stateFolder().startsWith(m_data->path() + u'/'));
}

void TestPartialDownload::init()
{
    QDir state(PartialDownload::stateFolder());
    const QStringList names = state.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &name : names)
        QVERIFY(state.remove(name));
}

void TestPartialDownload::stateFolderIsPrivateAndOurs()
{
    const QString state = PartialDownload::stateFolder();
    QCOMPARE(state, m_data->path() + u"/getbill-reports/partials"_s);
    QVERIFY(QFileInfo(state).isDir());
    QCOMPARE(modeOf(state), mode_t(0700));
    // Loosened by someone: tightened again on the next use.
    QVERIFY(::chmod(QFile::encodeName(state).constData(), 0755) == 0);
    QVERIFY(sampleRecord(target).save());
    QCOMPARE(modeOf(state), mode_t(0700));
    QCOMPARE(modeOf(PartialDownload::recordPath(target)), mode_t(0600));
}

void TestPartialDownload::namesArePerCleanTarget()
{
    const QString state = PartialDownload::stateFolder();
    const QString record = PartialDownload::recordPath(target);
    const QString lock = PartialDownload::lockPath(target);
    // In the state folder, never beside the file.
    QCOMPARE(QFileInfo(record).absolutePath(), state);
    QCOMPARE(QFileInfo(lock).absolutePath(), state);
    QVERIFY(record.endsWith(u".json"_s));
    QVERIFY(lock.endsWith(u".lock"_s));
    QVERIFY(!QFileInfo(record).fileName().contains(u"report"_s)); // a hash: names no path
    QVERIFY(record != lock);
    // One per target, whatever the spelling of its path.
    QCOMPARE(PartialDownload::recordPath(u"/srv/reports/./report.csv"_s), record);
    QCOMPARE(PartialDownload::recordPath(u"/srv//reports/report.csv"_s), record);
    QCOMPARE(PartialDownload::lockPath(u"/srv/x/../reports/report.csv"_s), lock);
    QVERIFY(PartialDownload::recordPath(u"/srv/reports/report2.csv"_s) != record);
    QVERIFY(PartialDownload::lockPath(u"/srv/reports/report2.csv"_s) != lock);
    QCOMPARE(PartialDownload::defaultPartPath(target), target + u".part"_s);
}

void TestPartialDownload::roundTrip()
{
    PartialDownload r = sampleRecord(target);
    r.etag = u"\"with \\\"quotes\\\" and ünïcode\""_s;
    r.inode = (quint64(1) << 52) + 3; // large, still exact in a JSON number
    r.device = 0;
    r.fileSize = qint64(1) << 40;
    const std::optional<PartialDownload> back = PartialDownload::fromJson(r.toJson());
    QVERIFY(back);
    compareRecords(*back, r);
    // What save() writes is exactly the fixture's shape: the fixture is a fair base for the rejections below.
    QCOMPARE(QJsonDocument::fromJson(r.toJson()).object().keys(), validObject().keys());
}

void TestPartialDownload::fromJsonAcceptsWhatSaveWrites_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("typical") << QString() << QJsonValue();
    QTest::newRow("no etag") << u"etag"_s << QJsonValue(QString());
    QTest::newRow("etag of 512 characters") << u"etag"_s << QJsonValue(QString(512, u'e'));
    QTest::newRow("empty file") << u"size"_s << QJsonValue(0.0);
    QTest::newRow("largest file") << u"size"_s << QJsonValue(double(qint64(1) << 40));
    QTest::newRow("device 0") << u"device"_s << QJsonValue(0.0);
    QTest::newRow("id of 200 characters") << u"id"_s << QJsonValue(QString(200, u'a'));
    QTest::newRow("unique part name") << u"part"_s << QJsonValue(u"/srv/reports/report.csv.x1y2z3.part"_s);
}

void TestPartialDownload::fromJsonAcceptsWhatSaveWrites()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QJsonObject o = validObject();
    if (!field.isEmpty())
        o.insert(field, value);
    const std::optional<PartialDownload> r = PartialDownload::fromJson(toJson(o));
    QVERIFY(r);
    QCOMPARE(r->target, o.value(u"target"_s).toString());
    QCOMPARE(r->partPath, o.value(u"part"_s).toString());
    QCOMPARE(r->reportId, o.value(u"id"_s).toString());
    QCOMPARE(r->etag, o.value(u"etag"_s).toString());
    QCOMPARE(r->fileSize, qint64(o.value(u"size"_s).toDouble()));
    QCOMPARE(r->device, quint64(o.value(u"device"_s).toDouble()));
    QCOMPARE(r->inode, quint64(o.value(u"inode"_s).toDouble()));
}

void TestPartialDownload::fromJsonRejects_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value"); // Undefined: the field is missing
    const QJsonValue missing(QJsonValue::Undefined);
    for (const QString &field : validObject().keys())
        QTest::addRow("%s missing", qPrintable(field)) << field << missing;
    // Types.
    QTest::newRow("version as text") << u"version"_s << QJsonValue(u"2"_s);
    QTest::newRow("version 1") << u"version"_s << QJsonValue(1);
    QTest::newRow("version 3") << u"version"_s << QJsonValue(3);
    QTest::newRow("version 2.5") << u"version"_s << QJsonValue(2.5);
    QTest::newRow("target as number") << u"target"_s << QJsonValue(5);
    QTest::newRow("target null") << u"target"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("part as bool") << u"part"_s << QJsonValue(true);
    QTest::newRow("id as number") << u"id"_s << QJsonValue(12);
    QTest::newRow("etag as number") << u"etag"_s << QJsonValue(0);
    QTest::newRow("etag null") << u"etag"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("size as text") << u"size"_s << QJsonValue(u"123456"_s);
    QTest::newRow("size as array") << u"size"_s << QJsonValue(QJsonArray{1});
    QTest::newRow("device as text") << u"device"_s << QJsonValue(u"1"_s);
    QTest::newRow("inode as object") << u"inode"_s << QJsonValue(QJsonObject{});
    // Ranges.
    QTest::newRow("size negative") << u"size"_s << QJsonValue(-1);
    QTest::newRow("size over the largest file") << u"size"_s << QJsonValue(double((qint64(1) << 40) + 1));
    QTest::newRow("size not whole") << u"size"_s << QJsonValue(1.5);
    QTest::newRow("device negative") << u"device"_s << QJsonValue(-1);
    QTest::newRow("device not whole") << u"device"_s << QJsonValue(2049.25);
    QTest::newRow("inode 0") << u"inode"_s << QJsonValue(0);
    QTest::newRow("inode negative") << u"inode"_s << QJsonValue(-5);
    QTest::newRow("inode not whole") << u"inode"_s << QJsonValue(77.5);
    QTest::newRow("inode beyond exact numbers") << u"inode"_s << QJsonValue(1e17);
    QTest::newRow("id empty") << u"id"_s << QJsonValue(QString());
    QTest::newRow("id with a separator") << u"id"_s << QJsonValue(u"../etc"_s);
    QTest::newRow("id with a space") << u"id"_s << QJsonValue(u"a b"_s);
    QTest::newRow("id of 201 characters") << u"id"_s << QJsonValue(QString(201, u'a'));
    QTest::newRow("etag of 513 characters") << u"etag"_s << QJsonValue(QString(513, u'e'));
    // Paths.
    QTest::newRow("target relative") << u"target"_s << QJsonValue(u"report.csv"_s);
    QTest::newRow("target empty") << u"target"_s << QJsonValue(QString());
    QTest::newRow("target with ..") << u"target"_s << QJsonValue(u"/srv/x/../reports/report.csv"_s);
    QTest::newRow("target with .") << u"target"_s << QJsonValue(u"/srv/./reports/report.csv"_s);
    QTest::newRow("target with //") << u"target"_s << QJsonValue(u"/srv//reports/report.csv"_s);
    QTest::newRow("target with a NUL") << u"target"_s << QJsonValue(u"/srv/reports/report.csv\0x"_s);
    QTest::newRow("target too long") << u"target"_s << QJsonValue(QString(u"/srv/reports/"_s + QString(4096, u'a')));
    QTest::newRow("part relative") << u"part"_s << QJsonValue(u"report.csv.part"_s);
    QTest::newRow("part unclean") << u"part"_s << QJsonValue(u"/srv/reports/../reports/report.csv.part"_s);
    QTest::newRow("part trailing slash") << u"part"_s << QJsonValue(u"/srv/reports/report.csv.part/"_s);
    QTest::newRow("part in another folder") << u"part"_s << QJsonValue(u"/etc/report.csv.part"_s);
    QTest::newRow("part in a subfolder") << u"part"_s << QJsonValue(u"/srv/reports/sub/report.csv.part"_s);
    QTest::newRow("part in the parent") << u"part"_s << QJsonValue(u"/srv/report.csv.part"_s);
    QTest::newRow("part not .part") << u"part"_s << QJsonValue(u"/srv/reports/report.csv.tmp"_s);
    QTest::newRow("part .PART") << u"part"_s << QJsonValue(u"/srv/reports/report.csv.PART"_s);
    // Strict: not exactly save()'s fields.
    QTest::newRow("an unknown field") << u"extra"_s << QJsonValue(u"x"_s);
}

void TestPartialDownload::fromJsonRejects()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QJsonObject o = validObject();
    QVERIFY(PartialDownload::fromJson(toJson(o))); // the base passes: only the change below can be the cause
    if (value.isUndefined()) {
        // Another field in its place: the count is right, so only the missing field's own check can refuse it.
        o.remove(field);
        o.insert(u"x-"_s + field, 0);
    } else
        o.insert(field, value);
    QVERIFY(!PartialDownload::fromJson(toJson(o)));
}

void TestPartialDownload::fromJsonRejectsWhatIsNotAnObject_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("garbage") << QByteArray("{not json");
    QTest::newRow("array") << QByteArray("[") + toJson(validObject()) + "]";
    QTest::newRow("null") << QByteArray("null");
    QTest::newRow("trailing garbage") << toJson(validObject()) + "x";
    // Valid, but padded past the 64 KiB a record can have.
    QByteArray padded = toJson(validObject());
    padded.insert(1, QByteArray(64 * 1024, ' '));
    QTest::newRow("over 64 KiB") << padded;
    QTest::newRow("part equals target") << toJson(QJsonObject{{u"version"_s, 2},
                                                              {u"target"_s, u"/srv/reports/x.part"_s},
                                                              {u"part"_s, u"/srv/reports/x.part"_s},
                                                              {u"id"_s, u"r1"_s},
                                                              {u"size"_s, 1.0},
                                                              {u"etag"_s, QString()},
                                                              {u"device"_s, 1.0},
                                                              {u"inode"_s, 1.0}});
}

void TestPartialDownload::fromJsonRejectsWhatIsNotAnObject()
{
    QFETCH(QByteArray, json);
    QVERIFY(!PartialDownload::fromJson(json));
    // Still just under the cap: a padded record is accepted, so the cap (not the padding) is what refuses above.
    QByteArray padded = toJson(validObject());
    padded.insert(1, QByteArray(64 * 1024 - padded.size(), ' '));
    QCOMPARE(padded.size(), 64 * 1024);
    QVERIFY(PartialDownload::fromJson(padded));
}

void TestPartialDownload::saveAndLoad()
{
    QTemporaryDir dir;
    const QString t = dir.filePath(u"report.csv"_s);
    QVERIFY(!PartialDownload::load(t));
    const PartialDownload r = sampleRecord(t);
    QVERIFY(r.save());
    QCOMPARE(modeOf(PartialDownload::recordPath(t)), mode_t(0600));
    QCOMPARE(readFile(PartialDownload::recordPath(t)), r.toJson());
    std::optional<PartialDownload> back = PartialDownload::load(t);
    QVERIFY(back);
    compareRecords(*back, r);
    // Another spelling of the same target finds the same record.
    back = PartialDownload::load(dir.path() + u"/./report.csv"_s);
    QVERIFY(back);
    compareRecords(*back, r);
    // Saving again replaces it.
    PartialDownload changed = r;
    changed.etag = u"\"v2\""_s;
    QVERIFY(changed.save());
    QCOMPARE(PartialDownload::load(t)->etag, u"\"v2\""_s);
    QCOMPARE(QDir(PartialDownload::stateFolder()).entryList(QDir::Files | QDir::Hidden).size(), 1);
}

void TestPartialDownload::loadRejectsARecordOfAnotherTarget()
{
    // A well-formed record copied under another target's name is not that target's record.
    const QString a = u"/srv/reports/a.csv"_s;
    const QString b = u"/srv/reports/b.csv"_s;
    QVERIFY(sampleRecord(a).save());
    QVERIFY(QFile::copy(PartialDownload::recordPath(a), PartialDownload::recordPath(b)));
    QVERIFY(PartialDownload::load(a));
    QVERIFY(!PartialDownload::load(b));
}

void TestPartialDownload::loadRejectsARecordThatIsNotAPrivateFile()
{
    QTemporaryDir elsewhere;
    const QString real = elsewhere.filePath(u"record.json"_s);
    QVERIFY(writeFile(real, sampleRecord(target).toJson()));
    QVERIFY(PartialDownload::fromJson(readFile(real)));
    QVERIFY(QFile::link(real, PartialDownload::recordPath(target)));
    QVERIFY(!PartialDownload::load(target));
    QVERIFY(PartialDownload::all().isEmpty());
    // Nor does saving write through the link.
    PartialDownload changed = sampleRecord(target);
    changed.etag = u"\"forged\""_s;
    changed.save();
    QCOMPARE(readFile(real), sampleRecord(target).toJson());
}

void TestPartialDownload::allIgnoresRecordsNotUnderTheirOwnName()
{
    const QString a = u"/srv/reports/a.csv"_s;
    const QString b = u"/srv/reports/b.csv"_s;
    const QString c = u"/srv/reports/c.csv"_s;
    QVERIFY(sampleRecord(a).save());
    QVERIFY(sampleRecord(b, u"report_2"_s).save());
    const QDir state(PartialDownload::stateFolder());
    // a's record under c's key, and under a name that is no key at all.
    QVERIFY(QFile::copy(PartialDownload::recordPath(a), PartialDownload::recordPath(c)));
    QVERIFY(QFile::copy(PartialDownload::recordPath(a), state.filePath(u"renamed.json"_s)));
    // Not records: garbage, another extension, a lock.
    QVERIFY(writeFile(state.filePath(u"0123456789abcdef0123456789abcdef.json"_s), "{garbage"));
    QVERIFY(writeFile(state.filePath(u"notes.txt"_s), sampleRecord(c).toJson()));
    QVERIFY(writeFile(PartialDownload::lockPath(c), "12345\n"));

    const QList<PartialDownload> records = PartialDownload::all();
    QCOMPARE(targetsOf(records), (QStringList{a, b}));
    for (const PartialDownload &r : records)
        compareRecords(r, r.target == a ? sampleRecord(a) : sampleRecord(b, u"report_2"_s));
}

void TestPartialDownload::forgetRemovesOnlyTheRecord()
{
    QTemporaryDir dir;
    const QString t = dir.filePath(u"report.csv"_s);
    const QString part = PartialDownload::defaultPartPath(t);
    QVERIFY(writeFile(part, "half"));
    PartialDownload r = sampleRecord(t);
    const SecureFile::Identity id = SecureFile::identityAt(part);
    r.device = id.device;
    r.inode = id.inode;
    QVERIFY(r.save());
    QVERIFY(sampleRecord(u"/srv/reports/other.csv"_s).save());
    PartialDownload::forget(t);
    QVERIFY(!PartialDownload::load(t));
    QVERIFY(!QFileInfo::exists(PartialDownload::recordPath(t)));
    QCOMPARE(readFile(part), QByteArray("half"));
    QVERIFY(PartialDownload::load(u"/srv/reports/other.csv"_s)); // another target's record stays
    PartialDownload::forget(t);                                  // nothing left to forget: harmless
}

void TestPartialDownload::discardRemovesThePartOnlyWhileItIsOurs_data()
{
    QTest::addColumn<QString>("swap");
    QTest::newRow("still ours") << QString();
    QTest::newRow("replaced by another file") << u"file"_s;
    QTest::newRow("replaced by a symlink") << u"link"_s;
    QTest::newRow("gone") << u"gone"_s;
}

void TestPartialDownload::discardRemovesThePartOnlyWhileItIsOurs()
{
    QFETCH(QString, swap);
    QTemporaryDir dir;
    QTemporaryDir outside;
    const QString t = dir.filePath(u"report.csv"_s);
    const QString part = PartialDownload::defaultPartPath(t);
    const QString secret = outside.filePath(u"secret"_s);
    QVERIFY(writeFile(secret, "outside"));
    QVERIFY(writeFile(part, "half"));
    PartialDownload r = sampleRecord(t);
    const SecureFile::Identity id = SecureFile::identityAt(part);
    r.device = id.device;
    r.inode = id.inode;
    QVERIFY(r.save());
    const QString moved = dir.filePath(u"moved"_s);
    if (!swap.isEmpty())
        QVERIFY(QFile::rename(part, moved));
    if (swap == u"file")
        QVERIFY(writeFile(part, "a stranger's"));
    else if (swap == u"link")
        QVERIFY(QFile::link(secret, part));

    PartialDownload::discard(t);
    QVERIFY(!PartialDownload::load(t));
    if (swap.isEmpty())
        QVERIFY(!QFileInfo::exists(part));
    if (swap == u"file")
        QCOMPARE(readFile(part), QByteArray("a stranger's"));
    if (swap == u"link")
        QCOMPARE(QFileInfo(part).symLinkTarget(), secret);
    QCOMPARE(readFile(secret), QByteArray("outside"));
}

void TestPartialDownload::aStateFolderThatIsALinkHoldsNoRecords()
{
    // makePrivateFolder refuses a state folder that is a link; the records must then not go through it either.
    const QString state = PartialDownload::stateFolder();
    const QString aside = state + u".real"_s;
    QTemporaryDir elsewhere;
    QVERIFY(QFile::rename(state, aside));
    QVERIFY(QFile::link(elsewhere.path(), state));
    const auto restore = qScopeGuard([&] {
        QFile::remove(state);
        QFile::rename(aside, state);
    });
    // A record someone put there is not loaded, nor listed.
    const QString key = QFileInfo(PartialDownload::recordPath(target)).fileName();
    QVERIFY(writeFile(QDir(elsewhere.path()).filePath(key), sampleRecord(target).toJson()));
    QVERIFY(!PartialDownload::load(target));
    QVERIFY(PartialDownload::all().isEmpty());
    // And nothing is saved there.
    QVERIFY(!sampleRecord(u"/srv/reports/new.csv"_s).save());
    QCOMPARE(QDir(elsewhere.path()).entryList(QDir::Files | QDir::Hidden), QStringList{key});
    QVERIFY(QFileInfo(state).isSymLink());
}

QTEST_GUILESS_MAIN(TestPartialDownload)
#include "tst_partialdownload.moc"
