// End-to-end tests of getbill-reports-cli: the real executable in a child process, against a SandboxServer running
// in this test process over real loopback sockets (or the CLI's own --demo sandbox), with real files.
#include "sandbox/SandboxServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <memory>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/types.h>
#include <unistd.h>
#endif

using getbill::sandbox::Fault;
using getbill::sandbox::RecordedRequest;
using getbill::sandbox::SandboxOptions;
using getbill::sandbox::SandboxReport;
using getbill::sandbox::SandboxServer;
using namespace Qt::StringLiterals;

namespace {

constexpr int exitOk = 0;
constexpr int exitUsage = 2;
constexpr int exitNotAuthenticated = 3;
constexpr int exitRefused = 4;
constexpr int exitTransient = 5;
constexpr int exitIntegrity = 6;
constexpr int exitLocalFile = 7;
constexpr int exitInterrupted = 130;

/// What one run of the CLI left behind.
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
               out.left(2000) + "\n--- stderr:\n" + err.left(2000);
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
    const QString dir = qEnvironmentVariable("GETBILL_TEST_BINARY_DIR");
    return QDir(dir).filePath(QStringLiteral("app/cli/getbill-reports-cli"));
}

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

/// Every entry of a folder, hidden ones included: a stray ".part" must show.
QStringList entries(const QString &folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

QList<RecordedRequest> requestsTo(const SandboxServer &server, Fault::Host host)
{
    QList<RecordedRequest> out;
    const QList<RecordedRequest> all = server.requests();
    for (const RecordedRequest &r : all)
        if (r.host == host)
            out << r;
    return out;
}

int countRequests(const SandboxServer &server, Fault::Host host, const QString &pathContains = {})
{
    int n = 0;
    const QList<RecordedRequest> all = requestsTo(server, host);
    for (const RecordedRequest &r : all)
        if (r.pathAndQuery.contains(pathContains))
            ++n;
    return n;
}

SandboxReport makeReport(const QString &id, const QByteArray &content, const QString &filename = {})
{
    SandboxReport r;
    r.id = id;
    r.type = QStringLiteral("financial");
    r.title = QStringLiteral("Test report ") + id;
    r.description = QStringLiteral("Made by tst_cli for ") + id;
    r.filename = filename.isEmpty() ? id + QStringLiteral(".csv") : filename;
    r.mimeType = QStringLiteral("text/csv");
    r.periodFrom = QDate(2024, 1, 1);
    r.periodTo = QDate(2024, 1, 31);
    r.createdAt = QDateTime(QDate(2024, 2, 1), QTime(9, 30), Qt::UTC);
    r.generatedAt = r.createdAt.addSecs(60);
    r.content = content;
    return r;
}

QByteArray bytesFor(const QString &seed, int size)
{
    QByteArray out;
    out.reserve(size);
    const QByteArray s = seed.toUtf8();
    while (out.size() < size)
        out += s + ';' + QByteArray::number(out.size()) + '\n';
    return out.left(size);
}

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private:
    /// A fresh home for the children of each test function: the CLI may keep state there (download history,
    /// keychain fallbacks), and neither the developer's own nor an earlier test's may leak into a result.
    std::unique_ptr<QTemporaryDir> m_home;

    /// A started sandbox on loopback, in this process: its event loop is this test's, so waits must not block.
    std::unique_ptr<SandboxServer> startServer(bool sampleData = false, bool tls = false)
    {
        auto server = std::make_unique<SandboxServer>();
        SandboxOptions options;
        options.sampleData = sampleData;
        options.tls = tls;
        if (!server->start(options))
            qFatal("sandbox did not start: %s", qPrintable(server->errorString()));
        return server;
    }

    /// The environment of every child: no GETBILL_* of the developer's shell, a UTF-8 C locale (stable sizes and
    /// messages), and the test knobs that make retries and stall timeouts fast.
    QProcessEnvironment baseEnvironment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QStringList keys = env.keys();
        for (const QString &key : keys)
            if (key.startsWith(QLatin1String("GETBILL_")) || key.startsWith(QLatin1String("LC_")) ||
                key == QLatin1String("LANG") || key == QLatin1String("LANGUAGE"))
                env.remove(key);
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        for (const char *name : {"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"})
            env.insert(QString::fromLatin1(name), QDir(m_home->path()).filePath(QString::fromLatin1(name).toLower()));
        env.insert(QStringLiteral("GETBILL_TEST_RETRY_BASE_MS"), QStringLiteral("10"));
        env.insert(QStringLiteral("GETBILL_TEST_TIMEOUT_MS"), QStringLiteral("3000"));
        return env;
    }

    QProcessEnvironment environmentFor(const SandboxServer &server,
                                       const QString &token = SandboxServer::demoToken()) const
    {
        QProcessEnvironment env = baseEnvironment();
        env.insert(QStringLiteral("GETBILL_API_URL"), server.apiUrl().toString());
        if (!token.isEmpty())
            env.insert(QStringLiteral("GETBILL_TOKEN"), token);
        return env;
    }

    /// Starts the CLI without waiting (for tests that act while it runs).
    void launch(QProcess &process, const QStringList &arguments, const QProcessEnvironment &environment,
                const QString &workingDirectory = {})
    {
        process.setProgram(binaryPath());
        process.setArguments(arguments);
        process.setProcessEnvironment(environment);
        process.setStandardInputFile(QProcess::nullDevice());
        if (!workingDirectory.isEmpty())
            process.setWorkingDirectory(workingDirectory);
        process.start();
    }

    static Result collect(QProcess &process, QSignalSpy &finished, int timeoutMs = 30'000)
    {
        // Never waitForFinished(): it would block this thread, and with it the in-process sandbox the child talks to.
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

    Result run(const QStringList &arguments, const QProcessEnvironment &environment,
               const QString &workingDirectory = {})
    {
        QProcess process;
        QSignalSpy finished(&process, &QProcess::finished);
        launch(process, arguments, environment, workingDirectory);
        return collect(process, finished);
    }

    /// A completed sample report with a small file (the catalogue also holds a 256 MiB one).
    static SandboxReport smallSample(const SandboxServer &server, int skip = 0)
    {
        const QList<SandboxReport> all = server.reports();
        for (const SandboxReport &r : all)
            if (r.status == QLatin1String("completed") && r.downloadAvailable && !r.content.isEmpty() &&
                r.content.size() < 1024 * 1024 && skip-- == 0)
                return r;
        qFatal("no small sample report");
        return {};
    }

private slots:
    void initTestCase() { QVERIFY2(QFileInfo(binaryPath()).isExecutable(), qPrintable(binaryPath())); }

    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
    }

    // ---- usage --------------------------------------------------------------------------------------------------
    void help()
    {
        const Result r = run({QStringLiteral("--help")}, baseEnvironment());
        EXPECT_EXIT(r, exitOk);
        QVERIFY(r.out.startsWith("Usage: getbill-reports-cli [--api-url URL] [--demo] [--verbose] COMMAND"));
        for (const char *word : {"list [--type TYPE] [--json]", "show ID [--json]", "download ID...", "--overwrite",
                                 "--jobs N", "auth set-token", "GETBILL_CA_BUNDLE", "--verbose       log each HTTP"})
            QVERIFY2(r.out.contains(word), word);
        QVERIFY(r.err.isEmpty());
    }

    void version()
    {
        const Result r = run({QStringLiteral("--version")}, baseEnvironment());
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.out, QByteArray("getbill-reports-cli " GETBILL_VERSION "\n"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *name, const QStringList &arguments, const char *message) {
            QTest::newRow(name) << arguments << QString::fromUtf8(message);
        };
        row("no command", {}, "no command given");
        row("unknown command", {QStringLiteral("frobnicate")}, "unknown command \"frobnicate\"");
        row("unknown option", {QStringLiteral("list"), QStringLiteral("--colour")}, "unknown option --colour");
        row("option of another command", {QStringLiteral("show"), QStringLiteral("x"), QStringLiteral("--overwrite")},
            "unknown option --overwrite");
        row("list with an argument", {QStringLiteral("list"), QStringLiteral("report_a")}, "list takes no argument");
        row("type without value", {QStringLiteral("list"), QStringLiteral("--type")}, "option --type needs a value");
        row("show without id", {QStringLiteral("show")}, "show needs a report id");
        row("show two ids", {QStringLiteral("show"), QStringLiteral("report_a"), QStringLiteral("report_b")},
            "show takes exactly one report id");
        row("download without id", {QStringLiteral("download"), QStringLiteral("--overwrite")},
            "download needs at least one report id");
        row("output with two ids",
            {QStringLiteral("download"), QStringLiteral("report_a"), QStringLiteral("report_b"),
             QStringLiteral("--output"), QStringLiteral("x.pdf")},
            "--output needs exactly one report id");
        row("output and output-dir",
            {QStringLiteral("download"), QStringLiteral("report_a"), QStringLiteral("--output"),
             QStringLiteral("x.pdf"), QStringLiteral("--output-dir"), QStringLiteral(".")},
            "use either --output-dir or --output");
        row("jobs 0",
            {QStringLiteral("download"), QStringLiteral("report_a"), QStringLiteral("--jobs"), QStringLiteral("0")},
            "--jobs must be a number from 1 to 8");
        row("jobs 9", {QStringLiteral("download"), QStringLiteral("report_a"), QStringLiteral("--jobs=9")},
            "--jobs must be a number from 1 to 8");
        row("jobs not a number",
            {QStringLiteral("download"), QStringLiteral("report_a"), QStringLiteral("--jobs"), QStringLiteral("x")},
            "--jobs must be a number from 1 to 8");
        row("api-url without value", {QStringLiteral("list"), QStringLiteral("--api-url")},
            "option --api-url needs a value");
        row("demo with api-url",
            {QStringLiteral("--demo"), QStringLiteral("--api-url"), QStringLiteral("https://x.test"),
             QStringLiteral("list")},
            "--demo and --api-url cannot be used together");
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        // No token and no server: a usage error must be found before anything else is looked at.
        const Result r = run(arguments, baseEnvironment());
        EXPECT_EXIT(r, exitUsage);
        EXPECT_ERR_CONTAINS(r, message);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Usage: getbill-reports-cli"));
        QVERIFY(r.out.isEmpty());
    }

    void refusedApiUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("fromEnvironment");
        QTest::newRow("http public host") << QStringLiteral("http://example.com") << false;
        QTest::newRow("http public host, env") << QStringLiteral("http://example.com") << true;
        QTest::newRow("ftp") << QStringLiteral("ftp://getbill.io/external-api/v1") << false;
        QTest::newRow("with query") << QStringLiteral("https://getbill.io/v1?x=1") << false;
        QTest::newRow("not a URL") << QStringLiteral("::::") << true;
    }

    void refusedApiUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, fromEnvironment);
        QProcessEnvironment env = baseEnvironment();
        env.insert(QStringLiteral("GETBILL_TOKEN"), QStringLiteral("some-token"));
        QStringList arguments = {QStringLiteral("list")};
        if (fromEnvironment)
            env.insert(QStringLiteral("GETBILL_API_URL"), url);
        else
            arguments = QStringList{QStringLiteral("--api-url"), url} + arguments;
        const Result r = run(arguments, env);
        EXPECT_EXIT(r, exitUsage);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("is not allowed: it must be an https:// address"));
        QVERIFY(r.out.isEmpty());
        QVERIFY(!r.err.contains("some-token"));
    }

    // ---- authentication -----------------------------------------------------------------------------------------
    void notSignedIn_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("list") << QStringList{QStringLiteral("list")};
        QTest::newRow("show") << QStringList{QStringLiteral("show"), QStringLiteral("report_abc123")};
        QTest::newRow("download") << QStringList{QStringLiteral("download"), QStringLiteral("report_abc123")};
    }

    void notSignedIn()
    {
        QFETCH(QStringList, arguments);
        const auto server = startServer(true);
        QTemporaryDir dir;
        const Result r = run(arguments, environmentFor(*server, QString()), dir.path());
        EXPECT_EXIT(r, exitNotAuthenticated);
        // The last line is the contract's; a line before it may say why a saved credential could not be read.
        QVERIFY2(r.errText().endsWith(QStringLiteral(
                     "error: Not signed in: set GETBILL_TOKEN or run `getbill-reports-cli auth set-token`\n")),
                 r.err.constData());
        QVERIFY(r.out.isEmpty());
        QVERIFY(server->requests().isEmpty());
        QVERIFY(entries(dir.path()).isEmpty());
    }

    void rejectedToken_data() { notSignedIn_data(); }

    void rejectedToken()
    {
        QFETCH(QStringList, arguments);
        const auto server = startServer(true);
        QTemporaryDir dir;
        const Result r = run(arguments, environmentFor(*server, QStringLiteral("not-a-valid-token")), dir.path());
        EXPECT_EXIT(r, exitNotAuthenticated);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Authentication credentials are missing or invalid"));
        EXPECT_ERR_CONTAINS(r, QStringLiteral("GETBILL_TOKEN"));
        QVERIFY(!r.err.contains("not-a-valid-token"));
        QVERIFY(r.out.isEmpty());
        QVERIFY(entries(dir.path()).isEmpty());
        // A static token rejected once is not sent again and again.
        QCOMPARE(countRequests(*server, Fault::Host::Api), 1);
    }

    void missingScope_data() { notSignedIn_data(); }

    void missingScope()
    {
        QFETCH(QStringList, arguments);
        const auto server = startServer(true);
        server->addToken(QStringLiteral("token-without-scope"), {});
        QTemporaryDir dir;
        const Result r = run(arguments, environmentFor(*server, QStringLiteral("token-without-scope")), dir.path());
        EXPECT_EXIT(r, exitRefused);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Required scope \"reports:read\" not found in token"));
        QVERIFY(r.out.isEmpty());
        QVERIFY(entries(dir.path()).isEmpty());
    }

    // ---- list ---------------------------------------------------------------------------------------------------
    void demoListJsonHasEveryReport()
    {
        const Result r =
            run({QStringLiteral("--demo"), QStringLiteral("list"), QStringLiteral("--json")}, baseEnvironment());
        EXPECT_EXIT(r, exitOk);
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(doc.isArray());
        const QJsonArray array = doc.array();

        // The demo's catalogue is deterministic: a sandbox of our own holds the same one.
        const auto reference = startServer(true);
        const QList<SandboxReport> catalogue = reference->reports();
        QCOMPARE(array.size(), catalogue.size());
        QSet<QString> expectedIds;
        for (const SandboxReport &s : catalogue)
            expectedIds.insert(s.id);
        QSet<QString> ids;
        for (const QJsonValue &v : array) {
            const QJsonObject o = v.toObject();
            const QString id = o.value(QLatin1String("id")).toString();
            ids.insert(id);
            const std::optional<SandboxReport> s = reference->report(id);
            QVERIFY2(s, qPrintable(id));
            // The API's own field names and values, untouched.
            QCOMPARE(o.value(QLatin1String("title")).toString(), s->title);
            QCOMPARE(o.value(QLatin1String("status")).toString(), s->status);
            QCOMPARE(o.value(QLatin1String("mime_type")).toString(), s->mimeType);
            QCOMPARE(qint64(o.value(QLatin1String("file_size")).toDouble()), s->realSize());
            QCOMPARE(o.value(QLatin1String("download_available")).toBool(), s->downloadAvailable);
            QCOMPARE(o.value(QLatin1String("period_from")).toString(), s->periodFrom.toString(Qt::ISODate));
        }
        QCOMPARE(ids, expectedIds);
    }

    void listTable()
    {
        const auto server = startServer(true);
        const Result r = run({QStringLiteral("list")}, environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        QVERIFY(r.err.isEmpty());
        const QStringList lines = r.outLines();
        const QList<SandboxReport> catalogue = server->reports();
        QCOMPARE(lines.size(), catalogue.size() + 1);

        const QString header = lines.first();
        const QStringList columns = {QStringLiteral("ID"),     QStringLiteral("TYPE"), QStringLiteral("STATUS"),
                                     QStringLiteral("PERIOD"), QStringLiteral("SIZE"), QStringLiteral("TITLE")};
        QCOMPARE(header.split(QLatin1Char(' '), Qt::SkipEmptyParts), columns);
        const qsizetype typeColumn = header.indexOf(QLatin1String("TYPE"));
        const qsizetype statusColumn = header.indexOf(QLatin1String("STATUS"));
        const qsizetype periodColumn = header.indexOf(QLatin1String("PERIOD"));
        const qsizetype titleColumn = header.indexOf(QLatin1String("TITLE"));

        const QLocale c(QLocale::C);
        QSet<QString> seen;
        int unsized = 0;
        for (const QString &line : lines.mid(1)) {
            const QString id = line.left(typeColumn).trimmed();
            const std::optional<SandboxReport> s = server->report(id);
            QVERIFY2(s, qPrintable(line));
            seen.insert(id);
            // Aligned: every column starts where its header does.
            QCOMPARE(line.mid(typeColumn, statusColumn - typeColumn).trimmed(), s->type);
            QCOMPARE(line.mid(statusColumn, periodColumn - statusColumn).trimmed(), s->status);
            QCOMPARE(line.mid(periodColumn).section(QLatin1Char(' '), 0, 0),
                     s->periodFrom.toString(Qt::ISODate) + QLatin1String("..") + s->periodTo.toString(Qt::ISODate));
            // Reports saved by an earlier case of this run carry the download history's mark after the title.
            QString title = line.mid(titleColumn);
            if (title.endsWith(QLatin1String("  [downloaded]")))
                title.chop(14);
            QCOMPARE(title, s->title);
            const QString size = line.left(titleColumn).trimmed();
            // A report still being generated has no file yet: "—", as the window's list and panel say, rather than
            // "0 bytes".
            const bool sized = s->realSize() > 0 || (s->status == QLatin1String("completed") && s->downloadAvailable);
            // Decimal SI units, as the window shows them (Format::dataSize).
            QVERIFY2(size.endsWith(sized ? c.formattedDataSize(s->realSize(), 1, QLocale::DataSizeSIFormat)
                                         : QStringLiteral("\u2014")),
                     qPrintable(line));
            QVERIFY2(!size.endsWith(QLatin1String("0 bytes")) || s->realSize() == 0, qPrintable(line));
            unsized += sized ? 0 : 1;
        }
        QCOMPARE(seen.size(), catalogue.size());
        QVERIFY(unsized > 0); // the demo catalogue has reports still being generated
    }

    void showReportWithoutFileYet()
    {
        const auto server = startServer(false);
        SandboxReport pending = makeReport(QStringLiteral("report_pending"), {});
        pending.status = QStringLiteral("processing");
        pending.downloadAvailable = false;
        pending.generatedAt = {};
        server->addReport(pending);
        const Result r = run({QStringLiteral("show"), pending.id}, environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        const QStringList lines = r.outLines();
        // No file yet: "—" as in the list and the window, not "0 bytes (0 bytes)".
        QVERIFY2(lines.contains(QStringLiteral("File size: \u2014")), qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY2(lines.contains(QStringLiteral("Generated at: \u2014")), qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY(!QString::fromUtf8(r.out).contains(QLatin1String("0 bytes")));
    }

    void listTypeFilter()
    {
        const auto server = startServer(true);
        int financial = 0;
        const QList<SandboxReport> catalogue = server->reports();
        for (const SandboxReport &s : catalogue)
            financial += s.type == QLatin1String("financial") ? 1 : 0;
        QVERIFY(financial > 0 && financial < catalogue.size());

        const Result r = run(
            {QStringLiteral("list"), QStringLiteral("--type"), QStringLiteral("financial"), QStringLiteral("--json")},
            environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        const QJsonArray array = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(array.size(), financial);
        for (const QJsonValue &v : array)
            QCOMPARE(v.toObject().value(QLatin1String("type")).toString(), QStringLiteral("financial"));
        QCOMPARE(countRequests(*server, Fault::Host::Api, QStringLiteral("type=financial")), 1);

        const Result table =
            run({QStringLiteral("list"), QStringLiteral("--type=collection")}, environmentFor(*server));
        EXPECT_EXIT(table, exitOk);
        const QStringList lines = table.outLines();
        QVERIFY(lines.size() > 1);
        for (const QString &line : lines.mid(1))
            QVERIFY2(line.contains(QLatin1String(" collection ")), qPrintable(line));
    }

    void listEveryPage()
    {
        const auto server = startServer(false);
        for (int i = 0; i < 230; ++i)
            server->addReport(makeReport(QStringLiteral("report_p%1").arg(i, 3, 10, QLatin1Char('0')), "x"));
        const Result r = run({QStringLiteral("list"), QStringLiteral("--json")}, environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        const QJsonArray array = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(array.size(), 230);
        QSet<QString> ids;
        for (const QJsonValue &v : array)
            ids.insert(v.toObject().value(QLatin1String("id")).toString());
        QCOMPARE(ids.size(), 230);
        QCOMPARE(countRequests(*server, Fault::Host::Api, QStringLiteral("/reports?")), 3);
    }

    void listEmpty()
    {
        const auto server = startServer(false);
        const Result r = run({QStringLiteral("list")}, environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        QVERIFY(r.out.isEmpty());
        EXPECT_ERR_CONTAINS(r, QStringLiteral("No reports."));

        const Result json = run({QStringLiteral("list"), QStringLiteral("--json")}, environmentFor(*server));
        EXPECT_EXIT(json, exitOk);
        QVERIFY(QJsonDocument::fromJson(json.out).isArray());
        QCOMPARE(QJsonDocument::fromJson(json.out).array().size(), 0);
    }

    void listRetriesATransientFailure()
    {
        const auto server = startServer(true);
        Fault f;
        f.pathContains = QStringLiteral("/reports?");
        f.status = 503;
        f.body = "{\"error\":true,\"message\":\"Service temporarily unavailable\",\"code\":503}";
        server->addFault(f);
        const Result r = run({QStringLiteral("list"), QStringLiteral("--json")}, environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), server->reports().size());
        // The wait is told on standard error; the result is still clean on standard output.
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Service temporarily unavailable"));
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Trying again in"));
    }

    // ---- show ---------------------------------------------------------------------------------------------------
    void showText()
    {
        const auto server = startServer(true);
        const SandboxReport s = smallSample(*server);
        const Result r = run({QStringLiteral("show"), s.id}, environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        QVERIFY(r.err.isEmpty());
        const QStringList lines = r.outLines();
        const QLocale c(QLocale::C);
        const QStringList expected = {
            QStringLiteral("ID: ") + s.id,
            QStringLiteral("Type: ") + s.type,
            QStringLiteral("Title: ") + s.title,
            QStringLiteral("Description: ") + s.description,
            QStringLiteral("Status: completed"),
            QStringLiteral("File name: ") + s.filename,
            QStringLiteral("File size: %1 (%2 bytes)")
                .arg(c.formattedDataSize(s.realSize(), 1, QLocale::DataSizeSIFormat))
                .arg(s.realSize()),
            QStringLiteral("MIME type: ") + s.mimeType,
            QStringLiteral("Period from: ") + s.periodFrom.toString(Qt::ISODate),
            QStringLiteral("Period to: ") + s.periodTo.toString(Qt::ISODate),
            QStringLiteral("Generated at: ") + s.generatedAt.toString(Qt::ISODate),
            QStringLiteral("Created at: ") + s.createdAt.toString(Qt::ISODate),
            QStringLiteral("Download available: yes"),
        };
        QCOMPARE(lines, expected);
    }

    void showJsonAndUnknownFields()
    {
        const auto server = startServer(false);
        SandboxReport s = makeReport(QStringLiteral("report_extra1"), "a,b\n1,2\n");
        s.overrides.insert(QStringLiteral("region"), QStringLiteral("EU-West"));
        server->addReport(s);

        const Result json = run({QStringLiteral("show"), s.id, QStringLiteral("--json")}, environmentFor(*server));
        EXPECT_EXIT(json, exitOk);
        const QJsonObject o = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(o.value(QLatin1String("id")).toString(), s.id);
        QCOMPARE(o.value(QLatin1String("title")).toString(), s.title);
        QCOMPARE(o.value(QLatin1String("description")).toString(), s.description);
        QCOMPARE(qint64(o.value(QLatin1String("file_size")).toDouble()), s.realSize());
        QCOMPARE(o.value(QLatin1String("region")).toString(), QStringLiteral("EU-West"));

        const Result text = run({QStringLiteral("show"), s.id}, environmentFor(*server));
        EXPECT_EXIT(text, exitOk);
        QVERIFY(text.outLines().contains(QStringLiteral("region: EU-West")));
    }

    void showRefused_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown") << QStringLiteral("report_nosuch") << QStringLiteral("Report not found");
        QTest::newRow("foreign") << QStringLiteral("report_foreign") << QStringLiteral("Access denied to this report");
        QTest::newRow("not an id") << QStringLiteral("../../etc") << QStringLiteral("is not a valid report id");
    }

    void showRefused()
    {
        QFETCH(QString, id);
        QFETCH(QString, message);
        const auto server = startServer(false);
        SandboxReport foreign = makeReport(QStringLiteral("report_foreign"), "secret");
        foreign.ownerCompany = QStringLiteral("another-company");
        server->addReport(foreign);
        const Result r = run({QStringLiteral("show"), id}, environmentFor(*server));
        EXPECT_EXIT(r, exitRefused);
        EXPECT_ERR_CONTAINS(r, message);
        QVERIFY(r.out.isEmpty());
    }

    // ---- broken or failing API ----------------------------------------------------------------------------------
    void brokenApi_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("expectedExit");
        QTest::addColumn<QString>("message");
        const QByteArray html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        const QByteArray json = "application/json";
        const QByteArray rateLimited = "{\"error\":true,\"message\":\"Rate limit exceeded. Please try again later.\","
                                       "\"code\":429,\"details\":{\"retry_after\":1800,\"limit\":1000}}";
        const QByteArray unavailable = "{\"error\":true,\"message\":\"Service temporarily unavailable\",\"code\":503}";
        for (const char *command : {"list", "show", "download"}) {
            const QString c = QString::fromLatin1(command);
            QTest::addRow("%s: 429 beyond the wait bound", command)
                << c << 429 << rateLimited << json << exitTransient
                << QStringLiteral("Rate limit exceeded. Please try again later.");
            QTest::addRow("%s: 503 every time", command) << c << 503 << unavailable << json << exitTransient
                                                         << QStringLiteral("Service temporarily unavailable");
            QTest::addRow("%s: 502 HTML page", command)
                << c << 502 << html << QByteArray("text/html") << exitTransient
                << QStringLiteral("GetBill is having trouble right now (HTTP 502)");
            QTest::addRow("%s: HTML instead of JSON", command)
                << c << 200 << html << QByteArray("text/html") << exitTransient
                << QStringLiteral("an HTML page instead of data");
            QTest::addRow("%s: truncated JSON", command)
                << c << 200 << QByteArray("{\"error\":false,\"data\":{\"id\":\"report_t") << json << exitTransient
                << QStringLiteral("the data is not valid JSON");
            QTest::addRow("%s: 422 validation", command)
                << c << 422
                << QByteArray("{\"error\":true,\"message\":\"Validation failed\",\"code\":422,"
                              "\"details\":{\"limit\":[\"The limit may not be greater than 100.\"]}}")
                << json << exitRefused
                << QStringLiteral("Validation failed (limit: The limit may not be greater than 100.)");
        }
    }

    void brokenApi()
    {
        QFETCH(QString, command);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(int, expectedExit);
        QFETCH(QString, message);
        const auto server = startServer(false);
        server->addReport(makeReport(QStringLiteral("report_t1"), "x,y\n"));
        Fault f;
        f.host = Fault::Host::Api;
        f.times = -1;
        f.status = status;
        f.body = body;
        f.contentType = contentType;
        server->addFault(f);
        QTemporaryDir dir;
        QStringList arguments = {command};
        if (command != QLatin1String("list"))
            arguments << QStringLiteral("report_t1");
        const Result r = run(arguments, environmentFor(*server), dir.path());
        EXPECT_EXIT(r, expectedExit);
        EXPECT_ERR_CONTAINS(r, message);
        QVERIFY(r.out.isEmpty());
        QVERIFY(!r.err.contains("{\"error\""));
        QVERIFY(!r.err.contains("<html>"));
        QVERIFY(entries(dir.path()).isEmpty());
        if (status == 503) // retried per the retry policy (4 attempts), then given up
            QCOMPARE(countRequests(*server, Fault::Host::Api), 4);
        if (status == 429) { // a wait of half an hour is not waited for, and the user learns when to come back
            QCOMPARE(countRequests(*server, Fault::Host::Api), 1);
            EXPECT_ERR_CONTAINS(r, QStringLiteral("GetBill asks to wait 30 min before trying again."));
        }
    }

    void wrongFieldTypes_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("list: file_size text")
            << QStringLiteral("list") << QStringLiteral("file_size") << QJsonValue(QStringLiteral("big"));
        QTest::newRow("show: download_available text")
            << QStringLiteral("show") << QStringLiteral("download_available") << QJsonValue(QStringLiteral("yes"));
        QTest::newRow("show: title number") << QStringLiteral("show") << QStringLiteral("title") << QJsonValue(42);
    }

    void wrongFieldTypes()
    {
        QFETCH(QString, command);
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        const auto server = startServer(false);
        SandboxReport s = makeReport(QStringLiteral("report_w1"), "x,y\n");
        s.overrides.insert(field, value);
        server->addReport(s);
        QStringList arguments = {command};
        if (command == QLatin1String("show"))
            arguments << s.id;
        const Result r = run(arguments, environmentFor(*server));
        EXPECT_EXIT(r, exitTransient);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("GetBill sent an answer this application does not understand"));
        EXPECT_ERR_CONTAINS(r, QStringLiteral("\"%1\"").arg(field));
        QVERIFY(r.out.isEmpty());
    }

    void tlsNeedsTheCaBundle()
    {
        const auto server = startServer(true, true);
        QVERIFY(server->apiUrl().scheme() == QLatin1String("https"));
        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("ca.pem"));
        QVERIFY(writeFile(bundle, SandboxServer::caCertificatePem()));
        const SandboxReport s = smallSample(*server);
        QTemporaryDir out;

        // Without the CA the certificate is not trusted, and that is never ignored.
        const Result untrusted = run({QStringLiteral("list")}, environmentFor(*server));
        EXPECT_EXIT(untrusted, exitTransient); // a network failure, never retried (README; issue 9)
        EXPECT_ERR_CONTAINS(untrusted, QStringLiteral("could not be verified"));
        QVERIFY(untrusted.out.isEmpty());

        QProcessEnvironment env = environmentFor(*server);
        env.insert(QStringLiteral("GETBILL_CA_BUNDLE"), bundle);
        const Result list = run({QStringLiteral("list"), QStringLiteral("--json")}, env);
        EXPECT_EXIT(list, exitOk);
        QCOMPARE(QJsonDocument::fromJson(list.out).array().size(), server->reports().size());
        const Result download =
            run({QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), out.path()}, env);
        EXPECT_EXIT(download, exitOk);
        QCOMPARE(readFile(QDir(out.path()).filePath(s.filename)), s.content);

        const QString notPem = dir.filePath(QStringLiteral("not.pem"));
        QVERIFY(writeFile(notPem, "hello\n"));
        env.insert(QStringLiteral("GETBILL_CA_BUNDLE"), notPem);
        const Result bad = run({QStringLiteral("list")}, env);
        EXPECT_EXIT(bad, exitUsage);
        EXPECT_ERR_CONTAINS(
            bad, QStringLiteral("GETBILL_CA_BUNDLE: The CA bundle %1 holds no PEM certificate.").arg(notPem));
    }

    // ---- download -----------------------------------------------------------------------------------------------
    void demoDownload()
    {
        const auto reference = startServer(true);
        const SandboxReport s = smallSample(*reference);
        QTemporaryDir dir;
        QTemporaryDir elsewhere;
        const Result r = run(
            {QStringLiteral("--demo"), QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), dir.path()},
            baseEnvironment(), elsewhere.path());
        EXPECT_EXIT(r, exitOk);
        const QString expected = QDir(dir.path()).filePath(s.filename);
        QCOMPARE(r.out, expected.toUtf8() + '\n');
        QVERIFY(QFileInfo(QString::fromUtf8(r.out.trimmed())).isAbsolute());
        QCOMPARE(readFile(expected), reference->contentOf(s.id));
        QCOMPARE(entries(dir.path()), QStringList{s.filename});
        QVERIFY(entries(elsewhere.path()).isEmpty());
        // Not a terminal: no progress line.
        QVERIFY(r.err.isEmpty());
    }

    void downloadToCurrentDirectory()
    {
        const auto server = startServer(true);
        const SandboxReport s = smallSample(*server);
        QTemporaryDir dir;
        const Result r = run({QStringLiteral("download"), s.id}, environmentFor(*server), dir.path());
        EXPECT_EXIT(r, exitOk);
        const QString expected = QDir(dir.path()).filePath(s.filename);
        QCOMPARE(r.outLines(), QStringList{expected});
        QCOMPARE(readFile(expected), s.content);
    }

    void verboseLogsEachRequestWithoutSecrets()
    {
        const auto server = startServer(true);
        const SandboxReport s = smallSample(*server);
        QTemporaryDir dir;
        const Result r =
            run({QStringLiteral("--verbose"), QStringLiteral("download"), s.id}, environmentFor(*server), dir.path());
        EXPECT_EXIT(r, exitOk);
        // Standard output is the contract's: the path, nothing else.
        QCOMPARE(r.outLines(), QStringList{QDir(dir.path()).filePath(s.filename)});
        const QString host = server->apiUrl().host() + u':' + QString::number(server->apiUrl().port());
        // Method, host, path without query, status and time, for the ticket and the file.
        const QRegularExpression ticket(u"GET "_s + QRegularExpression::escape(host) + u" \\S*/reports/download/"_s +
                                        QRegularExpression::escape(s.id) + u" -> 200 \\(\\d+ ms\\)"_s);
        QVERIFY2(ticket.match(r.errText()).hasMatch(), r.err.constData());
        const QList<RecordedRequest> files = requestsTo(*server, Fault::Host::Download);
        QCOMPARE(files.size(), 1);
        const QUrl signedUrl(u"http://host"_s + files.first().pathAndQuery);
        const QUrlQuery query(signedUrl);
        const QString signature = query.queryItemValue(u"signature"_s, QUrl::FullyDecoded);
        QVERIFY(!signature.isEmpty());
        const QRegularExpression file(u"GET \\S+ "_s + QRegularExpression::escape(signedUrl.path()) +
                                      u" -> 200 \\(\\d+ ms\\)"_s);
        QVERIFY2(file.match(r.errText()).hasMatch(), r.err.constData());
        // Never the token, the signature (raw or encoded) or the query of the signed link.
        QVERIFY(!r.err.contains(SandboxServer::demoToken().toUtf8()));
        QVERIFY(!r.err.contains(signature.toUtf8()));
        QVERIFY(!r.err.contains(QUrl::toPercentEncoding(signature)));
        QVERIFY(!r.err.contains("signature="));
        QVERIFY(!r.err.contains("expires="));

        // Without --verbose, standard error stays empty (not a terminal) and standard output is the same.
        QTemporaryDir quietDir;
        const Result quiet = run({QStringLiteral("download"), s.id}, environmentFor(*server), quietDir.path());
        EXPECT_EXIT(quiet, exitOk);
        QVERIFY2(quiet.err.isEmpty(), quiet.err.constData());
        QCOMPARE(quiet.outLines(), QStringList{QDir(quietDir.path()).filePath(s.filename)});
    }

    void downloadToFile()
    {
        const auto server = startServer(true);
        const SandboxReport s = smallSample(*server);
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub")));
        const Result r =
            run({QStringLiteral("download"), s.id, QStringLiteral("--output"), QStringLiteral("sub/mine.bin")},
                environmentFor(*server), dir.path());
        EXPECT_EXIT(r, exitOk);
        const QString expected = QDir(dir.path()).filePath(QStringLiteral("sub/mine.bin"));
        QCOMPARE(r.outLines(), QStringList{expected});
        QCOMPARE(readFile(expected), s.content);
        QCOMPARE(entries(dir.filePath(QStringLiteral("sub"))), QStringList{QStringLiteral("mine.bin")});
    }

    void downloadSeveralWithOneMissing()
    {
        const auto server = startServer(false);
        const SandboxReport a = makeReport(QStringLiteral("report_aaa"), bytesFor(QStringLiteral("a"), 70'000));
        const SandboxReport b = makeReport(QStringLiteral("report_bbb"), bytesFor(QStringLiteral("b"), 1234));
        server->addReport(a);
        server->addReport(b);
        QTemporaryDir dir;
        const Result r = run({QStringLiteral("download"), a.id, QStringLiteral("report_missing"), b.id, a.id,
                              QStringLiteral("--output-dir"), dir.path()},
                             environmentFor(*server));
        EXPECT_EXIT(r, exitRefused);
        const QString pathA = QDir(dir.path()).filePath(a.filename);
        const QString pathB = QDir(dir.path()).filePath(b.filename);
        QStringList lines = r.outLines();
        lines.sort();
        QCOMPARE(lines, (QStringList{pathA, pathB}));
        QCOMPARE(readFile(pathA), a.content);
        QCOMPARE(readFile(pathB), b.content);
        QCOMPARE(entries(dir.path()), (QStringList{a.filename, b.filename}));
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Report report_missing: Report not found"));
        // The duplicate id was fetched once.
        QCOMPARE(countRequests(*server, Fault::Host::Api, QStringLiteral("/reports/download/report_aaa")), 1);
        QCOMPARE(countRequests(*server, Fault::Host::Download), 2);
    }

    void firstFailureDecidesTheStatus_data()
    {
        QTest::addColumn<bool>("notReadyFirst");
        QTest::newRow("not ready, then size mismatch") << true;
        QTest::newRow("size mismatch, then not ready") << false;
    }

    void firstFailureDecidesTheStatus()
    {
        QFETCH(bool, notReadyFirst);
        const auto server = startServer(false);
        SandboxReport notReady = makeReport(QStringLiteral("report_pending"), {});
        notReady.status = QStringLiteral("pending");
        notReady.downloadAvailable = false;
        SandboxReport lying = makeReport(QStringLiteral("report_lying"), bytesFor(QStringLiteral("l"), 5000));
        lying.advertisedSize = 9000;
        const SandboxReport good = makeReport(QStringLiteral("report_good"), bytesFor(QStringLiteral("g"), 100));
        server->addReport(notReady);
        server->addReport(lying);
        server->addReport(good);
        QTemporaryDir dir;
        const QStringList ids =
            notReadyFirst ? QStringList{good.id, notReady.id, lying.id} : QStringList{good.id, lying.id, notReady.id};
        // Whichever transfer fails first in time, the order of the ids on the command line decides the status.
        const Result r = run(QStringList{QStringLiteral("download")} + ids +
                                 QStringList{QStringLiteral("--output-dir"), dir.path(), QStringLiteral("--jobs=3")},
                             environmentFor(*server));
        EXPECT_EXIT(r, notReadyFirst ? exitRefused : exitIntegrity);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Report report_pending: Report is not ready for download"));
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Report report_lying: The download server announced 5000 bytes"));
        QCOMPARE(r.outLines(), QStringList{QDir(dir.path()).filePath(good.filename)});
        QCOMPARE(entries(dir.path()), QStringList{good.filename});
    }

    void existingFileIsKept()
    {
        const auto server = startServer(false);
        const SandboxReport s = makeReport(QStringLiteral("report_exist"), bytesFor(QStringLiteral("new"), 3000));
        server->addReport(s);
        QTemporaryDir dir;
        const QString path = QDir(dir.path()).filePath(s.filename);
        QVERIFY(writeFile(path, "the user's own file"));

        const Result r = run({QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), dir.path()},
                             environmentFor(*server));
        EXPECT_EXIT(r, exitLocalFile);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("%1 already exists; it was left untouched.").arg(path));
        QVERIFY(r.out.isEmpty());
        QCOMPARE(readFile(path), QByteArray("the user's own file"));
        QCOMPARE(entries(dir.path()), QStringList{s.filename});

        const Result file =
            run({QStringLiteral("download"), s.id, QStringLiteral("--output"), path}, environmentFor(*server));
        EXPECT_EXIT(file, exitLocalFile);
        QCOMPARE(readFile(path), QByteArray("the user's own file"));
        QCOMPARE(entries(dir.path()), QStringList{s.filename});
    }

    void overwriteReplaces()
    {
        const auto server = startServer(false);
        const SandboxReport s = makeReport(QStringLiteral("report_over"), bytesFor(QStringLiteral("new"), 3000));
        server->addReport(s);
        QTemporaryDir dir;
        const QString path = QDir(dir.path()).filePath(s.filename);
        QVERIFY(writeFile(path, "old"));
        const Result r = run({QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), dir.path(),
                              QStringLiteral("--overwrite")},
                             environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.outLines(), QStringList{path});
        QCOMPARE(readFile(path), s.content);

        const QString other = QDir(dir.path()).filePath(QStringLiteral("chosen.csv"));
        QVERIFY(writeFile(other, "old"));
        const Result file =
            run({QStringLiteral("download"), s.id, QStringLiteral("--output"), other, QStringLiteral("--overwrite")},
                environmentFor(*server));
        EXPECT_EXIT(file, exitOk);
        QCOMPARE(readFile(other), s.content);
        QCOMPARE(entries(dir.path()), (QStringList{QStringLiteral("chosen.csv"), s.filename}));
    }

    void downloadRefused_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown") << QStringLiteral("report_nosuch")
                                 << QStringLiteral("Report report_nosuch: Report not found");
        QTest::newRow("foreign") << QStringLiteral("report_foreign")
                                 << QStringLiteral("Report report_foreign: Access denied to this report");
        QTest::newRow("not ready") << QStringLiteral("report_pending")
                                   << QStringLiteral("Report report_pending: Report is not ready for download");
    }

    void downloadRefused()
    {
        QFETCH(QString, id);
        QFETCH(QString, message);
        const auto server = startServer(false);
        SandboxReport foreign = makeReport(QStringLiteral("report_foreign"), "secret");
        foreign.ownerCompany = QStringLiteral("another-company");
        SandboxReport pending = makeReport(QStringLiteral("report_pending"), {});
        pending.status = QStringLiteral("processing");
        pending.downloadAvailable = false;
        server->addReport(foreign);
        server->addReport(pending);
        QTemporaryDir dir;
        const Result r =
            run({QStringLiteral("download"), id, QStringLiteral("--output-dir"), dir.path()}, environmentFor(*server));
        EXPECT_EXIT(r, exitRefused);
        EXPECT_ERR_CONTAINS(r, message);
        QVERIFY(r.out.isEmpty());
        QVERIFY(entries(dir.path()).isEmpty());
        QCOMPARE(countRequests(*server, Fault::Host::Download), 0);
    }

    void insecureDownloadUrl()
    {
        const auto server = startServer(false);
        SandboxReport s = makeReport(QStringLiteral("report_http"), "data");
        s.ticketOverrides.insert(QStringLiteral("download_url"),
                                 QStringLiteral("http://secure-downloads.getbill.io/reports/abc?expires=1706789400"
                                                "&signature=5eca1e7d0bad5eca1e7d"));
        server->addReport(s);
        QTemporaryDir dir;
        const Result r = run({QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), dir.path()},
                             environmentFor(*server));
        EXPECT_EXIT(r, exitRefused);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("not secure"));
        QVERIFY(!r.err.contains("5eca1e7d0bad5eca1e7d"));
        QVERIFY(!r.err.contains("secure-downloads.getbill.io/reports/abc"));
        QVERIFY(r.out.isEmpty());
        QVERIFY(entries(dir.path()).isEmpty());
        QCOMPARE(countRequests(*server, Fault::Host::Download), 0);
        // Refused on principle: asking again would not make the link secure.
        QCOMPARE(countRequests(*server, Fault::Host::Api), 1);
    }

    void wrongBodySize_data()
    {
        QTest::addColumn<qint64>("advertisedSize");
        QTest::addColumn<QByteArray>("appendBytes");
        QTest::addColumn<qint64>("cutAfterBytes");
        QTest::addColumn<int>("expectedExit");
        QTest::addColumn<QString>("message");
        QTest::newRow("file_size larger than the body")
            << qint64(20'000) << QByteArray() << qint64(-1) << exitIntegrity
            << QStringLiteral("The download server announced 10000 bytes, but GetBill said the report has 20000");
        QTest::newRow("file_size smaller than the body")
            << qint64(4'000) << QByteArray() << qint64(-1) << exitIntegrity
            << QStringLiteral("The download server announced 10000 bytes, but GetBill said the report has 4000");
        QTest::newRow("extra bytes after the body") << qint64(-1) << QByteArray(512, 'X') << qint64(-1) << exitIntegrity
                                                    << QStringLiteral("The download server announced 10512 bytes");
        // Cut before any byte every time (a cut after some bytes is resumed and may well complete): retried with a
        // fresh link each time, then given up as a network failure.
        QTest::newRow("connection cut every time")
            << qint64(-1) << QByteArray() << qint64(0) << exitTransient
            << QStringLiteral("The download server localhost closed the connection after 0 bytes");
    }

    void wrongBodySize()
    {
        QFETCH(qint64, advertisedSize);
        QFETCH(QByteArray, appendBytes);
        QFETCH(qint64, cutAfterBytes);
        QFETCH(int, expectedExit);
        QFETCH(QString, message);
        const auto server = startServer(false);
        SandboxReport s = makeReport(QStringLiteral("report_size"), bytesFor(QStringLiteral("s"), 10'000));
        s.advertisedSize = advertisedSize;
        server->addReport(s);
        Fault f;
        f.host = Fault::Host::Download;
        f.times = -1;
        f.appendBytes = appendBytes;
        f.cutAfterBytes = cutAfterBytes;
        server->addFault(f);
        QTemporaryDir dir;
        const Result r = run({QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), dir.path()},
                             environmentFor(*server));
        EXPECT_EXIT(r, expectedExit);
        // A failed transfer is worth retrying with a fresh link (4 attempts); a size that contradicts the API is not.
        QCOMPARE(countRequests(*server, Fault::Host::Download), expectedExit == exitTransient ? 4 : 1);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Report report_size: ") + message);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(entries(dir.path()).isEmpty(), qPrintable(entries(dir.path()).join(QLatin1Char(' '))));
    }

    void connectionCutOnceIsRetried()
    {
        const auto server = startServer(false);
        const SandboxReport s = makeReport(QStringLiteral("report_cut"), bytesFor(QStringLiteral("c"), 50'000));
        server->addReport(s);
        Fault f;
        f.host = Fault::Host::Download;
        f.cutAfterBytes = 20'000;
        server->addFault(f);
        QTemporaryDir dir;
        const Result r = run({QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), dir.path()},
                             environmentFor(*server));
        EXPECT_EXIT(r, exitOk);
        QCOMPARE(r.outLines(), QStringList{QDir(dir.path()).filePath(s.filename)});
        QCOMPARE(readFile(QDir(dir.path()).filePath(s.filename)), s.content);
        QCOMPARE(entries(dir.path()), QStringList{s.filename});
        QCOMPARE(countRequests(*server, Fault::Host::Download), 2);
        // The retry is announced on standard error, without the link.
        EXPECT_ERR_CONTAINS(r, QStringLiteral("closed the connection"));
        QVERIFY(!r.err.contains("signature"));
    }

    void unusableOutputFolder_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing folder") << QStringLiteral("missing") << QStringLiteral("does not exist");
        QTest::newRow("a file, not a folder") << QStringLiteral("file") << QStringLiteral("does not exist");
        QTest::newRow("read-only folder") << QStringLiteral("readonly") << QStringLiteral("Cannot write in the folder");
        QTest::newRow("--output in a missing folder") << QStringLiteral("output") << QStringLiteral("does not exist");
    }

    void unusableOutputFolder()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        const auto server = startServer(false);
        const SandboxReport s = makeReport(QStringLiteral("report_ro"), bytesFor(QStringLiteral("r"), 2000));
        server->addReport(s);
        QTemporaryDir dir;
        // Traversable by everyone: the read-only case may run the CLI as another user.
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                      QFile::ReadOther | QFile::ExeOther | QFile::ReadGroup |
                                                      QFile::ExeGroup));
        const QString target = dir.filePath(QStringLiteral("target"));
        QStringList arguments = {QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), target};
        QProcess process;
        if (kind == QLatin1String("file")) {
            QVERIFY(writeFile(target, "a file"));
        } else if (kind == QLatin1String("readonly")) {
            QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("target")));
            QVERIFY(QFile::setPermissions(target, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther |
                                                      QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
#ifdef Q_OS_UNIX
            // root writes anywhere: run the CLI as "nobody" so that the folder's permissions apply.
            if (::geteuid() == 0)
                process.setChildProcessModifier([] {
                    if (::setgid(65534) != 0 || ::setuid(65534) != 0)
                        ::_exit(99);
                });
#endif
        } else if (kind == QLatin1String("output")) {
            arguments = {QStringLiteral("download"), s.id, QStringLiteral("--output"),
                         target + QStringLiteral("/file.csv")};
        }
        QSignalSpy finished(&process, &QProcess::finished);
        launch(process, arguments, environmentFor(*server));
        const Result r = collect(process, finished);
        EXPECT_EXIT(r, exitLocalFile);
        EXPECT_ERR_CONTAINS(r, message);
        QVERIFY(r.out.isEmpty());
        if (kind == QLatin1String("readonly"))
            QVERIFY(entries(target).isEmpty());
        else if (kind == QLatin1String("file"))
            QCOMPARE(readFile(target), QByteArray("a file"));
        const bool targetExists = kind == QLatin1String("file") || kind == QLatin1String("readonly");
        QCOMPARE(entries(dir.path()), targetExists ? QStringList{QStringLiteral("target")} : QStringList());
    }

    void secretsStayWhereTheyBelong()
    {
        const auto server = startServer(false);
        const QString token = QStringLiteral("tok-9f8e7d6c5b4a-secret");
        server->addToken(token);
        const SandboxReport a = makeReport(QStringLiteral("report_sec1"), bytesFor(QStringLiteral("1"), 4000));
        const SandboxReport b = makeReport(QStringLiteral("report_sec2"), bytesFor(QStringLiteral("2"), 4000));
        SandboxReport c = makeReport(QStringLiteral("report_sec3"), bytesFor(QStringLiteral("3"), 4000));
        server->addReport(a);
        server->addReport(b);
        server->addReport(c);
        // The link of report 3 is refused by the download host every time: its error path must not leak it either.
        Fault refused;
        refused.host = Fault::Host::Download;
        refused.pathContains = QStringLiteral("/reports/");
        refused.times = -1;
        refused.status = 403;
        refused.body = "Request has expired\n";
        refused.contentType = "text/plain";

        QTemporaryDir dir;
        const Result ok = run({QStringLiteral("download"), a.id, b.id, QStringLiteral("--output-dir"), dir.path()},
                              environmentFor(*server, token));
        EXPECT_EXIT(ok, exitOk);
        server->addFault(refused);
        const Result failed = run({QStringLiteral("download"), c.id, QStringLiteral("--output-dir"), dir.path(),
                                   QStringLiteral("--jobs"), QStringLiteral("1")},
                                  environmentFor(*server, token));
        EXPECT_EXIT(failed, exitRefused);
        EXPECT_ERR_CONTAINS(failed, QStringLiteral("The download link was refused"));
        QVERIFY(entries(dir.path()).size() == 2);

        const QList<RecordedRequest> api = requestsTo(*server, Fault::Host::Api);
        const QList<RecordedRequest> downloads = requestsTo(*server, Fault::Host::Download);
        QVERIFY(!api.isEmpty());
        // 2 good links, then the refused one with its fresh links (DownloadJob refreshes up to twice).
        QCOMPARE(downloads.size(), 2 + 3);
        for (const RecordedRequest &r : api)
            QCOMPARE(r.headers.value("authorization"), QByteArray("Bearer ") + token.toUtf8());
        QStringList signatures;
        for (const RecordedRequest &r : downloads) {
            QVERIFY2(!r.headers.contains("authorization"), qPrintable(r.pathAndQuery));
            QVERIFY(!r.headers.contains("cookie"));
            const QString signature =
                QUrlQuery(QUrl(r.pathAndQuery).query()).queryItemValue(QStringLiteral("signature"));
            QVERIFY(signature.size() >= 16);
            signatures << signature;
        }
        for (const Result *r : {&ok, &failed}) {
            const QByteArray all = r->out + r->err;
            QVERIFY(!all.contains(token.toUtf8()));
            for (const QString &signature : std::as_const(signatures))
                QVERIFY2(!all.contains(signature.toUtf8()), all.constData());
            QVERIFY(!all.contains("signature="));
            QVERIFY(!all.contains("expires="));
        }
    }

    void jobsBoundsParallelDownloads()
    {
        const auto server = startServer(false);
        QStringList ids;
        for (int i = 0; i < 4; ++i) {
            const QString id = QStringLiteral("report_par%1").arg(i);
            server->addReport(makeReport(id, bytesFor(id, 200'000)));
            ids << id;
        }
        // Every transfer stalls after its first bytes: the number of transfers at once is what --jobs allows.
        Fault stall;
        stall.host = Fault::Host::Download;
        stall.times = -1;
        stall.stallAfterBytes = 1000;
        server->addFault(stall);
        QTemporaryDir dir;
        QProcessEnvironment env = environmentFor(*server);
        env.insert(QStringLiteral("GETBILL_TEST_TIMEOUT_MS"), QStringLiteral("60000"));
        QProcess process;
        QSignalSpy finished(&process, &QProcess::finished);
        launch(
            process,
            QStringList{QStringLiteral("download")} + ids +
                QStringList{QStringLiteral("--jobs"), QStringLiteral("3"), QStringLiteral("--output-dir"), dir.path()},
            env);
        QTRY_COMPARE_WITH_TIMEOUT(countRequests(*server, Fault::Host::Download), 3, 15'000);
        const auto partFiles = [&dir, &ids] {
            int n = 0;
            for (const QString &id : std::as_const(ids))
                n += QFileInfo::exists(dir.filePath(id + QStringLiteral(".csv.part"))) ? 1 : 0;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(partFiles(), 3, 15'000);
        QVERIFY(finished.isEmpty());
        process.terminate();
        const Result r = collect(process, finished);
        EXPECT_EXIT(r, exitInterrupted);
        QCOMPARE(countRequests(*server, Fault::Host::Download), 3);
        // The fourth waits for a slot with its link fetched ahead (once), but nothing of its file was asked for.
        QCOMPARE(countRequests(*server, Fault::Host::Api, QStringLiteral("report_par3")), 1);
        QVERIFY2(entries(dir.path()).isEmpty(), qPrintable(entries(dir.path()).join(QLatin1Char(' '))));
    }

    void interruptLeavesNothing_data()
    {
        QTest::addColumn<int>("signalNumber");
#ifdef Q_OS_UNIX
        QTest::newRow("SIGINT") << int(SIGINT);
        QTest::newRow("SIGTERM") << int(SIGTERM);
#endif
    }

    void interruptLeavesNothing()
    {
#ifdef Q_OS_UNIX
        QFETCH(int, signalNumber);
        const auto server = startServer(false);
        const SandboxReport s = makeReport(QStringLiteral("report_big"), bytesFor(QStringLiteral("big"), 500'000));
        server->addReport(s);
        Fault stall;
        stall.host = Fault::Host::Download;
        stall.times = -1;
        stall.stallAfterBytes = 100'000;
        server->addFault(stall);
        QTemporaryDir dir;
        QProcessEnvironment env = environmentFor(*server);
        env.insert(QStringLiteral("GETBILL_TEST_TIMEOUT_MS"), QStringLiteral("60000"));
        QProcess process;
        QSignalSpy finished(&process, &QProcess::finished);
        launch(process, {QStringLiteral("download"), s.id, QStringLiteral("--output-dir"), dir.path()}, env);
        const QString part = QDir(dir.path()).filePath(s.filename + QStringLiteral(".part"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(part).size() > 0, 15'000);
        QVERIFY(finished.isEmpty());
        QCOMPARE(::kill(pid_t(process.processId()), signalNumber), 0);
        const Result r = collect(process, finished);
        EXPECT_EXIT(r, exitInterrupted);
        EXPECT_ERR_CONTAINS(r, QStringLiteral("Interrupted"));
        QVERIFY(r.out.isEmpty());
        QVERIFY2(entries(dir.path()).isEmpty(), qPrintable(entries(dir.path()).join(QLatin1Char(' '))));
#else
        QSKIP("POSIX signals only");
#endif
    }

    // Messages for people follow the system's language (LANGUAGE before LC_ALL before LANG); --json is the API's
    // own text and stays byte for byte what an English system prints.
    void messagesFollowTheSystemLanguageButJsonDoesNot()
    {
        const auto server = startServer(true);
        QProcessEnvironment french = environmentFor(*server);
        french.remove(QStringLiteral("LC_ALL"));
        french.insert(QStringLiteral("LANG"), QStringLiteral("fr_FR.UTF-8"));
        const Result table = run({QStringLiteral("list")}, french);
        EXPECT_EXIT(table, exitOk);
        QCOMPARE(table.outLines().first().split(QLatin1Char(' '), Qt::SkipEmptyParts),
                 QStringList({QStringLiteral("ID"), QStringLiteral("TYPE"), QStringLiteral("STATUT"),
                              QStringLiteral("PÉRIODE"), QStringLiteral("TAILLE"), QStringLiteral("TITRE")}));
        // Sizes in the French way: "3,6 ko", "268,4 Mo".
        QVERIFY(QString::fromUtf8(table.out).contains(QRegularExpression(QStringLiteral("\\d,\\d (ko|Mo)"))));

        const SandboxReport sample = smallSample(*server);
        for (const QStringList &arguments :
             {QStringList{QStringLiteral("list"), QStringLiteral("--json")},
              QStringList{QStringLiteral("show"), sample.id, QStringLiteral("--json")}}) {
            const Result english = run(arguments, environmentFor(*server));
            const Result inFrench = run(arguments, french);
            EXPECT_EXIT(english, exitOk);
            EXPECT_EXIT(inFrench, exitOk);
            QVERIFY(!english.out.isEmpty());
            QCOMPARE(inFrench.out, english.out);
            QVERIFY(inFrench.err.isEmpty());
        }

        // Standard error: a usage error and a refusal by the API, in French.
        const Result usage = run({QStringLiteral("show")}, french);
        EXPECT_EXIT(usage, exitUsage);
        EXPECT_ERR_CONTAINS(usage, QStringLiteral("erreur\u00a0: show nécessite un identifiant de rapport"));
        EXPECT_ERR_CONTAINS(usage, QStringLiteral("Utilisation"));
        const Result none = run({QStringLiteral("list"), QStringLiteral("--type"), QStringLiteral("nosuch")}, french);
        EXPECT_EXIT(none, exitOk);
        EXPECT_ERR_CONTAINS(none, QStringLiteral("Aucun rapport de type nosuch."));

        // LANGUAGE=de:fr asks for German first; no language at all (LC_ALL=C.UTF-8) is English.
        QProcessEnvironment german = french;
        german.insert(QStringLiteral("LANGUAGE"), QStringLiteral("de:fr"));
        const Result inGerman = run({QStringLiteral("show")}, german);
        EXPECT_ERR_CONTAINS(inGerman, QStringLiteral("show benötigt eine Berichts-ID"));
        const Result inEnglish = run({QStringLiteral("show")}, environmentFor(*server));
        EXPECT_ERR_CONTAINS(inEnglish, QStringLiteral("show needs a report id"));
    }
};

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
