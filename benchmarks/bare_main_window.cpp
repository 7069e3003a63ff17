// bare_main_window: a plain QMainWindow with what getbill-reports' window is made of but none of its own code: a
// menu bar with two menus, a status bar and an empty six-column table. Printed beside the bare window's figure in
// scripts/bench: how much of the time to the first window Qt's main-window parts take by themselves.
#include <QApplication>
#include <QMainWindow>
#include <QMenuBar>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTableView>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    QMenu *file = window.menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(QStringLiteral("&Quit"), &app, &QCoreApplication::quit);
    window.menuBar()->addMenu(QStringLiteral("&Help"))->addAction(QStringLiteral("&About"));
    window.statusBar()->showMessage(QStringLiteral("Ready"));
    auto *table = new QTableView;
    auto *model = new QStandardItemModel(0, 6, table);
    table->setModel(model);
    window.setCentralWidget(table);
    window.resize(1000, 700);
    window.show();
    return app.exec();
}
