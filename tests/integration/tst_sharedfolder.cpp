// A hostile neighbour in a shared download folder (issue 9): what another local user can plant next to the file
// the CLI is about to write, and what the application does with it. Each case failed on the code before the
// partial file's record moved to the application's own state folder: a planted ".part" symlink with a matching
// ".part.meta" made the CLI append the report to the symlink's target outside the folder, exit 0, and give the
// final name to the symlink.

#include "CliRunner.h"
#include "TestFixture.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"
#include "sandbox/SandboxServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <unistd.h>

using namespace getbill;
using namespace getbill::test;
using sandbox::SandboxServer;

namespace {
const QString reportId = QStringLiteral("report_shared");
const QByteArray victimBytes = "the neighbour's own file\n";

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void write(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

/// The sidecar the old code trusted: planted beside the file with the right id and size.
void plantSidecar(const QString &target, qint64 size)
{
    const QJsonObject meta{{QStringLiteral("version"), 1},
                           {QStringLiteral("id"), reportId},
                           {QStringLiteral("size"), double(size)},
                           {QStringLiteral("etag"), QString()}};
    write(target + QStringLiteral(".part.meta"), QJsonDocument(meta).toJson(QJsonDocument::Compact));
}
} // namespace

class TestSharedFolder : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void plantedPartSymlinkIsNeverWrittenThrough();
    void someoneElsesPartIsLeftAlone();
    void symlinkPlantedAtTheFinalNameIsNotReplaced();
    void recoveryIgnoresWhatTheApplicationDidNotRecord();

private:
    QProcessEnvironment environment() const;
    QString target() const { return QDir(m_folder->path()).filePath(QStringLiteral("shared.csv")); }

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QTemporaryDir> m_folder;
    std::unique_ptr<QTemporaryDir> m_outside;
};

void TestSharedFolder::init()
{
    m_server = std::make_unique<SandboxServer>();
    SandboxServer::Options options;
    options.sampleData = false;
    QVERIFY(m_server->start(options));
    sandbox::SandboxReport r = TestFixture::csvReport(reportId, 400'000);
    r.filename = QStringLiteral("shared.csv");
    m_server->addReport(r);
    m_home = std::make_unique<QTemporaryDir>();
    m_folder = std::make_unique<QTemporaryDir>();
    m_outside = std::make_unique<QTemporaryDir>();
    // A shared folder: everyone may write in it, as in /tmp (sticky) or a team share.
    QVERIFY(QFile::setPermissions(m_folder->path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                        QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                        QFileDevice::WriteOther | QFileDevice::ExeOther));
}

QProcessEnvironment TestSharedFolder::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys())
        if (key.startsWith(QLatin1String("GETBILL_")))
            env.remove(key);
    env.insert(QStringLiteral("HOME"), m_home->path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home->path() + QStringLiteral("/data"));
    env.insert(QStringLiteral("GETBILL_API_URL"), m_server->apiUrl().toString());
    env.insert(QStringLiteral("GETBILL_TOKEN"), SandboxServer::demoToken());
    env.insert(QStringLiteral("GETBILL_TEST_RETRY_BASE_MS"), QStringLiteral("10"));
    return env;
}

void TestSharedFolder::plantedPartSymlinkIsNeverWrittenThrough()
{
    const QString victim = QDir(m_outside->path()).filePath(QStringLiteral("victim.txt"));
    write(victim, victimBytes);
    QVERIFY(QFile::link(victim, target() + QStringLiteral(".part")));
    plantSidecar(target(), 400'000);

    const CliRun r =
        runCli({QStringLiteral("download"), reportId, QStringLiteral("--output-dir"), m_folder->path()}, environment());
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(QString::fromUtf8(r.out), target() + QLatin1Char('\n'));
    // The neighbour's file is as it was; the report is a regular file of ours at the final name.
    QCOMPARE(readAll(victim), victimBytes);
    const QFileInfo saved(target());
    QVERIFY(!saved.isSymLink());
    QVERIFY(saved.isFile());
    QCOMPARE(saved.ownerId(), ::geteuid());
    QCOMPARE(readAll(target()), m_server->contentOf(reportId));
    // The planted names were left alone, not resumed from, not removed.
    QVERIFY(QFileInfo(target() + QStringLiteral(".part")).isSymLink());
    QVERIFY(QFileInfo::exists(target() + QStringLiteral(".part.meta")));
    for (const auto &req : m_server->requests())
        QVERIFY2(!req.headers.contains("range"), "a planted partial file must never be continued");
}

void TestSharedFolder::someoneElsesPartIsLeftAlone()
{
    // A regular file of another user at "<name>.part": never appended to, truncated or removed.
    const QString part = target() + QStringLiteral(".part");
    write(part, m_server->contentOf(reportId).left(1000));
    QVERIFY(::chown(QFile::encodeName(part).constData(), 65534, 65534) == 0); // nobody
    plantSidecar(target(), 400'000);
    const CliRun r =
        runCli({QStringLiteral("download"), reportId, QStringLiteral("--output-dir"), m_folder->path()}, environment());
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(readAll(target()), m_server->contentOf(reportId));
    QCOMPARE(readAll(part), m_server->contentOf(reportId).left(1000));
    QCOMPARE(QFileInfo(part).ownerId(), 65534u);
    // Nothing of ours is left behind: the download used a name of its own and gave it up on commit.
    QStringList entries = QDir(m_folder->path()).entryList(QDir::Files | QDir::Hidden | QDir::System);
    entries.sort();
    QCOMPARE(entries, (QStringList{QStringLiteral("shared.csv"), QStringLiteral("shared.csv.part"),
                                   QStringLiteral("shared.csv.part.meta")}));
}

void TestSharedFolder::symlinkPlantedAtTheFinalNameIsNotReplaced()
{
    // The final name appears as a symlink while the download runs: the commit refuses it (no-clobber link of the
    // open file) and nothing is written through it.
    sandbox::Fault slow;
    slow.host = sandbox::Fault::Host::Download;
    slow.delayMs = 400;
    m_server->addFault(slow);
    const QString victim = QDir(m_outside->path()).filePath(QStringLiteral("victim.txt"));
    write(victim, victimBytes);
    QProcess cli;
    cli.setProcessEnvironment(environment());
    QSignalSpy finished(&cli, &QProcess::finished);
    cli.start(QStringLiteral(GETBILL_CLI),
              {QStringLiteral("download"), reportId, QStringLiteral("--output-dir"), m_folder->path()});
    // Once the request for the file is in, the name is planted.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(target() + QStringLiteral(".part")), 10'000);
    QVERIFY(QFile::link(victim, target()));
    QVERIFY(finished.wait(30'000));
    QCOMPARE(cli.exitCode(), 7);
    QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains(QStringLiteral("already exists")));
    QCOMPARE(readAll(victim), victimBytes);
    QVERIFY(QFileInfo(target()).isSymLink());
    QVERIFY(!QFileInfo::exists(target() + QStringLiteral(".part")));
}

void TestSharedFolder::recoveryIgnoresWhatTheApplicationDidNotRecord()
{
    // What the window does at start-up: only its own records are leftovers. A planted .part + sidecar is not.
    qputenv("XDG_DATA_HOME", (m_home->path() + QStringLiteral("/data")).toUtf8());
    const QString victim = QDir(m_outside->path()).filePath(QStringLiteral("victim.txt"));
    write(victim, victimBytes);
    QVERIFY(QFile::link(victim, target() + QStringLiteral(".part")));
    plantSidecar(target(), 400'000);
    TestFixture f;
    DownloadController controller(&f.api(), nullptr);
    QCOMPARE(controller.recoverLeftovers(), QList<int>());
    QCOMPARE(controller.recoverLeftovers(m_folder->path()), QList<int>());
    QCOMPARE(controller.queue()->rowCount(), 0);
    QCOMPARE(readAll(victim), victimBytes);
    QVERIFY(!QFileInfo::exists(target()));
}

QTEST_GUILESS_MAIN(TestSharedFolder)
#include "tst_sharedfolder.moc"
