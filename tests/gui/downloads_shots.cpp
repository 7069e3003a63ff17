// downloads_shots: the real application on demo data with its downloads panel in a given state, for screenshots
// (scripts/screenshots --downloads SCENE takes them under Xvfb). Not a test: a driver, so that what the README shows
// can be made again.
//
//   downloads_shots --scene list|generating|running|failed|history|empty|quit|signin|settings|watch|watchrule|
//                           shortcuts [--dark] [--font PT] [--size WxH]
//
// list: the list with a completed report's details beside it (no downloads panel); generating: the same with a
// report GetBill is still generating (the panel explains why it cannot be downloaded yet); running: two downloads held
// by the demo host part-way; failed: one saved, one refused by the download host, the failed one selected (Retry);
// history: three reports saved by an earlier run of the application, listed after a restart; empty: a first start;
// quit: Ctrl+Q with downloads running (the quit question); signin: the sign-in dialog over the demo; settings: the
// settings dialog; watch: its Watch page with two rules of the demo account (one on, one off); watchrule: the rule
// dialog over it, refusing a template with an unknown field; shortcuts: Help > Keyboard shortcuts.
// Prints READY once the scene shows, then stays until it is killed.

#include "Application.h"
#include "DemoHost.h"
#include "DemoReports.h"
#include "MainWindow.h"
#include "ReportFilterModel.h"
#include "ReportTableModel.h"
#include "ReportsView.h"
#include "Settings.h"
#include "ShotPalette.h"
#include "Translations.h"
#include "WatchRuleDialog.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"
#include "sandbox/SampleCatalogue.h"
#include "sandbox/SandboxServer.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSettings>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <cstdio>
#include <memory>

using namespace getbill;

namespace {

void ready(QObject *context, int delayMs = 1500)
{
    QTimer::singleShot(delayMs, context, [] {
        std::printf("READY\n");
        std::fflush(stdout);
    });
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("GetBill Reports"));
    const QStringList args = app.arguments();
    auto value = [&args](const QString &name, const QString &fallback = {}) {
        return test::argument(args, name, fallback);
    };
    const QString scene = value(QStringLiteral("--scene"), QStringLiteral("running"));
    test::applyLook(args);
    const auto translations = test::applyLanguage(args);
    QTemporaryDir folder;
    if (scene.startsWith(u"watch")) {
        // The demo account's rules, in the settings the application reads (the platform's, under a throw-away HOME).
        QSettings store;
        WatchRule monthly;
        monthly.name = QStringLiteral("Monthly financial");
        monthly.types = {QStringLiteral("financial")};
        monthly.folder = QDir::home().filePath(QStringLiteral("Reports/2026"));
        monthly.templateText = QStringLiteral("{period_from:yyyy-MM}/{filename}");
        WatchRule collections;
        collections.name = QStringLiteral("Collections");
        collections.types = {QStringLiteral("collection")};
        collections.folder = QDir::home().filePath(QStringLiteral("Reports/Collections"));
        collections.templateText = QStringLiteral("{type}/{period_from:yyyy}/{filename}");
        collections.enabled = false;
        QDir().mkpath(monthly.folder);
        QDir().mkpath(collections.folder);
        Settings(&store).setWatchRules(QStringLiteral("demo"), {monthly, collections});
    }
    DemoHost demo;
    gui::Application::Parts parts;
    parts.demo = &demo;
    auto application = std::make_unique<gui::Application>(gui::Application::Options{{}, true, {}}, parts);
    if (!application->start())
        return 2;

    auto stage = [&](gui::Application *current) {
        gui::MainWindow *window = current->window();
        const QStringList size = value(QStringLiteral("--size"), QStringLiteral("1200x740")).split(QLatin1Char('x'));
        if (size.size() == 2)
            window->resize(size[0].toInt(), size[1].toInt());
        window->move(0, 0);
        window->findChild<QDockWidget *>()->setVisible(scene != u"list" && scene != u"generating");
    };
    stage(application.get());
    gui::MainWindow *window = application->window();
    DownloadController *downloads = application->downloads();
    DownloadQueue *queue = downloads->queue();
    const auto toFolder = DownloadTarget::folder(folder.path());

    QObject::connect(window, &gui::MainWindow::listLoaded, window, [&] {
        if (scene == u"empty") {
            ready(window);
        } else if (scene == u"list" || scene == u"generating") {
            // The first of the list as it is shown (newest period first).
            const QAbstractItemModel *shown = window->reportsView()->filterModel();
            for (int row = 0; row < shown->rowCount(); ++row) {
                const Report r = shown->index(row, 0).data(gui::ReportTableModel::ReportRole).value<Report>();
                if (scene == u"list" ? r.canDownload() && r.fileSize < 1'000'000 : r.status == u"processing") {
                    window->reportsView()->selectIds({r.id});
                    break;
                }
            }
            ready(window);
        } else if (scene == u"signin") {
            application->signIn();
            ready(window);
        } else if (scene == u"shortcuts") {
            window->findChild<QAction *>(QStringLiteral("actionShortcuts"))->trigger();
            ready(window);
        } else if (scene == u"settings") {
            QTimer::singleShot(0, window, [window] { window->openSettings(); }); // modal: after READY is queued
            ready(window);
        } else if (scene == u"watch" || scene == u"watchrule") {
            QTimer::singleShot(0, window, [window] { window->openSettings(); });
            QTimer::singleShot(400, window, [&] {
                QWidget *dialog = QApplication::activeModalWidget();
                if (!dialog)
                    return;
                dialog->findChild<QTabWidget *>(QStringLiteral("pages"))->setCurrentIndex(1);
                if (scene == u"watchrule") {
                    QTimer::singleShot(0, window, [] {
                        auto *rule = qobject_cast<gui::WatchRuleDialog *>(QApplication::activeModalWidget());
                        if (!rule)
                            return;
                        rule->findChild<QLineEdit *>(QStringLiteral("ruleTemplate"))
                            ->setText(QStringLiteral("{period_form:yyyy}/{filename}"));
                        rule->accept();
                    });
                    dialog->findChild<QPushButton *>(QStringLiteral("watchEdit"))->click();
                }
            });
            ready(window, 2500);
        } else if (scene == u"running" || scene == u"quit") {
            demo.run([](sandbox::SandboxServer &server) {
                for (const qint64 bytes : {qint64(97) << 20, qint64(2) << 20}) {
                    sandbox::Fault hold;
                    hold.host = sandbox::Fault::Host::Download;
                    hold.stallAfterBytes = bytes;
                    server.addFault(hold);
                }
            });
            downloads->download({sandbox::SampleCatalogue::largeReportId()}, toFolder);
            QTimer::singleShot(300, window, [&] { downloads->download(test::smallReports(window, 1), toFolder); });
            QTimer::singleShot(2500, window, [&] {
                if (scene == u"quit")
                    window->findChild<QAction *>(QStringLiteral("actionQuit"))->trigger();
                ready(window);
            });
        } else if (scene == u"failed") {
            const QStringList ids = test::smallReports(window, 2);
            downloads->download({ids.at(0)}, toFolder);
            QObject::connect(queue, &DownloadQueue::itemFinished, window, [&, ids](int row) {
                if (row == 0) {
                    demo.run([](sandbox::SandboxServer &server) {
                        sandbox::Fault refused;
                        refused.host = sandbox::Fault::Host::Download;
                        refused.status = 403;
                        refused.body = "<Error><Code>AccessDenied</Code></Error>";
                        refused.contentType = "application/xml";
                        refused.times = -1;
                        server.addFault(refused);
                    });
                    downloads->download({ids.at(1)}, toFolder);
                } else {
                    QListView *view = window->findChild<QListView *>(QStringLiteral("downloadsView"));
                    view->setCurrentIndex(view->model()->index(0, 0));
                    view->setFocus();
                    ready(window);
                }
            });
        } else if (scene == u"history") {
            downloads->download(test::smallReports(window, 3), toFolder);
            QObject::connect(queue, &DownloadQueue::idle, window, [&] {
                // The next start of the application: the list comes from the history.
                QTimer::singleShot(0, &app, [&] {
                    application = std::make_unique<gui::Application>(gui::Application::Options{{}, true, {}}, parts);
                    application->start();
                    stage(application.get());
                    ready(application->window(), 2500);
                });
            });
        }
    });
    return QApplication::exec();
}
