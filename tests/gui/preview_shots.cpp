// preview_shots: the real application in demo mode, driven to its Preview tab for screenshots (scripts/screenshots
// takes them with ImageMagick's `import -window root` under Xvfb). Not a test: a driver, so that what the README
// shows can be made again.
//
//   preview_shots --kind pdf|csv|xlsx|large [--dark] [--size WxH] [--zoom-in N] [--ask] [--details]
//
// --ask: select another report first, open the tab, then select the report: a report over 20 MiB then waits for
// "Load preview" (the shot is of that). --details: back on the Details tab once the preview showed.
//
// Starts gui::Application as main() does (--demo), waits for the list, selects the newest completed report of the
// kind, opens the Preview tab, waits until the preview shows, prints READY and stays until it is killed.

#include "Application.h"
#include "DemoHost.h"
#include "MainWindow.h"
#include "PdfPreviewWidget.h"
#include "ReportDetailPanel.h"
#include "ReportPreviewPane.h"
#include "ReportTableModel.h"
#include "ReportsView.h"
#include "ShotPalette.h"
#include "Translations.h"
#include "api/Report.h"

#include <QApplication>
#include <QItemSelectionModel>
#include <QPalette>
#include <QSortFilterProxyModel>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <cstdio>

using namespace getbill;

namespace {

bool isKind(const Report &r, const QString &kind)
{
    if (kind == u"pdf")
        return r.mimeType == u"application/pdf";
    if (kind == u"csv")
        return r.mimeType == u"text/csv" && r.fileSize < 1'000'000;
    if (kind == u"large")
        return r.fileSize > 20 * 1024 * 1024;
    return r.mimeType.contains(u"spreadsheetml");
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
    const QString kind = value(QStringLiteral("--kind"), QStringLiteral("pdf"));
    test::applyLook(args);
    const auto translations = test::applyLanguage(args);

    DemoHost demo;
    gui::Application::Parts parts;
    parts.demo = &demo;
    gui::Application application({{}, true, {}}, parts);
    if (!application.start())
        return 2;
    gui::MainWindow *window = application.window();
    const QStringList size = value(QStringLiteral("--size")).split(QLatin1Char('x'));
    if (size.size() == 2)
        window->resize(size[0].toInt(), size[1].toInt());
    window->move(0, 0);

    QObject::connect(window, &gui::MainWindow::listLoaded, window, [&] {
        const gui::ReportTableModel *model = window->reportModel();
        QString id;
        for (int row = 0; row < model->rowCount() && id.isEmpty(); ++row)
            if (model->reportAt(row).canDownload() && isKind(model->reportAt(row), kind))
                id = model->reportAt(row).id;
        gui::ReportPreviewPane *pane = window->detailPanel()->preview();
        const bool ask = args.contains(QStringLiteral("--ask"));
        const auto wanted = ask ? gui::ReportPreviewPane::State::AskToLoad : gui::ReportPreviewPane::State::Showing;
        QObject::connect(pane, &gui::ReportPreviewPane::stateChanged, window, [&, pane, wanted, id](auto state) {
            if (state != wanted || window->detailPanel()->report().value_or(Report()).id != id)
                return;
            for (int i = 0; i < value(QStringLiteral("--zoom-in"), QStringLiteral("0")).toInt(); ++i)
                pane->pdfView()->zoomIn();
            if (args.contains(QStringLiteral("--details")))
                window->detailPanel()->tabs()->setCurrentIndex(0);
            QTimer::singleShot(1500, window, [] {
                std::printf("READY\n");
                std::fflush(stdout);
            });
        });
        window->reportsView()->selectIds({ask ? model->reportAt(3).id : id});
        window->detailPanel()->tabs()->setCurrentWidget(pane);
        if (ask)
            QTimer::singleShot(1000, window, [window, id] { window->reportsView()->selectIds({id}); });
    });
    return QApplication::exec();
}
