// atspi_driver: the real application on demo data, for tst_atspi.py, which reads it as a screen reader does (over
// AT-SPI, on a real accessibility bus) and compares what it hears with what the window shows. Not a test by
// itself; it only drives the window into the states the script reads, through the same seams as downloads_shots
// (the Application with its demo host), and prints what a sighted user reads there.
//
// At start: the demo's list with its first downloadable report selected, one download saved and one refused by
// the download host (the message bar says so, with Retry), the downloads panel shown. Then one command per line on
// standard input: signin, settings, shortcuts (the dialogs, opened as the menus open them), close (the dialog that
// is open), quit. Every state is answered with one line on standard output: "READY {json}", what the widgets show.

#include "Application.h"
#include "DemoHost.h"
#include "DemoReports.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "ReportDetailPanel.h"
#include "ReportFilterModel.h"
#include "ReportTableModel.h"
#include "Settings.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"
#include "sandbox/SandboxServer.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSocketNotifier>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <cstdio>
#include <unistd.h>

using namespace getbill;
using namespace Qt::StringLiterals;

namespace {

void ready(const QJsonObject &what)
{
    // A moment for the accessibility bridge to announce the new state before the script looks.
    QTimer::singleShot(300, qApp, [what] {
        std::printf("READY %s\n", QJsonDocument(what).toJson(QJsonDocument::Compact).constData());
        std::fflush(stdout);
    });
}

QString textOf(QWidget *root, const char *name)
{
    auto *label = root->findChild<QLabel *>(QLatin1String(name));
    return label ? label->text() : QString();
}

QDialog *openDialog()
{
    return qobject_cast<QDialog *>(QApplication::activeModalWidget());
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("GetBill Reports"));
    QTemporaryDir folder;
    DemoHost demo;
    gui::Application::Parts parts;
    parts.demo = &demo;
    gui::Application application(gui::Application::Options{{}, true, {}}, parts);
    if (!application.start())
        return 2;
    gui::MainWindow *window = application.window();
    window->resize(1200, 760);
    window->findChild<QDockWidget *>()->show();
    DownloadQueue *queue = application.downloads()->queue();
    const auto toFolder = DownloadTarget::folder(folder.path());

    auto mainState = [&] {
        QJsonObject state;
        gui::ReportDetailPanel *panel = window->detailPanel();
        state[u"title"_s] = textOf(panel, "detailTitle");
        state[u"status"_s] = textOf(panel, "detail_status");
        state[u"count"_s] = textOf(window, "countLabel");
        state[u"mode"_s] = textOf(window, "modeLabel");
        state[u"message"_s] = window->messageBar()->text();
        state[u"action"_s] = window->messageBar()->actionButton()->text();
        state[u"windowTitle"_s] = window->windowTitle();
        for (int row = 0; row < queue->rowCount(); ++row) {
            const QModelIndex index = queue->index(row);
            const bool done = index.data(DownloadQueue::StateRole).value<ReportDownloadJob::State>() ==
                              ReportDownloadJob::State::Done;
            QJsonObject item;
            item[u"title"_s] = index.data(DownloadQueue::TitleRole).toString();
            item[u"detail"_s] = done ? QDir::toNativeSeparators(index.data(DownloadQueue::TargetPathRole).toString())
                                     : index.data(DownloadQueue::ErrorRole).toString();
            state[done ? u"saved"_s : u"failed"_s] = item;
        }
        return state;
    };

    QStringList ids;
    QObject::connect(window, &gui::MainWindow::listLoaded, window, [&](bool ok) {
        if (!ok || !ids.isEmpty())
            return;
        ids = test::smallReports(window, 2);
        application.downloads()->download({ids.at(0)}, toFolder);
    });
    QObject::connect(queue, &DownloadQueue::itemFinished, window, [&](int row) {
        if (row == 0) {
            // The second one is refused by the download host: a failed item, and the message bar with Retry.
            demo.run([](sandbox::SandboxServer &server) {
                sandbox::Fault refused;
                refused.host = sandbox::Fault::Host::Download;
                refused.status = 403;
                refused.times = -1;
                server.addFault(refused);
            });
            application.downloads()->download({ids.at(1)}, toFolder);
            return;
        }
        // The report the panel shows: the first one, selected as a user selects it.
        const gui::ReportTableModel *model = window->reportModel();
        const QModelIndex index = window->filterModel()->mapFromSource(model->index(model->rowOf(ids.at(0)), 0));
        window->reportTable()->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                            QItemSelectionModel::Rows);
        window->reportTable()->setFocus();
        ready(mainState());
    });

    QSocketNotifier commands(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&commands, &QSocketNotifier::activated, &app, [&] {
        char line[256];
        const ssize_t n = ::read(STDIN_FILENO, line, sizeof line - 1);
        if (n <= 0) {
            QCoreApplication::exit(0);
            return;
        }
        const QString command = QString::fromLatin1(line, int(n)).trimmed();
        QJsonObject state;
        if (command == u"signin") {
            application.signIn();
            // Once the dialog is active: where the focus starts.
            QTimer::singleShot(200, window, [] {
                QJsonObject signIn;
                signIn[u"status"_s] = textOf(openDialog(), "statusLabel");
                signIn[u"focus"_s] =
                    QApplication::focusWidget() ? QApplication::focusWidget()->objectName() : QString();
                ready(signIn);
            });
            return;
        } else if (command == u"settings") {
            // Modal: opened from the event loop, answered from within it.
            QTimer::singleShot(0, window, [window] { window->openSettings(); });
            QTimer::singleShot(100, window, [&] {
                QDialog *dialog = openDialog();
                QJsonObject settings;
                settings[u"apiUrl"_s] = dialog->findChild<QLineEdit *>(u"apiUrlEdit"_s)->text();
                settings[u"hint"_s] = textOf(dialog, "apiUrlHint");
                settings[u"concurrent"_s] = dialog->findChild<QSpinBox *>(u"concurrentSpin"_s)->value();
                settings[u"tray"_s] = dialog->findChild<QCheckBox *>(u"trayCheck"_s)->isChecked();
                ready(settings);
            });
            return;
        } else if (command == u"shortcuts") {
            window->findChild<QAction *>(u"actionShortcuts"_s)->trigger();
            auto *list = openDialog()->findChild<QTreeWidget *>(u"shortcutsList"_s);
            state[u"rows"_s] = list->topLevelItemCount();
            state[u"download"_s] = QKeySequence(Qt::CTRL | Qt::Key_S).toString(QKeySequence::NativeText);
        } else if (command == u"close") {
            if (QDialog *dialog = openDialog())
                dialog->reject();
            state = mainState();
        } else if (command == u"quit") {
            QCoreApplication::exit(0);
            return;
        }
        ready(state);
    });
    return QApplication::exec();
}
