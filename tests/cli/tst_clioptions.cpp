// Unit tests of the CLI's pure parts: command-line parsing, exit status mapping and report formatting.
#include "CliOptions.h"
#include "ExitStatus.h"
#include "ReportPrinter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using getbill::ApiError;
using getbill::Report;
using namespace getbill::cli;

class tst_CliOptions : public QObject
{
    Q_OBJECT

private:
    static std::optional<CliOptions> parse(const QStringList &arguments, QString *error = nullptr)
    {
        QString ignored;
        return CliOptions::parse(arguments, error ? error : &ignored);
    }

private slots:
    void downloadDefaultsAndDuplicates()
    {
        const auto o = parse({QStringLiteral("download"), QStringLiteral("report_b"), QStringLiteral("report_a"),
                              QStringLiteral("report_b")});
        QVERIFY(o);
        QCOMPARE(o->command, CliOptions::Command::Download);
        QCOMPARE(o->ids, (QStringList{QStringLiteral("report_b"), QStringLiteral("report_a")}));
        QCOMPARE(o->jobs, 3);
        QVERIFY(o->outputDir.isEmpty());
        QVERIFY(o->outputFile.isEmpty());
        QVERIFY(!o->overwrite);
    }

    void optionForms()
    {
        const auto o =
            parse({QStringLiteral("download"), QStringLiteral("--jobs=8"), QStringLiteral("report_a"),
                   QStringLiteral("--output-dir=/tmp/x"), QStringLiteral("--overwrite"), QStringLiteral("--demo")});
        QVERIFY(o);
        QCOMPARE(o->jobs, 8);
        QCOMPARE(o->outputDir, QStringLiteral("/tmp/x"));
        QVERIFY(o->overwrite);
        QVERIFY(o->demo); // global options are accepted after the command word too
    }

    void syncOptions()
    {
        const auto o = parse(
            {QStringLiteral("sync"), QStringLiteral("--output-dir"), QStringLiteral("/srv/r"), QStringLiteral("--type"),
             QStringLiteral("financial"), QStringLiteral("--type=aging"), QStringLiteral("--type"),
             QStringLiteral("financial"), QStringLiteral("--since=2024-02-29"), QStringLiteral("--template"),
             QStringLiteral("{type}/{filename}"), QStringLiteral("--dry-run"), QStringLiteral("--wait-pending"),
             QStringLiteral("--refetch-missing"), QStringLiteral("--reserve=0"), QStringLiteral("--jobs=2")});
        QVERIFY(o);
        QCOMPARE(o->command, CliOptions::Command::Sync);
        QCOMPARE(o->outputDir, QStringLiteral("/srv/r"));
        QCOMPARE(o->types, (QStringList{QStringLiteral("financial"), QStringLiteral("aging")}));
        QCOMPARE(o->since, QDate(2024, 2, 29));
        QCOMPARE(o->placement.text(), QStringLiteral("{type}/{filename}"));
        QVERIFY(o->dryRun);
        QVERIFY(o->refetchMissing);
        QCOMPARE(o->waitPendingMs, CliOptions::defaultWaitPendingMs);
        QCOMPARE(o->reserve, 0);
        QCOMPARE(o->jobs, 2);

        const auto defaults = parse({QStringLiteral("sync"), QStringLiteral("--output-dir=x")});
        QVERIFY(defaults);
        QCOMPARE(defaults->placement.text(), QStringLiteral("{filename}"));
        QCOMPARE(defaults->waitPendingMs, 0);
        QCOMPARE(defaults->reserve, 50);
        QVERIFY(defaults->types.isEmpty());
        QVERIFY(!defaults->since.isValid());
    }

    void durations()
    {
        QCOMPARE(CliOptions::parseDuration(QStringLiteral("90s")), std::optional<qint64>(90'000));
        QCOMPARE(CliOptions::parseDuration(QStringLiteral("15m")), std::optional<qint64>(900'000));
        QCOMPARE(CliOptions::parseDuration(QStringLiteral("2h")), std::optional<qint64>(7'200'000));
        for (const char *bad : {"", "15", "m", "1.5h", "-1m", "15 m", "15M", "1d", "12345678s"})
            QVERIFY2(!CliOptions::parseDuration(QString::fromLatin1(bad)), bad);
        const auto o =
            parse({QStringLiteral("sync"), QStringLiteral("--output-dir=x"), QStringLiteral("--wait-pending=90s")});
        QVERIFY(o);
        QCOMPARE(o->waitPendingMs, 90'000);
    }

    void doubleDashEndsOptions()
    {
        const auto o = parse({QStringLiteral("show"), QStringLiteral("--"), QStringLiteral("--json")});
        QVERIFY(o);
        QCOMPARE(o->ids, QStringList{QStringLiteral("--json")});
        QVERIFY(!o->json);
    }

    void duplicatesCountOnceForOutput()
    {
        const auto o = parse({QStringLiteral("download"), QStringLiteral("report_a"), QStringLiteral("report_a"),
                              QStringLiteral("--output"), QStringLiteral("a.pdf")});
        QVERIFY(o);
        QCOMPARE(o->outputFile, QStringLiteral("a.pdf"));
    }

    void authTakesTheRest()
    {
        const auto o = parse({QStringLiteral("--api-url"), QStringLiteral("https://x.test/v1"), QStringLiteral("auth"),
                              QStringLiteral("set-client"), QStringLiteral("--client-id"), QStringLiteral("abc")});
        QVERIFY(o);
        QCOMPARE(o->command, CliOptions::Command::Auth);
        QCOMPARE(o->apiUrl, QStringLiteral("https://x.test/v1"));
        QCOMPARE(o->authArguments,
                 (QStringList{QStringLiteral("set-client"), QStringLiteral("--client-id"), QStringLiteral("abc")}));
    }

    void helpWins()
    {
        const auto o = parse(
            {QStringLiteral("download"), QStringLiteral("--jobs"), QStringLiteral("2"), QStringLiteral("--help")});
        QVERIFY(o);
        QCOMPARE(o->command, CliOptions::Command::Help);
    }

    void exitStatuses_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("httpStatus");
        QTest::addColumn<int>("expected");
        using K = ApiError::Kind;
        QTest::newRow("401") << int(K::Http) << 401 << 3;
        QTest::newRow("no token") << int(K::NotAuthenticated) << 0 << 3;
        QTest::newRow("403") << int(K::Http) << 403 << 4;
        QTest::newRow("404") << int(K::Http) << 404 << 4;
        QTest::newRow("422") << int(K::Http) << 422 << 4;
        QTest::newRow("insecure URL") << int(K::InsecureUrl) << 0 << 4;
        QTest::newRow("TLS") << int(K::Tls) << 0 << 5; // a network failure (README; issue 9: was 4)
        QTest::newRow("429") << int(K::Http) << 429 << 5;
        QTest::newRow("503") << int(K::Http) << 503 << 5;
        QTest::newRow("network") << int(K::Network) << 0 << 5;
        QTest::newRow("timeout") << int(K::Timeout) << 0 << 5;
        QTest::newRow("invalid response") << int(K::InvalidResponse) << 0 << 5;
        QTest::newRow("integrity") << int(K::Integrity) << 0 << 6;
        QTest::newRow("local file") << int(K::LocalFile) << 0 << 7;
        QTest::newRow("cancelled") << int(K::Cancelled) << 0 << 130;
    }

    void exitStatuses()
    {
        QFETCH(int, kind);
        QFETCH(int, httpStatus);
        QFETCH(int, expected);
        const ApiError error(static_cast<ApiError::Kind>(kind), QStringLiteral("x"), httpStatus);
        QCOMPARE(toInt(exitStatusFor(error)), expected);
    }

    void rateLimitMessageSaysWhenToComeBack()
    {
        const ApiError error = ApiError::fromHttp(
            429, "{\"error\":true,\"message\":\"Rate limit exceeded.\",\"details\":{\"retry_after\":7500}}", {});
        QCOMPARE(userMessage(error), QStringLiteral("Rate limit exceeded. GetBill asks to wait 2 h 5 min before "
                                                    "trying again."));
    }

    void tableAlignsAndNeutralisesControlCharacters()
    {
        Report a;
        a.id = QStringLiteral("report_a");
        a.type = QStringLiteral("financial");
        a.status = QStringLiteral("completed");
        a.periodFrom = QDate(2024, 1, 1);
        a.periodTo = QDate(2024, 1, 31);
        a.fileSize = 2048;
        a.title = QStringLiteral("Evil\x1b[2Jtitle");
        Report b;
        b.id = QStringLiteral("report_bbbbbbbb");
        b.type = QStringLiteral("x");
        b.status = QStringLiteral("pending");
        b.title = QStringLiteral("Second");
        const QStringList lines = ReportPrinter::table({a, b});
        QCOMPARE(lines.size(), 3);
        // Every column but the title padded to its widest cell, two spaces apart; sizes right-aligned.
        QCOMPARE(lines[0],
                 QStringLiteral("ID               TYPE       STATUS     PERIOD                    SIZE  TITLE"));
        // Sizes in decimal SI units, as in the window (kB, MB, GB).
        QCOMPARE(lines[1], QStringLiteral(
                               "report_a         financial  completed  2024-01-01..2024-01-31  2.0 kB  Evil [2Jtitle"));
        // No period and no file yet: "—" (Format::noValue), as the window's list and panel show it, not "0 bytes".
        QCOMPARE(lines[2], QStringLiteral("report_bbbbbbbb  x          pending    \u2014                            "
                                          "\u2014  Second"));
    }

    void jsonKeepsTheApiObject()
    {
        Report r;
        r.json = QJsonObject{{QStringLiteral("id"), QStringLiteral("report_a")}, {QStringLiteral("new_field"), 1}};
        const QJsonArray array = QJsonDocument::fromJson(ReportPrinter::jsonArray({r, r})).array();
        QCOMPARE(array.size(), 2);
        QCOMPARE(array.at(1).toObject(), r.json);
    }
};

QTEST_GUILESS_MAIN(tst_CliOptions)
#include "tst_clioptions.moc"
