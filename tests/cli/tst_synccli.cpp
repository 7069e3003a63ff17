// End-to-end tests of `getbill-reports-cli sync`: the real executable in child processes against a SandboxServer in
// this test process, with real files. Long waits never happen in real time: polling is shortened with
// GETBILL_TEST_POLL_BASE_MS, and the rate-limit waits read their time from GETBILL_TEST_CLOCK_FILE, which the test
// moves forward together with the sandbox's SandboxClock.
#include "TestFixture.h"
#include "sandbox/SandboxClock.h"
#include "sandbox/SandboxServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSaveFile>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <sys/stat.h>

using getbill::sandbox::Fault;
using getbill::sandbox::RecordedRequest;
using getbill::sandbox::SandboxClock;
using getbill::sandbox::SandboxOptions;
using getbill::sandbox::SandboxReport;
using getbill::sandbox::SandboxServer;

namespace {

constexpr int exitOk = 0;
constexpr int exitUsage = 2;
constexpr int exitNotAuthenticated = 3;
constexpr int exitIntegrity = 6;

struct Result
{
    bool finished = false;
    int code = -1;
    QByteArray out;
    QByteArray err;

    QString errText() const { return QString::fromUtf8(err); }
    QStringList outLines() const { return QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
    QByteArray describe(int expected) const
    {
        return "exit " + QByteArray::number(code) + " (expected " + QByteArray::number(expected) + ")\n--- stdout:\n" +
               out.left(3000) + "\n--- stderr:\n" + err.left(3000);
    }
};

#define EXPECT_EXIT(result, expected)                                                                                  \
    do {                                                                                                               \
        QVERIFY2((result).finished, "the CLI did not finish in time");                                                 \
        QVERIFY2((result).code == (expected), (result).describe(expected).constData());                                \
    } while (false)

#define EXPECT_ERR_CONTAINS(result, text)                                                                              \
    QVERIFY2((result).errText().contains(text),                                                                        \
             QByteArray("stderr lacks \"" + QString(text).toUtf8() + "\":\n" + (result).err).constData())

QString binaryPath()
{
    return QDir(qEnvironmentVariable("GETBILL_TEST_BINARY_DIR"))
        .filePath(QStringLiteral("app/cli/getbill-reports-cli"));
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes, QFile::Permissions permissions = {})
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    return permissions == QFile::Permissions() || file.setPermissions(permissions);
}

using getbill::test::TestFixture;

int countRequests(const SandboxServer &server, const QString &pathContains, Fault::Host host = Fault::Host::Api)
{
    int n = 0;
    const QList<RecordedRequest> all = server.requests();
    for (const RecordedRequest &r : all)
        if (r.host == host && r.pathAndQuery.contains(pathContains))
            ++n;
    return n;
}

/// Only GET /reports?...: a run that found nothing new.
bool onlyListRequests(const SandboxServer &server)
{
    const QList<RecordedRequest> all = server.requests();
    for (const RecordedRequest &r : all)
        if (r.host != Fault::Host::Api || !r.pathAndQuery.startsWith(QLatin1String("/external-api/v1/reports?")))
            return false;
    return !all.isEmpty();
}

SandboxReport makeReport(const QString &id, const QString &type = QStringLiteral("financial"),
                         const QString &status = QStringLiteral("completed"))
{
    SandboxReport r;
    r.id = id;
    r.type = type;
    r.title = QStringLiteral("Report ") + id;
    r.filename = id + QStringLiteral(".csv");
    r.mimeType = QStringLiteral("text/csv");
    r.status = status;
    r.downloadAvailable = status == QLatin1String("completed");
    r.periodFrom = QDate(2024, 1, 1);
    r.periodTo = QDate(2024, 1, 31);
    r.createdAt = QDateTime(QDate(2024, 2, 1), QTime(9, 30), Qt::UTC);
    r.generatedAt = r.createdAt.addSecs(60);
    r.content = "date,amount\n2024-01-01,10.00\n" + id.toUtf8() + '\n';
    return r;
}

} // namespace

class tst_SyncCli : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<SandboxServer> m_server;
    SandboxClock m_clock;

    QString home(const QString &name) const { return QDir(m_home->path()).filePath(name); }
    QString out() const { return home(QStringLiteral("Reports")); }
    QString historyPath() const { return home(QStringLiteral("xdg_data_home/getbill-reports/download-history.json")); }

    QProcessEnvironment baseEnvironment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QStringList keys = env.keys();
        for (const QString &key : keys)
            if (key.startsWith(QLatin1String("GETBILL_")) || key.startsWith(QLatin1String("LC_")) ||
                key == QLatin1String("LANG") || key == QLatin1String("LANGUAGE") ||
                key == QLatin1String("CREDENTIALS_DIRECTORY"))
                env.remove(key);
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        for (const char *name : {"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"})
            env.insert(QString::fromLatin1(name), home(QString::fromLatin1(name).toLower()));
        env.insert(QStringLiteral("GETBILL_TEST_RETRY_BASE_MS"), QStringLiteral("10"));
        env.insert(QStringLiteral("GETBILL_TEST_TIMEOUT_MS"), QStringLiteral("3000"));
        env.insert(QStringLiteral("GETBILL_TEST_POLL_BASE_MS"), QStringLiteral("10"));
        env.insert(QStringLiteral("GETBILL_API_URL"), m_server->apiUrl().toString());
        return env;
    }

    QProcessEnvironment tokenEnvironment() const
    {
        QProcessEnvironment env = baseEnvironment();
        env.insert(QStringLiteral("GETBILL_TOKEN"), SandboxServer::demoToken());
        return env;
    }

    /// The child's waits follow this file; the sandbox follows m_clock. Both move together in advance().
    QString clockFile() const { return home(QStringLiteral("clock")); }
    void writeClock()
    {
        QSaveFile file(clockFile());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::number(m_clock.msecsSinceEpoch()));
        QVERIFY(file.commit());
    }
    void advance(std::chrono::milliseconds by)
    {
        m_clock.advance(by);
        writeClock();
    }

    void launch(QProcess &process, const QStringList &arguments, const QProcessEnvironment &environment)
    {
        process.setProgram(binaryPath());
        process.setArguments(arguments);
        process.setProcessEnvironment(environment);
        process.setStandardInputFile(QProcess::nullDevice());
        process.setWorkingDirectory(m_home->path());
        process.start();
    }

    static Result collect(QProcess &process, QSignalSpy &finished, int timeoutMs = 60'000)
    {
        // Never waitForFinished(): it would block the in-process sandbox the child talks to.
        if (finished.isEmpty())
            finished.wait(timeoutMs);
        Result r;
        r.finished = !finished.isEmpty();
        if (!r.finished) {
            process.kill();
            process.waitForFinished(5000);
        }
        r.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        r.out = process.readAllStandardOutput();
        r.err = process.readAllStandardError();
        return r;
    }

    Result run(const QStringList &arguments, const QProcessEnvironment &environment)
    {
        QProcess process;
        QSignalSpy finished(&process, &QProcess::finished);
        launch(process, arguments, environment);
        return collect(process, finished);
    }

    Result sync(const QStringList &more = {}, const QProcessEnvironment &environment = {})
    {
        return run(QStringList{QStringLiteral("sync"), QStringLiteral("--output-dir"), out()} + more,
                   environment.isEmpty() ? tokenEnvironment() : environment);
    }

    QString outPath(const QString &relative) const { return QDir(out()).filePath(relative); }

    QJsonArray historyRecords() const
    {
        return QJsonDocument::fromJson(readFile(historyPath())).object().value(QLatin1String("downloads")).toArray();
    }

private slots:
    void initTestCase() { QVERIFY2(QFileInfo(binaryPath()).isExecutable(), qPrintable(binaryPath())); }

    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
        m_server = std::make_unique<SandboxServer>();
        QVERIFY(m_server->start(SandboxOptions{false, false}));
        m_clock.set(SandboxClock::DefaultStartMsecs);
        m_server->setClock(m_clock.function());
    }

    void cleanup() { m_server.reset(); }

    // ---- what is fetched, and what is not fetched again ------------------------------------------------------------
    void fetchesOnceAndRespectsTheUsersChanges()
    {
        for (const QString &id :
             {QStringLiteral("report_f1"), QStringLiteral("report_f2"), QStringLiteral("report_f3")})
            m_server->addReport(makeReport(id));
        m_server->addReport(
            makeReport(QStringLiteral("report_f4"), QStringLiteral("financial"), QStringLiteral("processing")));
        m_server->addReport(makeReport(QStringLiteral("report_c1"), QStringLiteral("collection")));

        const Result first = sync({QStringLiteral("--type"), QStringLiteral("financial")});
        EXPECT_EXIT(first, exitOk);
        QStringList printed = first.outLines();
        printed.sort();
        QCOMPARE(printed,
                 (QStringList{outPath(QStringLiteral("report_f1.csv")), outPath(QStringLiteral("report_f2.csv")),
                              outPath(QStringLiteral("report_f3.csv"))}));
        QCOMPARE(TestFixture::filesUnder(out()),
                 (QStringList{QStringLiteral("report_f1.csv"), QStringLiteral("report_f2.csv"),
                              QStringLiteral("report_f3.csv")}));
        QCOMPARE(readFile(outPath(QStringLiteral("report_f1.csv"))), m_server->contentOf(QStringLiteral("report_f1")));
        QCOMPARE(countRequests(*m_server, QStringLiteral("type=financial")), 1);
        EXPECT_ERR_CONTAINS(first, QStringLiteral("1 report is still being generated"));

        // Nothing new: nothing printed, and not one download request.
        m_server->clearRequests();
        const Result second = sync({QStringLiteral("--type"), QStringLiteral("financial")});
        EXPECT_EXIT(second, exitOk);
        QVERIFY(second.out.isEmpty());
        QVERIFY(onlyListRequests(*m_server));
        QCOMPARE(countRequests(*m_server, QStringLiteral("/reports/download/")), 0);

        // The user changes one file and deletes another: neither is touched or fetched again.
        QVERIFY(writeFile(outPath(QStringLiteral("report_f1.csv")), "my own notes\n"));
        QVERIFY(QFile::remove(outPath(QStringLiteral("report_f2.csv"))));
        m_server->clearRequests();
        const Result third = sync({QStringLiteral("--type"), QStringLiteral("financial")});
        EXPECT_EXIT(third, exitOk);
        QVERIFY(third.out.isEmpty());
        QVERIFY(onlyListRequests(*m_server));
        QCOMPARE(TestFixture::filesUnder(out()),
                 (QStringList{QStringLiteral("report_f1.csv"), QStringLiteral("report_f3.csv")}));
        QCOMPARE(readFile(outPath(QStringLiteral("report_f1.csv"))), QByteArray("my own notes\n"));

        // --refetch-missing brings the deleted one back where it was, and no "(1)" copy of the changed one.
        const Result fourth =
            sync({QStringLiteral("--type"), QStringLiteral("financial"), QStringLiteral("--refetch-missing")});
        EXPECT_EXIT(fourth, exitOk);
        QCOMPARE(fourth.outLines(), QStringList{outPath(QStringLiteral("report_f2.csv"))});
        QCOMPARE(TestFixture::filesUnder(out()),
                 (QStringList{QStringLiteral("report_f1.csv"), QStringLiteral("report_f2.csv"),
                              QStringLiteral("report_f3.csv")}));
        QCOMPARE(readFile(outPath(QStringLiteral("report_f2.csv"))), m_server->contentOf(QStringLiteral("report_f2")));
        QCOMPARE(readFile(outPath(QStringLiteral("report_f1.csv"))), QByteArray("my own notes\n"));
        QCOMPARE(countRequests(*m_server, QStringLiteral("/reports/download/")), 1);
    }

    void aNewReportNeverOverwritesAUsersFile()
    {
        m_server->addReport(makeReport(QStringLiteral("report_a")));
        QVERIFY(QDir().mkpath(out()));
        QVERIFY(writeFile(outPath(QStringLiteral("report_a.csv")), "someone else's file\n"));
        const Result r = sync();
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.outLines(), QStringList{outPath(QStringLiteral("report_a (1).csv"))});
        QCOMPARE(readFile(outPath(QStringLiteral("report_a.csv"))), QByteArray("someone else's file\n"));
    }

    void aDamagedHistoryIsSaidAndSetAside()
    {
        m_server->addReport(makeReport(QStringLiteral("report_a")));
        QVERIFY(QDir().mkpath(QFileInfo(historyPath()).absolutePath()));
        QVERIFY(writeFile(historyPath(), "this is not json"));
        const Result r = sync();
        EXPECT_EXIT(r, exitOk);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("could not be read (not a history file); a new one was started."));
        QCOMPARE(r.outLines(), QStringList{outPath(QStringLiteral("report_a.csv"))});
        QCOMPARE(readFile(historyPath() + QStringLiteral(".bad")), QByteArray("this is not json"));
        QCOMPARE(historyRecords().size(), 1);
    }

    void dryRunWritesNothingNotEvenTheHistory()
    {
        m_server->addReport(makeReport(QStringLiteral("report_a")));
        m_server->addReport(makeReport(QStringLiteral("report_b"), QStringLiteral("collection")));
        const Result r =
            sync({QStringLiteral("--dry-run"), QStringLiteral("--template"), QStringLiteral("{type}/{filename}")});
        EXPECT_EXIT(r, exitOk);
        QStringList printed = r.outLines();
        printed.sort();
        QCOMPARE(printed, (QStringList{outPath(QStringLiteral("collection/report_b.csv")),
                                       outPath(QStringLiteral("financial/report_a.csv"))}));
        QVERIFY(!QFileInfo::exists(out()));
        QVERIFY(!QFileInfo::exists(historyPath()));
        QCOMPARE(countRequests(*m_server, QStringLiteral("/reports/download/")), 0);
        // And the real run afterwards saves exactly what the dry run said.
        const Result real = sync({QStringLiteral("--template"), QStringLiteral("{type}/{filename}")});
        EXPECT_EXIT(real, exitOk);
        QStringList saved = real.outLines();
        saved.sort();
        QCOMPARE(saved, printed);
    }

    void hostileTitlesStayInsideTheFolder()
    {
        const QStringList titles{QStringLiteral("../../escaped"), QStringLiteral("a/b/c"), QString(),
                                 QStringLiteral("CON"),           QString(300, u'x'),      QStringLiteral(".."),
                                 QStringLiteral("\u202Egpj.exe")};
        for (int i = 0; i < titles.size(); ++i) {
            SandboxReport r = makeReport(QStringLiteral("report_%1").arg(i));
            r.title = titles.at(i);
            r.filename = titles.at(i); // hostile too
            m_server->addReport(r);
        }
        const QStringList before = TestFixture::filesUnder(m_home->path());
        const Result r = sync({QStringLiteral("--template"), QStringLiteral("{title}/{title}")});
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.outLines().size(), titles.size());
        const QString root = QFileInfo(out()).canonicalFilePath() + QLatin1Char('/');
        for (const QString &line : r.outLines()) {
            QVERIFY2(QFileInfo(line).canonicalFilePath().startsWith(root), qPrintable(line));
            const QString relative = QDir(out()).relativeFilePath(line);
            QCOMPARE(relative.count(u'/'), 1);
            for (const QString &part : relative.split(u'/')) {
                QVERIFY2(!part.isEmpty() && part != QLatin1String("..") && !part.startsWith(u'.'), qPrintable(line));
                QVERIFY2(part.toUtf8().size() <= 200, qPrintable(line));
                QVERIFY2(part.compare(QLatin1String("CON"), Qt::CaseInsensitive) != 0, qPrintable(line));
            }
            QVERIFY2(line.endsWith(QLatin1String(".csv")), qPrintable(line));
        }
        // Nothing appeared anywhere else in the home folder but the history and the reports.
        for (const QString &file : TestFixture::filesUnder(m_home->path()))
            QVERIFY2(before.contains(file) || file.startsWith(QLatin1String("Reports/")) ||
                         file.startsWith(QLatin1String("xdg_data_home/")),
                     qPrintable(file));
        QCOMPARE(TestFixture::filesUnder(out()).size(), titles.size());
    }

    void since()
    {
        for (const auto &[id, from] : {std::pair{QStringLiteral("report_dec"), QDate(2023, 12, 1)},
                                       std::pair{QStringLiteral("report_jan"), QDate(2024, 1, 1)},
                                       std::pair{QStringLiteral("report_feb"), QDate(2024, 2, 1)},
                                       std::pair{QStringLiteral("report_none"), QDate()}}) {
            SandboxReport r = makeReport(id);
            r.periodFrom = from;
            m_server->addReport(r);
        }
        const Result r = sync({QStringLiteral("--since"), QStringLiteral("2024-01-01")});
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(TestFixture::filesUnder(out()),
                 (QStringList{QStringLiteral("report_feb.csv"), QStringLiteral("report_jan.csv")}));
    }

    void severalTypesAreFilteredHere()
    {
        m_server->addReport(makeReport(QStringLiteral("report_f"), QStringLiteral("financial")));
        m_server->addReport(makeReport(QStringLiteral("report_c"), QStringLiteral("collection")));
        m_server->addReport(makeReport(QStringLiteral("report_a"), QStringLiteral("aging")));
        const Result r = sync({QStringLiteral("--type"), QStringLiteral("financial"), QStringLiteral("--type=aging")});
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(TestFixture::filesUnder(out()),
                 (QStringList{QStringLiteral("report_a.csv"), QStringLiteral("report_f.csv")}));
        QCOMPARE(countRequests(*m_server, QStringLiteral("type=")), 0); // all pages, matched here
    }

    void aFailedReportDoesNotStopTheOthers()
    {
        m_server->addReport(makeReport(QStringLiteral("report_a")));
        SandboxReport liar = makeReport(QStringLiteral("report_b"));
        liar.advertisedSize = 5; // the download host sends more than announced: integrity
        m_server->addReport(liar);
        m_server->addReport(makeReport(QStringLiteral("report_c")));
        const Result r = sync();
        EXPECT_EXIT(r, exitIntegrity);
        QStringList printed = r.outLines();
        printed.sort();
        QCOMPARE(printed,
                 (QStringList{outPath(QStringLiteral("report_a.csv")), outPath(QStringLiteral("report_c.csv"))}));
        EXPECT_ERR_CONTAINS(r, QStringLiteral("report_b"));
        QCOMPARE(TestFixture::filesUnder(out()),
                 (QStringList{QStringLiteral("report_a.csv"), QStringLiteral("report_c.csv")}));
    }

    // ---- usage ------------------------------------------------------------------------------------------------------
    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString dir = QStringLiteral("/tmp/getbill-sync-usage");
        const auto row = [&](const char *name, QStringList arguments, const char *message) {
            QTest::newRow(name) << arguments << QString::fromUtf8(message);
        };
        row("no output dir", {QStringLiteral("sync")}, "sync needs --output-dir DIR");
        row("unknown field",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--template"),
             QStringLiteral("{type}/{titel}")},
            "--template: unknown field {titel} in the template");
        row("bad date format",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir,
             QStringLiteral("--template={period_from:QQ}")},
            "bad date format \"QQ\" for {period_from}");
        row("unbalanced",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--template"),
             QStringLiteral("{title")},
            "unbalanced braces");
        row("empty template",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--template=")},
            "the template is empty");
        row("climbing template",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--template"),
             QStringLiteral("../{filename}")},
            "cannot use \"..\" as a folder");
        row("since",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--since"),
             QStringLiteral("2024-13-01")},
            "--since needs a date as YYYY-MM-DD");
        row("since format",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--since=1/2/2024")},
            "--since needs a date as YYYY-MM-DD");
        row("wait unit",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--wait-pending=5x")},
            "--wait-pending takes a duration such as 90s, 15m or 2h");
        row("wait zero",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--wait-pending=0m")},
            "--wait-pending takes a duration");
        row("wait too long",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--wait-pending=200h")},
            "at most 7 days");
        row("wait as a word",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--wait-pending"),
             QStringLiteral("15m")},
            "a wait is written --wait-pending=15m");
        row("argument", {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("report_a")},
            "sync takes no argument (got \"report_a\")");
        row("reserve",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--reserve"),
             QStringLiteral("-1")},
            "--reserve must be a number of requests from 0 to 100000");
        row("reserve not a number",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--reserve=many")},
            "--reserve must be a number of requests from 0 to 100000");
        row("jobs", {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--jobs=0")},
            "--jobs must be a number from 1 to 8");
        row("overwrite is download's",
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--overwrite")},
            "unknown option --overwrite");
        row("empty type", {QStringLiteral("sync"), QStringLiteral("--output-dir"), dir, QStringLiteral("--type=")},
            "option --type needs a value");
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result r = run(arguments, tokenEnvironment());
        EXPECT_EXIT(r, exitUsage);
        EXPECT_ERR_CONTAINS(r, message);
        QVERIFY(r.out.isEmpty());
        QVERIFY(m_server->requests().isEmpty());
    }

    void helpNamesSync()
    {
        const Result r = run({QStringLiteral("--help")}, baseEnvironment());
        EXPECT_EXIT(r, exitOk);
        for (const char *word :
             {"sync --output-dir DIR", "--wait-pending[=DURATION]", "--refetch-missing", "--reserve N",
              "{period_from:yyyy-MM}", "GETBILL_CLIENT_SECRET_FILE", "CREDENTIALS_DIRECTORY"})
            QVERIFY2(r.out.contains(word), word);
    }

    // ---- waiting ----------------------------------------------------------------------------------------------------
    void waitPendingSavesAReportThatCompletes()
    {
        SandboxReport pending =
            makeReport(QStringLiteral("report_p"), QStringLiteral("financial"), QStringLiteral("pending"));
        pending.completesAfterPolls = 3;
        m_server->addReport(pending);
        m_server->addReport(makeReport(QStringLiteral("report_ready")));
        const Result r = sync({QStringLiteral("--wait-pending=15m")});
        EXPECT_EXIT(r, exitOk);
        QStringList printed = r.outLines();
        printed.sort();
        QCOMPARE(printed,
                 (QStringList{outPath(QStringLiteral("report_p.csv")), outPath(QStringLiteral("report_ready.csv"))}));
        QCOMPARE(countRequests(*m_server, QStringLiteral("/reports/report_p")), 3);
        QVERIFY(!r.err.contains("still being generated"));
    }

    void waitPendingEndsAtItsDuration()
    {
        // Polls 10, 20, 40, 80 ms apart (the test knob), then the wait of 1 s ends: an honest message, exit 0.
        m_server->addReport(
            makeReport(QStringLiteral("report_p"), QStringLiteral("financial"), QStringLiteral("processing")));
        const Result r = sync({QStringLiteral("--wait-pending=1s")});
        EXPECT_EXIT(r, exitOk);
        QVERIFY(r.out.isEmpty());
        EXPECT_ERR_CONTAINS(r, QStringLiteral("The wait ended with reports still being generated: report_p"));
        const int polls = countRequests(*m_server, QStringLiteral("/reports/report_p"));
        QVERIFY2(polls >= 4 && polls <= 10, QByteArray::number(polls).constData());
    }

    void a429InTheMiddleWaitsAndFinishes()
    {
        for (int i = 0; i < 4; ++i)
            m_server->addReport(makeReport(QStringLiteral("report_%1").arg(i)));
        // The user's other work used the hour up: GetBill asks to wait 30 minutes, far beyond what a retry waits.
        const qint64 reset = m_clock.secsSinceEpoch() + 1800;
        Fault f;
        f.pathContains = QStringLiteral("/reports/download/");
        f.status = 429;
        f.body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
                     "details":{"retry_after":1800,"limit":1000}})";
        f.headers = {{"X-RateLimit-Limit", "1000"},
                     {"X-RateLimit-Remaining", "0"},
                     {"X-RateLimit-Reset", QByteArray::number(reset)}};
        m_server->addFault(f);
        writeClock();
        QProcessEnvironment env = tokenEnvironment();
        env.insert(QStringLiteral("GETBILL_TEST_CLOCK_FILE"), clockFile());
        QProcess process;
        QSignalSpy finished(&process, &QProcess::finished);
        QByteArray err;
        connect(&process, &QProcess::readyReadStandardError, this, [&] { err += process.readAllStandardError(); });
        launch(process, {QStringLiteral("sync"), QStringLiteral("--output-dir"), out(), QStringLiteral("--jobs=1")},
               env);
        QTRY_VERIFY_WITH_TIMEOUT(err.contains("Waiting until"), 30'000);
        QTest::qWait(100);
        QVERIFY(finished.isEmpty()); // it waits, and does not fail
        const int beforeReset = countRequests(*m_server, QStringLiteral("/reports/"));
        QTest::qWait(100);
        QCOMPARE(countRequests(*m_server, QStringLiteral("/reports/")), beforeReset); // nothing sent while waiting
        advance(std::chrono::seconds(1800));
        Result r = collect(process, finished);
        r.err = err + r.err;
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.outLines().size(), 4);
        QCOMPARE(r.err.count("Waiting until"), 1);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("for GetBill's rate limit: it is used up for now."));
        QVERIFY(!r.err.contains("Trying again"));
    }

    void rateLimitReserveIsKeptForTheUser()
    {
        // 500 reports over 5 pages, 150 of them completed and new; 150 requests an hour, 50 kept (the default).
        m_server->setRateLimit(150, 3600);
        for (int i = 0; i < 500; ++i)
            m_server->addReport(makeReport(QStringLiteral("report_%1").arg(i, 3, 10, QLatin1Char('0')),
                                           QStringLiteral("financial"),
                                           i % 10 < 3 ? QStringLiteral("completed") : QStringLiteral("failed")));
        // The sandbox's window does not move until the test moves it: the n-th API request of a window was sent
        // while GetBill's Remaining was 150 - (n - 1).
        int inWindow = 0;
        int sentAtOrBelowReserve = 0;
        connect(m_server.get(), &SandboxServer::requestReceived, this, [&](const RecordedRequest &request) {
            if (request.host != Fault::Host::Api)
                return;
            if (150 - inWindow <= 50)
                ++sentAtOrBelowReserve;
            ++inWindow;
        });
        writeClock();
        QProcessEnvironment env = tokenEnvironment();
        env.insert(QStringLiteral("GETBILL_TEST_CLOCK_FILE"), clockFile());
        QProcess process;
        QSignalSpy finished(&process, &QProcess::finished);
        QByteArray err;
        connect(&process, &QProcess::readyReadStandardError, this, [&] { err += process.readAllStandardError(); });
        launch(process, {QStringLiteral("sync"), QStringLiteral("--output-dir"), out()}, env);
        QTRY_VERIFY_WITH_TIMEOUT(err.contains("Waiting until"), 60'000);
        // The requests let go before the wait may still be on their way; none follows them.
        QTRY_COMPARE_WITH_TIMEOUT(inWindow, 100, 10'000);
        QTest::qWait(200);
        QVERIFY(finished.isEmpty());
        QCOMPARE(inWindow, 100); // 5 pages and 95 tickets; the 101st would have gone at Remaining 50
        const QString expected =
            QStringLiteral("Waiting until %1 for GetBill's rate limit: 50 requests kept for your other work.")
                .arg(QLocale().toString(m_clock.now().addSecs(3600).toLocalTime().time(), QLocale::ShortFormat));
        QVERIFY2(QString::fromUtf8(err).contains(expected), err.constData());
        inWindow = 0;
        advance(std::chrono::seconds(3600));
        Result r = collect(process, finished, 120'000);
        r.err = err + r.err;
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.outLines().size(), 150);
        QCOMPARE(TestFixture::filesUnder(out()).size(), 150);
        QCOMPARE(sentAtOrBelowReserve, 0);
        QCOMPARE(r.err.count("Waiting until"), 1);
        QCOMPARE(countRequests(*m_server, QStringLiteral("/reports?")), 5);
    }

    void aReserveTheLimitCannotLeaveIsAUsageError()
    {
        m_server->setRateLimit(150, 3600);
        m_server->addReport(makeReport(QStringLiteral("report_a")));
        const Result r = sync({QStringLiteral("--reserve"), QStringLiteral("150")});
        EXPECT_EXIT(r, exitUsage);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("A reserve of 150 requests cannot be kept: GetBill allows 150 requests"));
        QCOMPARE(countRequests(*m_server, QStringLiteral("/reports")), 1); // the first one, that told the limit
        QVERIFY(r.out.isEmpty());
    }

    // ---- several writers --------------------------------------------------------------------------------------------
    void twoSyncsAtOnceLoseNothingAndCopyNothing()
    {
        constexpr int reports = 30;
        for (int i = 0; i < reports; ++i)
            m_server->addReport(makeReport(QStringLiteral("report_%1").arg(i, 2, 10, QLatin1Char('0'))));
        // Slow answers, so that the two runs overlap for most of their reports.
        Fault slow;
        slow.host = Fault::Host::Download;
        slow.times = -1;
        slow.delayMs = 30;
        m_server->addFault(slow);
        QProcess a;
        QProcess b;
        QSignalSpy aDone(&a, &QProcess::finished);
        QSignalSpy bDone(&b, &QProcess::finished);
        const QStringList arguments{QStringLiteral("sync"), QStringLiteral("--output-dir"), out(),
                                    QStringLiteral("--jobs=3")};
        launch(a, arguments, tokenEnvironment());
        launch(b, arguments, tokenEnvironment());
        const Result ra = collect(a, aDone);
        const Result rb = collect(b, bDone);
        EXPECT_EXIT(ra, exitOk);
        EXPECT_EXIT(rb, exitOk);
        QStringList printed = ra.outLines() + rb.outLines();
        printed.sort();
        QCOMPARE(printed.size(), reports); // each file once, by one of them
        QCOMPARE(QSet<QString>(printed.cbegin(), printed.cend()).size(), reports);
        const QStringList files = TestFixture::filesUnder(out());
        QCOMPARE(files.size(), reports);
        for (const QString &file : files)
            QVERIFY2(!file.contains(QLatin1String(" (1)")) && !file.endsWith(QLatin1String(".part")), qPrintable(file));
        QCOMPARE(countRequests(*m_server, QStringLiteral("/reports/download/")), reports);
        // Every report recorded exactly once: no writer's record was lost, none was made twice.
        const QJsonArray records = historyRecords();
        QSet<QString> ids;
        for (const QJsonValue &v : records)
            ids.insert(v.toObject().value(QLatin1String("id")).toString());
        QCOMPARE(ids.size(), reports);
        QCOMPARE(records.size(), reports);
        // And a third run finds everything.
        m_server->clearFaults();
        m_server->clearRequests();
        const Result third = sync();
        EXPECT_EXIT(third, exitOk);
        QVERIFY(third.out.isEmpty());
        QVERIFY(onlyListRequests(*m_server));
    }

    // ---- unattended credentials -------------------------------------------------------------------------------------
    QProcessEnvironment cronEnvironment() const
    {
        QProcessEnvironment env = baseEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent"));
        env.remove(QStringLiteral("GETBILL_TOKEN"));
        return env;
    }

    void cronRunWithAClientSecretFile()
    {
        const QString secret = QStringLiteral("s3cr3t-value+/=");
        m_server->addClient(QStringLiteral("client_cron"), secret);
        m_server->addReport(makeReport(QStringLiteral("report_a")));
        const QString file = home(QStringLiteral("client-secret"));
        QVERIFY(writeFile(file, secret.toUtf8() + '\n', QFile::ReadOwner | QFile::WriteOwner));
        QProcessEnvironment env = cronEnvironment();
        env.insert(QStringLiteral("GETBILL_CLIENT_ID"), QStringLiteral("client_cron"));
        env.insert(QStringLiteral("GETBILL_CLIENT_SECRET_FILE"), file);
        const Result r = sync({}, env);
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.outLines(), QStringList{outPath(QStringLiteral("report_a.csv"))});
        QCOMPARE(m_server->tokenRequestCount(), 1);
        QVERIFY(!r.out.contains(secret.toUtf8()) && !r.err.contains(secret.toUtf8()));
        // Every command takes it, not only sync.
        const Result list = run({QStringLiteral("list")}, env);
        EXPECT_EXIT(list, exitOk);
        QVERIFY(list.out.contains("report_a"));
    }

    void secretFileOthersCanReadIsRefused()
    {
        const QString secret = QStringLiteral("s3cr3t-value");
        m_server->addClient(QStringLiteral("client_cron"), secret);
        const QString file = home(QStringLiteral("client-secret"));
        QVERIFY(writeFile(file, secret.toUtf8(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        const QString link = home(QStringLiteral("secret-link"));
        QVERIFY(writeFile(home(QStringLiteral("private")), secret.toUtf8(), QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(QFile::link(home(QStringLiteral("private")), link));
        const struct
        {
            QString id;
            QString file;
            const char *message;
        } cases[] = {
            {QStringLiteral("client_cron"), file, "can be read or changed by other users (mode 0604)"},
            {QStringLiteral("client_cron"), link, "is a symbolic link"},
            {QStringLiteral("client_cron"), home(QStringLiteral("missing")), "Cannot read"},
            {QStringLiteral("client_cron"), QString(),
             "GETBILL_CLIENT_ID is set but GETBILL_CLIENT_SECRET_FILE is not"},
            {QString(), file, "GETBILL_CLIENT_SECRET_FILE is set but GETBILL_CLIENT_ID is not"},
        };
        for (const auto &c : cases) {
            QProcessEnvironment env = cronEnvironment();
            if (!c.id.isEmpty())
                env.insert(QStringLiteral("GETBILL_CLIENT_ID"), c.id);
            if (!c.file.isEmpty())
                env.insert(QStringLiteral("GETBILL_CLIENT_SECRET_FILE"), c.file);
            const Result r = sync({}, env);
            EXPECT_EXIT(r, exitUsage);
            EXPECT_ERR_CONTAINS(r, QString::fromUtf8(c.message));
            QVERIFY(!r.err.contains(secret.toUtf8()));
            QVERIFY(m_server->requests().isEmpty()); // the secret went nowhere
        }
        QCOMPARE(m_server->tokenRequestCount(), 0);
    }

    void systemdCredentialsDirectory()
    {
        const QString secret = QStringLiteral("s3cr3t-systemd");
        m_server->addClient(QStringLiteral("client_timer"), secret);
        m_server->addReport(makeReport(QStringLiteral("report_a")));
        const QString credentials = home(QStringLiteral("credentials"));
        QVERIFY(QDir().mkpath(credentials));
        QVERIFY(writeFile(QDir(credentials).filePath(QStringLiteral("getbill-client-id")), "client_timer\n",
                          QFile::ReadOwner));
        QVERIFY(writeFile(QDir(credentials).filePath(QStringLiteral("getbill-client-secret")), secret.toUtf8(),
                          QFile::ReadOwner));
        QProcessEnvironment env = cronEnvironment();
        env.insert(QStringLiteral("CREDENTIALS_DIRECTORY"), credentials);
        const Result r = sync({}, env);
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.outLines(), QStringList{outPath(QStringLiteral("report_a.csv"))});
        QCOMPARE(m_server->tokenRequestCount(), 1);
        QVERIFY(!r.err.contains(secret.toUtf8()));

        // An id without its secret is a usage error; a folder of another service's credentials is not ours.
        QVERIFY(QFile::remove(QDir(credentials).filePath(QStringLiteral("getbill-client-secret"))));
        const Result noSecret = sync({}, env);
        EXPECT_EXIT(noSecret, exitUsage);
        EXPECT_ERR_CONTAINS(noSecret, QStringLiteral("CREDENTIALS_DIRECTORY has getbill-client-id but no usable "
                                                     "getbill-client-secret"));
        QVERIFY(QFile::remove(QDir(credentials).filePath(QStringLiteral("getbill-client-id"))));
        const Result notOurs = sync({}, env);
        EXPECT_EXIT(notOurs, exitNotAuthenticated);
        // A link in place of the id is not followed.
        QVERIFY(writeFile(home(QStringLiteral("id-elsewhere")), "client_timer\n", QFile::ReadOwner));
        QVERIFY(QFile::link(home(QStringLiteral("id-elsewhere")),
                            QDir(credentials).filePath(QStringLiteral("getbill-client-id"))));
        const Result linked = sync({}, env);
        EXPECT_EXIT(linked, exitUsage);
        EXPECT_ERR_CONTAINS(linked, QStringLiteral("CREDENTIALS_DIRECTORY: "));
        EXPECT_ERR_CONTAINS(linked, QStringLiteral("is a symbolic link"));
        QCOMPARE(m_server->tokenRequestCount(), 1);
    }

    void environmentTokenComesFirst()
    {
        // GETBILL_TOKEN wins: the client credential (here a refused secret file) is not even read.
        const QString file = home(QStringLiteral("client-secret"));
        QVERIFY(writeFile(file, "whatever", QFile::ReadOwner | QFile::ReadOther));
        m_server->addReport(makeReport(QStringLiteral("report_a")));
        QProcessEnvironment env = tokenEnvironment();
        env.insert(QStringLiteral("GETBILL_CLIENT_ID"), QStringLiteral("client_x"));
        env.insert(QStringLiteral("GETBILL_CLIENT_SECRET_FILE"), file);
        const Result r = sync({}, env);
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(m_server->tokenRequestCount(), 0);
    }

    void demoSyncTwiceFindsTheFirstRunsFiles()
    {
        QProcessEnvironment env = baseEnvironment();
        env.remove(QStringLiteral("GETBILL_API_URL"));
        const QStringList arguments{QStringLiteral("--demo"),       QStringLiteral("sync"),
                                    QStringLiteral("--output-dir"), out(),
                                    QStringLiteral("--type"),       QStringLiteral("collection")};
        const Result first = run(arguments, env);
        EXPECT_EXIT(first, exitOk);
        QVERIFY(!first.outLines().isEmpty());
        const Result second = run(arguments, env);
        EXPECT_EXIT(second, exitOk);
        QVERIFY2(second.out.isEmpty(), second.out.constData());
    }
};

QTEST_GUILESS_MAIN(tst_SyncCli)
#include "tst_synccli.moc"
