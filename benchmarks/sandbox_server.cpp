// getbill-sandbox: the sandbox as a process of its own, for benchmarks and scripts (scripts/bench). Reports of any
// size, a list of thousands, links to an external download host (nginx), added API latency. Prints its API URL and
// token as KEY=VALUE lines, READY=1 once every report file for the external host is written, and runs until
// SIGTERM or SIGINT.
//
//   getbill-sandbox [--reports 40x2MiB]... [--report 256MiB]... [--list 10000] [--api-latency-ms 50]
//                   [--external-host https://localhost:P/files/ --secret S --folder DIR] [--link-lifetime S]
#include "BenchSupport.h"
#include "sandbox/SandboxServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <cstdio>

using namespace getbill;
using namespace getbill::bench;

namespace {

/// "256MiB" -> "256MiB", "1000" -> "1000B": the size as it goes into ids and file names.
QString sizeTag(qint64 bytes)
{
    if (bytes % (1024LL * 1024 * 1024) == 0)
        return QString::number(bytes / (1024LL * 1024 * 1024)) + QStringLiteral("GiB");
    if (bytes % (1024LL * 1024) == 0)
        return QString::number(bytes / (1024LL * 1024)) + QStringLiteral("MiB");
    if (bytes % 1024 == 0)
        return QString::number(bytes / 1024) + QStringLiteral("KiB");
    return QString::number(bytes) + QStringLiteral("B");
}

sandbox::SandboxReport makeReport(const QString &id, qint64 size, int index)
{
    static const char *const types[] = {"financial", "collection", "export", "activity"};
    sandbox::SandboxReport r;
    r.id = id;
    r.type = QString::fromLatin1(types[index % 4]);
    r.title = QStringLiteral("%1 report %2 (%3)").arg(r.type).arg(index).arg(sizeTag(size));
    r.description = QStringLiteral("Benchmark report %1").arg(id);
    r.filename = id + QStringLiteral(".csv");
    r.mimeType = QStringLiteral("text/csv");
    r.generatedSize = size;
    r.periodFrom = QDate(2024, 1, 1).addDays(index % 365);
    r.periodTo = r.periodFrom.addDays(30);
    r.createdAt = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(qint64(index) * 60);
    r.generatedAt = r.createdAt.addSecs(30);
    return r;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "getbill-sandbox: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The GetBill sandbox as a stand-alone server for benchmarks."));
    parser.addHelpOption();
    const QCommandLineOption reports(QStringLiteral("reports"), QStringLiteral("N reports of SIZE (e.g. 40x2MiB)."),
                                     QStringLiteral("NxSIZE"));
    const QCommandLineOption single(QStringLiteral("report"), QStringLiteral("One report of SIZE (e.g. 256MiB)."),
                                    QStringLiteral("SIZE"));
    const QCommandLineOption list(QStringLiteral("list"), QStringLiteral("N small reports, for list benchmarks."),
                                  QStringLiteral("N"));
    const QCommandLineOption latency(QStringLiteral("api-latency-ms"),
                                     QStringLiteral("Delay every API answer by MS milliseconds."),
                                     QStringLiteral("MS"));
    const QCommandLineOption external(QStringLiteral("external-host"),
                                      QStringLiteral("Link downloads to this nginx folder URL."),
                                      QStringLiteral("URL"));
    const QCommandLineOption secret(QStringLiteral("secret"), QStringLiteral("nginx's secure_link secret."),
                                    QStringLiteral("S"));
    const QCommandLineOption folder(QStringLiteral("folder"), QStringLiteral("The folder nginx serves at URL."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption lifetime(QStringLiteral("link-lifetime"), QStringLiteral("Link lifetime in seconds."),
                                      QStringLiteral("S"));
    parser.addOptions({reports, single, list, latency, external, secret, folder, lifetime});
    parser.process(app);

    sandbox::SandboxServer server;
    sandbox::SandboxServer::Options options;
    options.sampleData = false;
    if (!server.start(options))
        return fail(server.errorString());

    QStringList ids;
    int index = 0;
    auto add = [&](QString id, qint64 size) {
        while (server.report(id))
            id += QStringLiteral("_b");
        server.addReport(makeReport(id, size, index++));
        ids << id;
    };
    const QStringList batches = parser.values(reports);
    for (const QString &batch : batches) {
        const qsizetype x = batch.indexOf(QLatin1Char('x'));
        bool ok = false;
        const int count = batch.left(x).toInt(&ok);
        // A plain number, not an optional: GCC's -O3 -Wmaybe-uninitialized misreads the optional here.
        const qint64 size = x > 0 ? parseSize(batch.mid(x + 1)).value_or(-1) : -1;
        if (!ok || count < 1 || size < 0)
            return fail(QStringLiteral("--reports wants NxSIZE, e.g. 40x2MiB, not %1").arg(batch));
        for (int i = 1; i <= count; ++i)
            add(QStringLiteral("report_%1_%2").arg(sizeTag(size)).arg(i, 2, 10, QLatin1Char('0')), size);
    }
    const QStringList singles = parser.values(single);
    for (const QString &text : singles) {
        const qint64 size = parseSize(text).value_or(-1);
        if (size < 0)
            return fail(QStringLiteral("--report wants a SIZE, e.g. 256MiB, not %1").arg(text));
        add(QStringLiteral("report_") + sizeTag(size), size);
    }
    int listCount = 0;
    if (parser.isSet(list)) {
        bool ok = false;
        listCount = parser.value(list).toInt(&ok);
        if (!ok || listCount < 1)
            return fail(QStringLiteral("--list wants a number of reports"));
        for (int i = 1; i <= listCount; ++i)
            server.addReport(makeReport(QStringLiteral("report_list_%1").arg(i, 5, 10, QLatin1Char('0')), 256, i));
    }
    if (parser.isSet(latency)) {
        bool ok = false;
        const int ms = parser.value(latency).toInt(&ok);
        if (!ok || ms < 0)
            return fail(QStringLiteral("--api-latency-ms wants milliseconds"));
        // A fault for ever on every API path: each answer waits, as a far-away API would.
        sandbox::Fault slow;
        slow.host = sandbox::Fault::Host::Api;
        slow.times = -1;
        slow.delayMs = ms;
        server.addFault(slow);
    }
    if (parser.isSet(lifetime))
        server.setLinkLifetime(parser.value(lifetime).toInt());
    if (parser.isSet(external)) {
        const QUrl base(parser.value(external), QUrl::StrictMode);
        if (!base.isValid() || !parser.isSet(secret) || !parser.isSet(folder))
            return fail(QStringLiteral("--external-host wants a valid URL, --secret and --folder"));
        server.setExternalDownloadHost(
            sandbox::ExternalDownloadHost{base, parser.value(secret).toUtf8(), parser.value(folder)});
    }

    printValue("API_URL", server.apiUrl().toString());
    printValue("TOKEN_URL", server.tokenUrl().toString());
    printValue("TOKEN", sandbox::SandboxServer::demoToken());
    printValue("DOWNLOAD_ORIGIN", server.downloadOrigin().toString());
    printValue("REPORTS", ids.join(QLatin1Char(' ')));
    printValue("LIST_COUNT", QString::number(listCount));
    // Files for the external host are written before READY, so that no benchmark times the writing.
    if (server.externalDownloadHost()) {
        for (const QString &id : std::as_const(ids)) {
            QString error;
            if (server.prepareExternalFile(id, &error).isEmpty())
                return fail(QStringLiteral("cannot write the file of %1: %2").arg(id, error));
        }
    }
    if (!quitOnTermination())
        return fail(QStringLiteral("cannot watch for SIGTERM"));
    printValue("READY", QStringLiteral("1"));
    return app.exec();
}
