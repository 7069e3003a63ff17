// list_filter: the window with a long list (scripts/bench: 10,000 reports from getbill-sandbox). Measures how long
// the list takes to load into the window, then types a search into the search field one key at a time and measures
// each keystroke until the window has handled it (filter, count, repaint). Prints the figures, the last lines
// machine-readable: window_list_ms=X, list_stall_ms=X (the longest the window could not react while the list
// loaded), filter_ms_median=X, filter_ms_max=X. The list is sorted as it opens (by period), or by the column
// --sort-column names (0: the title, the slowest order: text in the user's collation).
//
//   GETBILL_TOKEN=T list_filter --api-url URL [--query TEXT] [--sort-column N]
#include "FileLauncher.h"
#include "MainWindow.h"
#include "SaveLocationChooser.h"
#include "Settings.h"
#include "api/ApiClient.h"
#include "auth/TokenProvider.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

using namespace getbill;

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto value = [&args](const QString &name, const QString &fallback = {}) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
    };
    const QUrl apiUrl(value(QStringLiteral("--api-url")));
    const QString query = value(QStringLiteral("--query"), QStringLiteral("collection report 12"));
    const QString token = qEnvironmentVariable("GETBILL_TOKEN");
    if (!apiUrl.isValid() || token.isEmpty()) {
        std::fprintf(stderr, "usage: GETBILL_TOKEN=T list_filter --api-url URL [--query TEXT] [--sort-column N]\n");
        return 2;
    }

    QTemporaryDir dir;
    QSettings store(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    Settings settings(&store);
    QNetworkAccessManager network;
    StaticToken tokenProvider(token);
    ApiClient api(&network, &tokenProvider);
    if (!api.setBaseUrl(apiUrl)) {
        std::fprintf(stderr, "list_filter: the API URL is not allowed\n");
        return 2;
    }
    DownloadController controller(&api, nullptr);
    gui::NativeSaveLocationChooser chooser;
    gui::DesktopFileLauncher launcher;
    gui::MainWindow window(&api, &controller, &settings, &chooser, &launcher);
    window.show();

    QEventLoop wait;
    bool loaded = false;
    QObject::connect(&window, &gui::MainWindow::listLoaded, &wait, [&](bool ok) {
        loaded = ok;
        wait.quit();
    });
    // While the pages arrive, a 10 ms timer ticks: the longest gap between its ticks is how long the window could not
    // react to the user while the list loaded.
    QElapsedTimer clock;
    QElapsedTimer sinceTick;
    double longestGapMs = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(10);
    QObject::connect(&ticker, &QTimer::timeout, &wait, [&] {
        longestGapMs = std::max(longestGapMs, static_cast<double>(sinceTick.nsecsElapsed()) / 1e6);
        sinceTick.restart();
    });
    clock.start();
    sinceTick.start();
    ticker.start();
    window.showReports();
    QTimer::singleShot(120'000, &wait, &QEventLoop::quit);
    wait.exec();
    ticker.stop();
    const double listMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    if (!loaded) {
        std::fprintf(stderr, "list_filter: the list did not load\n");
        return 1;
    }
    auto *search = window.findChild<QLineEdit *>(QStringLiteral("searchEdit"));
    if (!search) {
        std::fprintf(stderr, "list_filter: no search field\n");
        return 1;
    }
    if (const int column = value(QStringLiteral("--sort-column"), QStringLiteral("-1")).toInt(); column >= 0)
        window.findChild<QTableView *>(QStringLiteral("reportTable"))->sortByColumn(column, Qt::AscendingOrder);
    search->setFocus();
    QCoreApplication::processEvents();

    // Each key: the key event, the filter it triggers, and the repaint that shows the result.
    std::vector<double> keys;
    auto timeKey = [&](Qt::Key key, char text) {
        clock.restart();
        if (text)
            QTest::keyClick(search, text);
        else
            QTest::keyClick(search, key);
        QCoreApplication::processEvents();
        keys.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
    };
    for (const QChar c : query)
        timeKey(Qt::Key_unknown, c.toLatin1());
    for (qsizetype i = 0; i < query.size(); ++i)
        timeKey(Qt::Key_Backspace, 0);
    if (!search->text().isEmpty()) {
        std::fprintf(stderr, "list_filter: typing did not reach the search field\n");
        return 1;
    }
    std::printf("list_filter: %s, window (%s), query \"%s\" typed then erased\n", qPrintable(apiUrl.toString()),
                qPrintable(QGuiApplication::platformName()), qPrintable(query));
    std::printf("  list loaded in:  %.0f ms\n", listMs);
    std::printf("  keystrokes:      %zu, in ms:", keys.size());
    for (const double ms : keys)
        std::printf(" %.1f", ms);
    std::printf("\n");
    std::sort(keys.begin(), keys.end());
    std::printf("  longest stall while it loaded: %.1f ms (10 ms timer)\n", longestGapMs);
    std::printf("window_list_ms=%.0f\n", listMs);
    std::printf("list_stall_ms=%.1f\n", longestGapMs);
    std::printf("filter_ms_median=%.1f\n", keys[keys.size() / 2]);
    std::printf("filter_ms_max=%.1f\n", keys.back());
    return 0;
}
