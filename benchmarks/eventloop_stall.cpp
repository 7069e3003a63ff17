// eventloop_stall: how long the window's event loop is blocked while three 256 MiB reports download at once.
//
// Starts the demo sandbox (on its own thread, as the application does; --sandbox-in-gui-thread serves it from the
// GUI thread instead, to show the difference), the real MainWindow on the offscreen platform, drops three large
// report ids on it with the "always save to this folder" setting, and ticks a 10 ms timer meanwhile. The gap
// between ticks beyond 10 ms is the time the event loop could not react: the user sees it as a frozen window.
// Prints the longest gap, percentiles, the total time and the throughput.
//
// With --api-url URL --ids ID[,ID...] [--ca-bundle PEM] (token from GETBILL_TOKEN) it downloads those reports from
// that API instead (scripts/bench: getbill-sandbox as API, nginx over TLS as download host, one 1 GiB report), and
// checks each saved file against --size BYTES when given. The last line is machine-readable: longest_stall_ms=X.

#include "DemoHost.h"
#include "FileLauncher.h"
#include "MainWindow.h"
#include "SaveLocationChooser.h"
#include "Settings.h"
#include "api/ApiClient.h"
#include "api/NetworkOptions.h"
#include "auth/TokenProvider.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"
#include "sandbox/SandboxServer.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

using namespace getbill;

namespace {

constexpr qint64 LargeSize = 256LL * 1024 * 1024;

sandbox::SandboxReport largeCopy(const sandbox::SandboxReport &large, const QString &id)
{
    sandbox::SandboxReport r = large;
    r.id = id;
    r.filename = id + QStringLiteral(".csv");
    r.title = QStringLiteral("Generated ledger export ") + id;
    r.content.clear();
    r.generatedSize = LargeSize;
    return r;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<size_t>(p * static_cast<double>(values.size() - 1));
    return values[index];
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool sandboxInGuiThread = args.contains(QStringLiteral("--sandbox-in-gui-thread"));
    auto value = [&args](const QString &name) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : QString();
    };
    const QString externalApi = value(QStringLiteral("--api-url"));
    const QString caBundle = value(QStringLiteral("--ca-bundle"));
    const qint64 expectedSize = externalApi.isEmpty() ? LargeSize : value(QStringLiteral("--size")).toLongLong();

    QTemporaryDir dir;
    QSettings store(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    Settings settings(&store);
    const QString downloads = dir.filePath(QStringLiteral("downloads"));
    QDir().mkpath(downloads);
    settings.setSaveMode(Settings::SaveMode::AlwaysToFolder);
    settings.setDownloadFolder(downloads);

    QStringList ids = {QStringLiteral("report_large_256mb"), QStringLiteral("report_large_256mb_b"),
                       QStringLiteral("report_large_256mb_c")};
    DemoHost demo;
    sandbox::SandboxServer inThread;
    QUrl apiUrl;
    QString token = DemoHost::demoToken();
    auto addLarge = [&ids](sandbox::SandboxServer &server) {
        const sandbox::SandboxReport large = *server.report(ids[0]);
        server.addReport(largeCopy(large, ids[1]));
        server.addReport(largeCopy(large, ids[2]));
    };
    if (!externalApi.isEmpty()) {
        apiUrl = QUrl(externalApi);
        ids = value(QStringLiteral("--ids")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        token = qEnvironmentVariable("GETBILL_TOKEN");
        if (ids.isEmpty() || token.isEmpty()) {
            std::fprintf(stderr, "eventloop_stall: --api-url needs --ids and GETBILL_TOKEN\n");
            return 2;
        }
    } else if (sandboxInGuiThread) {
        if (!inThread.start())
            return 1;
        addLarge(inThread);
        apiUrl = inThread.apiUrl();
    } else {
        QString error;
        if (!demo.start(&error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        demo.run(addLarge);
        apiUrl = demo.apiUrl();
    }

    QNetworkAccessManager network;
    StaticToken tokenProvider(token);
    ApiClient api(&network, &tokenProvider);
    api.setBaseUrl(apiUrl);
    if (!caBundle.isEmpty()) {
        NetworkOptions options = api.options();
        QString error;
        if (!options.addCaBundle(caBundle, &error)) {
            std::fprintf(stderr, "eventloop_stall: %s\n", qPrintable(error));
            return 2;
        }
        api.setOptions(options);
    }
    DownloadController controller(&api, nullptr);
    DownloadQueue &queue = *controller.queue();
    queue.setMaxConcurrent(3);
    gui::NativeSaveLocationChooser chooser;
    gui::DesktopFileLauncher launcher;
    gui::MainWindow window(&api, &controller, &settings, &chooser, &launcher);
    window.setDemoMode(true);
    window.show();

    QEventLoop wait;
    QObject::connect(&window, &gui::MainWindow::listLoaded, &wait, &QEventLoop::quit);
    window.showReports();
    wait.exec();

    // The stall probe: a precise 10 ms timer; every gap between ticks is recorded.
    std::vector<double> gaps;
    gaps.reserve(200'000);
    double longestAt = 0; // seconds into the download: where in it the longest stall was
    QElapsedTimer clock;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(10);
    qint64 lastNs = 0;
    QObject::connect(&tick, &QTimer::timeout, &tick, [&] {
        const qint64 now = clock.nsecsElapsed();
        gaps.push_back(static_cast<double>(now - lastNs) / 1e6);
        if (gaps.back() >= *std::max_element(gaps.begin(), gaps.end()))
            longestAt = static_cast<double>(now) / 1e9;
        lastNs = now;
    });

    QObject::connect(&queue, &DownloadQueue::idle, &wait, &QEventLoop::quit);
    clock.start();
    tick.start();
    window.openReportIds(ids);
    wait.exec();
    const double seconds = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    tick.stop();

    int saved = 0;
    qint64 bytes = 0;
    for (int row = 0; row < queue.rowCount(); ++row) {
        const QFileInfo file(queue.targetPath(row));
        if (queue.state(row) == ReportDownloadJob::State::Done && (expectedSize <= 0 || file.size() == expectedSize)) {
            ++saved;
            bytes += file.size();
        } else {
            std::fprintf(stderr, "row %d: %s\n", row, qPrintable(queue.error(row).message()));
        }
    }
    const double longest = gaps.empty() ? 0 : *std::max_element(gaps.begin(), gaps.end());
    if (externalApi.isEmpty())
        std::printf("eventloop_stall: 3 x 256 MiB downloads, sandbox %s, window shown (%s)\n",
                    sandboxInGuiThread ? "in the GUI thread" : "on its own thread (as the application runs it)",
                    qPrintable(QGuiApplication::platformName()));
    else
        std::printf("eventloop_stall: %lld report(s) from %s, window shown (%s)\n", static_cast<long long>(ids.size()),
                    qPrintable(apiUrl.toString()), qPrintable(QGuiApplication::platformName()));
    std::printf("  files saved and size-checked: %d of %lld\n", saved, static_cast<long long>(ids.size()));
    std::printf("  total time:      %.2f s\n", seconds);
    std::printf("  throughput:      %.1f MB/s (%.1f MiB/s)\n", static_cast<double>(bytes) / 1e6 / seconds,
                static_cast<double>(bytes) / (1024.0 * 1024.0) / seconds);
    std::printf("  timer ticks:     %zu (10 ms timer)\n", gaps.size());
    std::printf("  tick gap p50:    %.1f ms\n", percentile(gaps, 0.50));
    std::printf("  tick gap p99:    %.1f ms\n", percentile(gaps, 0.99));
    std::printf("  longest stall:   %.1f ms, ending %.2f s into the download\n", longest, longestAt);
    std::printf("longest_stall_ms=%.1f\n", longest);
    return saved == ids.size() ? 0 : 1;
}
