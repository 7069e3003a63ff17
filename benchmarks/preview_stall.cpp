// preview_stall: how long the window's event loop is blocked while it previews a large CSV report (eventloop_stall's
// sibling for the Preview tab).
//
// Starts the demo sandbox on its own thread (as the application does) with one generated CSV report of --size
// bytes (default 50 MiB), the real MainWindow with a preview cache in a temporary folder, selects the report and
// opens the Preview tab, which downloads it into the cache (ticket, verified download, commit) and parses it off the
// GUI thread, and ticks a 10 ms timer meanwhile until the table shows. The gap between ticks beyond 10 ms is the
// time the window could not react. Prints the longest gap, percentiles and the time to the table; the last line is
// machine-readable: longest_stall_ms=X.

#include "DemoHost.h"
#include "FileLauncher.h"
#include "MainWindow.h"
#include "ReportDetailPanel.h"
#include "ReportPreviewPane.h"
#include "ReportsView.h"
#include "SaveLocationChooser.h"
#include "Settings.h"
#include "TablePreviewWidget.h"
#include "api/ApiClient.h"
#include "auth/TokenProvider.h"
#include "download/DownloadController.h"
#include "preview/PreviewCache.h"
#include "sandbox/SandboxServer.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

using namespace getbill;

namespace {

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qsizetype sizeAt = args.indexOf(QStringLiteral("--size"));
    const qint64 size = sizeAt >= 0 && sizeAt + 1 < args.size() ? args.at(sizeAt + 1).toLongLong() : qint64(50) << 20;
    if (size <= 0) {
        std::fprintf(stderr, "preview_stall: --size wants a number of bytes\n");
        return 2;
    }

    QTemporaryDir dir;
    qputenv("XDG_DATA_HOME", dir.filePath(QStringLiteral("data")).toUtf8()); // partial-download records
    QSettings store(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    Settings settings(&store);
    const QString id = QStringLiteral("report_preview_stall");
    DemoHost demo;
    QString error;
    if (!demo.start(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    demo.run([&](sandbox::SandboxServer &server) {
        sandbox::SandboxReport r = *server.report(QStringLiteral("report_large_256mb"));
        r.id = id;
        r.title = QStringLiteral("Ledger export to preview");
        r.filename = QStringLiteral("ledger_preview.csv");
        r.generatedSize = size;
        server.addReport(r);
    });

    QNetworkAccessManager network;
    StaticToken token(DemoHost::demoToken());
    ApiClient api(&network, &token);
    api.setBaseUrl(demo.apiUrl());
    PreviewCache cache(dir.filePath(QStringLiteral("previews")));
    cache.open();
    DownloadController controller(&api, nullptr);
    controller.setPreviewCache(&cache);
    gui::NativeSaveLocationChooser chooser;
    gui::DesktopFileLauncher launcher;
    gui::MainWindow window(&api, &controller, &settings, &chooser, &launcher);
    window.reportsView()->setPreviewCache(&cache);
    window.setDemoMode(true);
    window.show();

    QEventLoop wait;
    QObject::connect(&window, &gui::MainWindow::listLoaded, &wait, &QEventLoop::quit);
    window.showReports();
    wait.exec();

    std::vector<double> gaps;
    QElapsedTimer clock;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(10);
    qint64 lastNs = 0;
    QObject::connect(&tick, &QTimer::timeout, &tick, [&] {
        const qint64 now = clock.nsecsElapsed();
        gaps.push_back(static_cast<double>(now - lastNs) / 1e6);
        lastNs = now;
    });
    gui::ReportPreviewPane *pane = window.detailPanel()->preview();
    qint64 downloadedNs = 0;
    QObject::connect(pane, &gui::ReportPreviewPane::stateChanged, &wait, [&](gui::ReportPreviewPane::State state) {
        if (state == gui::ReportPreviewPane::State::Reading)
            downloadedNs = clock.nsecsElapsed();
        if (state == gui::ReportPreviewPane::State::Showing || state == gui::ReportPreviewPane::State::Failed)
            wait.quit();
    });

    clock.start();
    tick.start();
    window.reportsView()->selectIds({id});
    window.detailPanel()->tabs()->setCurrentWidget(pane); // opening the tab loads the report, whatever its size
    wait.exec();
    const double seconds = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    // What the window does right after the table appears (first paint of 10,000 rows) counts too.
    QTimer::singleShot(300, &wait, &QEventLoop::quit);
    wait.exec();
    tick.stop();

    const bool shown = pane->state() == gui::ReportPreviewPane::State::Showing;
    if (!shown)
        std::fprintf(stderr, "preview_stall: %s\n", qPrintable(pane->message()));
    const double longest = gaps.empty() ? 0 : *std::max_element(gaps.begin(), gaps.end());
    std::printf("preview_stall: preview of a %.1f MiB CSV report (download into the cache, parse), window shown (%s)\n",
                static_cast<double>(size) / (1024.0 * 1024.0), qPrintable(QGuiApplication::platformName()));
    std::printf("  table shown:     %s (%s)\n", shown ? "yes" : "no",
                shown ? qPrintable(pane->tableView()->cutNote(0)) : "");
    std::printf("  downloaded in:   %.2f s\n", static_cast<double>(downloadedNs) / 1e9);
    std::printf("  shown after:     %.2f s\n", seconds);
    std::printf("  timer ticks:     %zu (10 ms timer)\n", gaps.size());
    std::printf("  tick gap p50:    %.1f ms\n", percentile(gaps, 0.50));
    std::printf("  tick gap p99:    %.1f ms\n", percentile(gaps, 0.99));
    std::printf("  longest stall:   %.1f ms\n", longest);
    std::printf("longest_stall_ms=%.1f\n", longest);
    return shown ? 0 : 1;
}
