// The hostile-input suite of issue 5: the real CLI process against an in-test sandbox whose fault switches make
// the network, the server, the answers and the disk misbehave. Every case checks the message for people, the exit
// status, the target folder (nothing partial at a final name, an existing file untouched) and that no request to
// the download host carried an Authorization header.
#include "sandbox/SandboxServer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <functional>
#include <sys/resource.h>
#include <unistd.h>

using namespace getbill::sandbox;

namespace {
constexpr int exitOk = 0;
constexpr int exitRefused = 4;
constexpr int exitTransient = 5;
constexpr int exitIntegrity = 6;
constexpr int exitLocal = 7;

const QString reportId = QStringLiteral("report_hostile");
/// Already in every target folder: must be there, unchanged, after every case.
const QString bystander = QStringLiteral("bystander.pdf");
const QByteArray bystanderBytes = "%PDF-1.4 someone else's file\n";

QString cliPath()
{
    return qEnvironmentVariable("GETBILL_TEST_BINARY_DIR") + QStringLiteral("/app/cli/getbill-reports-cli");
}

SandboxReport hostileReport(qint64 size = 300'000, const QString &filename = QStringLiteral("hostile.csv"))
{
    SandboxReport r;
    r.id = reportId;
    r.type = QStringLiteral("export");
    r.title = QStringLiteral("Hostile");
    r.filename = filename;
    r.mimeType = QStringLiteral("text/csv");
    r.generatedSize = size;
    return r;
}

Fault downloadFault(int times = 1)
{
    Fault f;
    f.host = Fault::Host::Download;
    f.times = times;
    return f;
}

Fault ticketFault(int status, QByteArray body, int times = -1, QByteArray type = "application/json")
{
    Fault f;
    f.host = Fault::Host::Api;
    f.pathContains = QStringLiteral("/reports/download/");
    f.status = status;
    f.body = std::move(body);
    f.contentType = std::move(type);
    f.times = times;
    return f;
}

struct Result
{
    int code = -1;
    QString out;
    QString err;
};

/// One case: what the sandbox and the folder look like, how the CLI is called, and what must come out.
struct Case
{
    const char *name;
    std::function<void(SandboxServer &, const QString &folder)> setup;
    int exit;
    QString message;      ///< a part of standard error that must be there (empty: standard error must be empty)
    QString savedAs = {}; ///< on success: the file name the report must have, byte-identical
    QStringList extraArgs = {};
    bool tls = false;
    std::function<void(QProcess &)> processSetup = {};
};

QList<Case> cases()
{
    const QString html = QStringLiteral("<html>");
    return {
        {"cut at 0 %",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             f.cutAfterBytes = 0;
             s.addFault(f);
         },
         exitTransient, QStringLiteral("Report report_hostile: The download")},
        {"cut at 50 % then resumed",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault();
             f.cutAfterBytes = 150'000;
             s.addFault(f);
         },
         exitOk, QStringLiteral("Trying again in"), QStringLiteral("hostile.csv")},
        {"cut at 99 % then resumed",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault();
             f.cutAfterBytes = 297'000;
             s.addFault(f);
         },
         exitOk, QStringLiteral("Trying again in"), QStringLiteral("hostile.csv")},
        {"cut at 50 % every time",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             f.cutAfterBytes = 150'000;
             s.addFault(f);
         },
         // Each attempt continues where the last stopped: four attempts of 150 kB get the whole file.
         exitOk, QStringLiteral("Trying again in"), QStringLiteral("hostile.csv")},
        {"stall mid-body",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault();
             f.stallAfterBytes = 100'000;
             s.addFault(f);
         },
         exitOk, QStringLiteral("stalled: no data for 1 seconds"), QStringLiteral("hostile.csv")},
        {"Content-Length shorter than the body",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             f.contentLengthDelta = -100;
             s.addFault(f);
         },
         exitIntegrity,
         QStringLiteral("The download server announced 299900 bytes, but GetBill said the report has "
                        "300000 bytes; the file was not saved.")},
        {"Content-Length longer than the body",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             f.contentLengthDelta = 100;
             s.addFault(f);
         },
         exitIntegrity, QStringLiteral("The download server announced 300100 bytes")},
        {"body longer than file_size",
         [](SandboxServer &s, const QString &) {
             SandboxReport r = hostileReport();
             r.advertisedSize = 299'000;
             s.addReport(r);
             Fault f = downloadFault(-1);
             f.headers = {{"Content-Length", ""}};
             s.addFault(f);
         },
         exitIntegrity, QStringLiteral("the file was not saved")},
        {"extra bytes after the body",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             f.appendBytes = QByteArray(5000, 'X');
             s.addFault(f);
         },
         exitIntegrity, QStringLiteral("The download server announced 305000 bytes")},
        {"503 three times then success",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(3);
             f.status = 503;
             f.body = "Service Unavailable";
             f.contentType = "text/plain";
             s.addFault(f);
         },
         exitOk, QStringLiteral("answered HTTP 503. Trying again in"), QStringLiteral("hostile.csv")},
        {"503 for ever",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             f.status = 503;
             s.addFault(f);
         },
         exitTransient, QStringLiteral("Report report_hostile: The download server localhost answered HTTP 503.")},
        {"429 with retry_after",
         [](SandboxServer &s, const QString &) {
             s.addFault(ticketFault(429,
                                    R"({"error":true,"message":"Rate limit exceeded. Please try again later.",
                                        "code":429,"details":{"retry_after":1}})",
                                    1));
         },
         exitOk, QStringLiteral("(waiting until "), QStringLiteral("hostile.csv")},
        {"429 asking for half an hour",
         [](SandboxServer &s, const QString &) {
             s.addFault(ticketFault(429, R"({"error":true,"message":"Rate limit exceeded. Please try again later.",
                                            "code":429,"details":{"retry_after":1800}})"));
         },
         exitTransient, QStringLiteral("Rate limit exceeded. Please try again later. Try again after ")},
        {"expired link", [](SandboxServer &s, const QString &) { s.setLinkLifetime(0); }, exitRefused,
         QStringLiteral("The download link was refused by localhost (HTTP 403): it has expired or was already used.")},
        {"single-use link cut and resumed with a fresh link",
         [](SandboxServer &s, const QString &) {
             s.setSingleUseLinks(true);
             Fault f = downloadFault();
             f.cutAfterBytes = 100'000;
             s.addFault(f);
         },
         exitOk, QStringLiteral("Trying again in"), QStringLiteral("hostile.csv")},
        {"download host redirects to another host",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             QUrl other = s.apiUrl();
             other.setPath(QStringLiteral("/elsewhere/file.csv"));
             other.setQuery(QStringLiteral("signature=secret123"));
             f.redirectTo = other.toString();
             s.addFault(f);
         },
         exitRefused, QStringLiteral("The download link was refused by 127.0.0.1")},
        {"download host redirects to http",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             f.redirectTo = QStringLiteral("http://downloads.example.com/file.csv?signature=secret123");
             s.addFault(f);
         },
         exitRefused,
         QStringLiteral("The download server redirected to an insecure address (http://downloads.example.com/"
                        "file.csv); it was not followed.")},
        {"API redirects to another origin",
         [](SandboxServer &s, const QString &) {
             Fault f = ticketFault(0, {});
             QUrl other = s.downloadOrigin();
             other.setPath(QStringLiteral("/steal"));
             f.redirectTo = other.toString();
             s.addFault(f);
         },
         exitRefused, QStringLiteral("redirected the request to another site")},
        {"HTML error page from the API",
         [](SandboxServer &s, const QString &) {
             s.addFault(ticketFault(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", -1, "text/html"));
         },
         exitTransient, QStringLiteral("GetBill is having trouble right now (HTTP 502). Try again in a moment.")},
        {"HTML page with 200 from the API",
         [](SandboxServer &s, const QString &) {
             s.addFault(ticketFault(200, "<html><body>Please sign in</body></html>", -1, "text/html"));
         },
         exitTransient,
         QStringLiteral("GetBill sent an answer this application does not understand (an HTML page "
                        "instead of data).")},
        {"empty JSON body", [](SandboxServer &s, const QString &) { s.addFault(ticketFault(200, "")); }, exitTransient,
         QStringLiteral("does not understand (the data is not valid JSON)")},
        {"truncated JSON",
         [](SandboxServer &s, const QString &) {
             s.addFault(ticketFault(200, R"({"error":false,"data":{"id":"report_hostile","filename":"x.csv",)"));
         },
         exitTransient, QStringLiteral("does not understand (the data is not valid JSON)")},
        {"50 MiB JSON",
         [](SandboxServer &s, const QString &) {
             QByteArray big = R"({"error":false,"message":")";
             big += QByteArray(50 * 1024 * 1024, 'a');
             big += R"("})";
             s.addFault(ticketFault(200, big));
         },
         exitTransient, QStringLiteral("GetBill sent an answer larger than")},
        {"wrong types in the ticket",
         [](SandboxServer &s, const QString &) {
             SandboxReport r = hostileReport();
             r.ticketOverrides = QJsonObject{{QStringLiteral("file_size"), QStringLiteral("300000")}};
             s.addReport(r);
         },
         exitTransient, QStringLiteral("field \"file_size\" is missing or not a number")},
        {"filename ../../x.pdf",
         [](SandboxServer &s, const QString &) { s.addReport(hostileReport(1000, QStringLiteral("../../x.pdf"))); },
         exitOk,
         {},
         QStringLiteral("x.pdf.csv")},
        {"filename C:\\x.pdf",
         [](SandboxServer &s, const QString &) { s.addReport(hostileReport(1000, QStringLiteral("C:\\x.pdf"))); },
         exitOk,
         {},
         QStringLiteral("x.pdf.csv")},
        {"filename NUL.txt",
         [](SandboxServer &s, const QString &) { s.addReport(hostileReport(1000, QStringLiteral("NUL.txt"))); },
         exitOk,
         {},
         QStringLiteral("_NUL.txt.csv")},
        {"filename .",
         [](SandboxServer &s, const QString &) { s.addReport(hostileReport(1000, QStringLiteral("."))); },
         exitOk,
         {},
         QStringLiteral("report_hostile.csv")},
        {"filename ..",
         [](SandboxServer &s, const QString &) { s.addReport(hostileReport(1000, QStringLiteral(".."))); },
         exitOk,
         {},
         QStringLiteral("report_hostile.csv")},
        {"filename of 300 characters",
         [](SandboxServer &s, const QString &) {
             s.addReport(hostileReport(1000, QString(296, QLatin1Char('a')) + QStringLiteral(".pdf")));
         },
         exitOk,
         {},
         QString(196, QLatin1Char('a')) + QStringLiteral(".csv")},
        {"filename with control characters",
         [](SandboxServer &s, const QString &) {
             s.addReport(hostileReport(1000, QStringLiteral("in\x01voice\n\t2024\x7f.pdf")));
         },
         exitOk,
         {},
         QStringLiteral("invoice2024.pdf.csv")},
        {"filename with right-to-left marks",
         [](SandboxServer &s, const QString &) {
             s.addReport(hostileReport(1000, QStringLiteral("invoice\u202Efdp.exe\u200F")));
         },
         exitOk,
         {},
         QStringLiteral("invoicefdp.csv")},
        {"untrusted TLS certificate",
         [](SandboxServer &, const QString &) {},
         exitTransient, // a network failure (exit 5, README's table); issue 9: it was 4
         QStringLiteral("could not be verified (untrusted or invalid certificate)"),
         {},
         {},
         true},
        {"existing file without --overwrite",
         [](SandboxServer &s, const QString &folder) {
             SandboxReport r = hostileReport(1000, bystander);
             r.mimeType = QStringLiteral("application/pdf"); // the name must be the one already there
             s.addReport(r);
             Q_UNUSED(folder);
         },
         exitLocal, QStringLiteral("bystander.pdf already exists; it was left untouched.")},
        {"wrong Content-Range on resume",
         [](SandboxServer &s, const QString &) {
             Fault cut = downloadFault();
             cut.cutAfterBytes = 100'000;
             s.addFault(cut);
             Fault lie = downloadFault();
             lie.headers = {{"Content-Range", "bytes 0-299999/300000"}};
             s.addFault(lie);
         },
         exitOk, QStringLiteral("Trying again in"), QStringLiteral("hostile.csv")},
        {"checksum does not match",
         [](SandboxServer &s, const QString &) {
             Fault f = downloadFault(-1);
             f.headers = {{"X-Checksum-Sha256", QByteArray(64, 'a')}};
             s.addFault(f);
         },
         exitIntegrity, QStringLiteral("does not match the checksum the download server announced")},
        {"report of another company",
         [](SandboxServer &s, const QString &) {
             SandboxReport r = hostileReport();
             r.ownerCompany = QStringLiteral("acme");
             s.addReport(r);
         },
         exitRefused, QStringLiteral("Access denied to this report")},
        {"report not ready",
         [](SandboxServer &s, const QString &) {
             SandboxReport r = hostileReport();
             r.status = QStringLiteral("processing");
             s.addReport(r);
         },
         exitRefused, QStringLiteral("Report is not ready for download")},
        {"full disk",
         [](SandboxServer &, const QString &) {},
         exitLocal,
         QStringLiteral("File too large"),
         {},
         {},
         false,
         [](QProcess &p) {
             // A 64 kB file size limit plays the full disk: writes beyond it fail (EFBIG) instead of killing.
             p.setChildProcessModifier([] {
                 ::signal(SIGXFSZ, SIG_IGN);
                 const rlimit limit{64 * 1024, 64 * 1024};
                 ::setrlimit(RLIMIT_FSIZE, &limit);
             });
         }},
    };
}
} // namespace

class TestHostile : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void hostile_data();
    void hostile();
    void unwritableFolder();
    void killedMidDownloadThenRestarted();
    void severalIdsOneFailing();

private:
    struct Run
    {
        std::unique_ptr<SandboxServer> server;
        QTemporaryDir home;
        QTemporaryDir folder;
    };
    std::unique_ptr<Run> prepare(bool tls = false);
    QProcessEnvironment environment(const Run &run) const;
    Result runCli(Run &run, const QStringList &args, const std::function<void(QProcess &)> &setup = {});
    void checkFolder(const Run &run, const QStringList &expected);
    static bool downloadHostSawNoAuthorization(const SandboxServer &server);
};

void TestHostile::initTestCase()
{
    QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath()));
    QCOMPARE(cases().size(), 39);
}

std::unique_ptr<TestHostile::Run> TestHostile::prepare(bool tls)
{
    auto run = std::make_unique<Run>();
    run->server = std::make_unique<SandboxServer>();
    SandboxServer::Options options;
    options.tls = tls;
    options.sampleData = false;
    if (!run->server->start(options))
        qFatal("sandbox: %s", qPrintable(run->server->errorString()));
    run->server->addReport(hostileReport());
    QFile file(QDir(run->folder.path()).filePath(bystander));
    if (!file.open(QIODevice::WriteOnly) || file.write(bystanderBytes) != bystanderBytes.size())
        qFatal("cannot write the bystander file");
    return run;
}

QProcessEnvironment TestHostile::environment(const Run &run) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString &key : keys)
        if (key.startsWith(QLatin1String("GETBILL_")) || key.startsWith(QLatin1String("LC_")) ||
            key == QLatin1String("LANG") || key == QLatin1String("LANGUAGE"))
            env.remove(key);
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("HOME"), run.home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), run.home.path() + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), run.home.path() + QStringLiteral("/config"));
    env.insert(QStringLiteral("GETBILL_API_URL"), run.server->apiUrl().toString());
    env.insert(QStringLiteral("GETBILL_TOKEN"), SandboxServer::demoToken());
    env.insert(QStringLiteral("GETBILL_TEST_RETRY_BASE_MS"), QStringLiteral("10"));
    env.insert(QStringLiteral("GETBILL_TEST_TIMEOUT_MS"), QStringLiteral("1000"));
    return env;
}

Result TestHostile::runCli(Run &run, const QStringList &args, const std::function<void(QProcess &)> &setup)
{
    QProcess process;
    process.setProgram(cliPath());
    process.setArguments(args);
    process.setProcessEnvironment(environment(run));
    process.setStandardInputFile(QProcess::nullDevice());
    if (setup)
        setup(process);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start();
    // Never waitForFinished(): the sandbox in this thread must keep serving the child.
    if (!finished.wait(60'000)) {
        process.kill();
        QSignalSpy(&process, &QProcess::finished).wait(5000);
    }
    Result r;
    r.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

bool TestHostile::downloadHostSawNoAuthorization(const SandboxServer &server)
{
    const QList<RecordedRequest> requests = server.requests();
    for (const RecordedRequest &r : requests)
        if (r.host == Fault::Host::Download && r.headers.contains("authorization"))
            return false;
    return true;
}

void TestHostile::checkFolder(const Run &run, const QStringList &expected)
{
    QDir dir(run.folder.path());
    QStringList names = dir.entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    QStringList want = expected;
    want << bystander;
    want.sort();
    QCOMPARE(names, want);
    QFile file(dir.filePath(bystander));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), bystanderBytes);
}

void TestHostile::hostile_data()
{
    QTest::addColumn<int>("index");
    const QList<Case> all = cases();
    for (int i = 0; i < all.size(); ++i)
        QTest::newRow(all.at(i).name) << i;
}

void TestHostile::hostile()
{
    QFETCH(int, index);
    const Case c = cases().at(index);
    auto run = prepare(c.tls);
    c.setup(*run->server, run->folder.path());
    const QStringList args =
        QStringList{QStringLiteral("download"), reportId, QStringLiteral("--output-dir"), run->folder.path()} +
        c.extraArgs;
    const Result r = runCli(*run, args, c.processSetup);
    QVERIFY2(r.code == c.exit, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.code).arg(r.err)));
    if (c.message.isEmpty())
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    else
        QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
    // Nothing secret in what people read.
    QVERIFY2(!r.err.contains(QLatin1String("signature")) && !r.err.contains(SandboxServer::demoToken()),
             qPrintable(r.err));
    if (c.exit == exitOk) {
        const QString path = QDir(run->folder.path()).filePath(c.savedAs);
        QCOMPARE(r.out, QDir::toNativeSeparators(path) + QLatin1Char('\n'));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll() == run->server->contentOf(reportId));
        checkFolder(*run, {c.savedAs});
    } else {
        QCOMPARE(r.out, QString());
        checkFolder(*run, {});
    }
    QVERIFY(downloadHostSawNoAuthorization(*run->server));
}

void TestHostile::unwritableFolder()
{
    auto run = prepare();
    const QString folder = run->folder.path();
    // Permissions do not stop root: the immutable attribute does, where the file system has it.
    const bool root = ::geteuid() == 0;
    if (root && QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("+i"), folder}) != 0)
        QSKIP("cannot make a folder unwritable for root here (no chattr +i)");
    if (!root)
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner);
    const Result r = runCli(*run, {QStringLiteral("download"), reportId, QStringLiteral("--output-dir"), folder});
    if (root)
        QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("-i"), folder});
    else
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QCOMPARE(r.code, exitLocal);
    QVERIFY2(r.err.contains(QStringLiteral("Cannot write in the folder ") + folder), qPrintable(r.err));
    checkFolder(*run, {});
}

void TestHostile::killedMidDownloadThenRestarted()
{
    auto run = prepare();
    run->server->addReport(hostileReport(4'000'000));
    Fault stall = downloadFault();
    stall.stallAfterBytes = 1'500'000;
    run->server->addFault(stall);
    const QDir dir(run->folder.path());
    const QString part = dir.filePath(QStringLiteral("hostile.csv.part"));

    QProcess first;
    first.setProgram(cliPath());
    first.setArguments({QStringLiteral("download"), reportId, QStringLiteral("--output-dir"), dir.path()});
    QProcessEnvironment env = environment(*run);
    env.insert(QStringLiteral("GETBILL_TEST_TIMEOUT_MS"), QStringLiteral("60000"));
    first.setProcessEnvironment(env);
    QSignalSpy firstFinished(&first, &QProcess::finished);
    first.start();
    // The .part grows while the sandbox serves; QTRY keeps the event loop (and so the sandbox) running.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(part).size() >= 1'000'000, 20'000);
    ::kill(pid_t(first.processId()), SIGKILL);
    QVERIFY(firstFinished.wait(10'000));
    QCOMPARE(first.exitStatus(), QProcess::CrashExit);
    QVERIFY(!dir.exists(QStringLiteral("hostile.csv")));
    QVERIFY(QFileInfo::exists(part));
    const qint64 kept = QFileInfo(part).size();

    // The next start continues the .part: a Range request, and the whole file byte for byte.
    run->server->clearRequests();
    const Result r = runCli(*run, {QStringLiteral("download"), reportId, QStringLiteral("--output-dir"), dir.path()});
    QCOMPARE(r.code, exitOk);
    QCOMPARE(r.err, QString());
    QCOMPARE(r.out, QDir::toNativeSeparators(dir.filePath(QStringLiteral("hostile.csv"))) + QLatin1Char('\n'));
    QFile file(dir.filePath(QStringLiteral("hostile.csv")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll() == run->server->contentOf(reportId));
    QByteArray range;
    for (const RecordedRequest &req : run->server->requests())
        if (req.host == Fault::Host::Download)
            range = req.headers.value("range");
    QVERIFY2(range.startsWith("bytes=") && range.mid(6).chopped(1).toLongLong() > 0 &&
                 range.mid(6).chopped(1).toLongLong() <= kept,
             range.constData());
    checkFolder(*run, {QStringLiteral("hostile.csv")});
    QVERIFY(downloadHostSawNoAuthorization(*run->server));

    // And `list` marks it as downloaded.
    const Result list = runCli(*run, {QStringLiteral("list")});
    QCOMPARE(list.code, exitOk);
    QVERIFY2(list.out.contains(QStringLiteral("Hostile  [downloaded]")), qPrintable(list.out));
}

void TestHostile::severalIdsOneFailing()
{
    auto run = prepare();
    SandboxReport other = hostileReport(2000, QStringLiteral("other.csv"));
    other.id = QStringLiteral("report_other");
    run->server->addReport(other);
    const Result r = runCli(*run, {QStringLiteral("download"), QStringLiteral("report_missing"), reportId,
                                   QStringLiteral("report_other"), QStringLiteral("--output-dir"), run->folder.path(),
                                   QStringLiteral("--jobs"), QStringLiteral("2")});
    // Every success is saved and printed; the status is the first failure's.
    QCOMPARE(r.code, exitRefused);
    QVERIFY2(r.err.contains(QStringLiteral("Report report_missing: Report not found")), qPrintable(r.err));
    QStringList out = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    out.sort();
    const QDir dir(run->folder.path());
    QCOMPARE(out,
             (QStringList{dir.filePath(QStringLiteral("hostile.csv")), dir.filePath(QStringLiteral("other.csv"))}));
    checkFolder(*run, {QStringLiteral("hostile.csv"), QStringLiteral("other.csv")});
}

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
