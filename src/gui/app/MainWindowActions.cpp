// MainWindow's actions and menus, apart from the window's flows in MainWindow.cpp.
#include "MainWindow.h"
#include "ReportColumns.h"
#include "ReportsView.h"
#include "ShortcutsDialog.h"

#include <QAction>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>

namespace getbill::gui {

void MainWindow::createActions()
{
    auto add = [this](const QString &text, const QString &name, const QList<QKeySequence> &keys, auto slot) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        action->setShortcuts(keys);
        // Window-wide shortcuts, but a focused line edit still gets its own Ctrl+V / Ctrl+F first.
        action->setShortcutContext(Qt::WindowShortcut);
        addAction(action);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    // Fixed keys rather than QKeySequence::Save/SaveAs: some platform themes map SaveAs to nothing or to a key
    // that collides with Save.
    QAction *download = add(tr("&Download"), QStringLiteral("actionDownload"), {QKeySequence(Qt::CTRL | Qt::Key_S)},
                            [this] { downloadSelected(false); });
    QAction *downloadTo = add(tr("Download &to…"), QStringLiteral("actionDownloadTo"),
                              {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)}, [this] { downloadSelected(true); });
    QAction *paste = add(tr("&Paste report ids"), QStringLiteral("actionPaste"), {QKeySequence::Paste},
                         [this] { pasteReportIds(); });
    QAction *settings = add(tr("&Settings…"), QStringLiteral("actionSettings"),
                            {QKeySequence(Qt::CTRL | Qt::Key_Comma)}, [this] { openSettings(); });
    settings->setMenuRole(QAction::PreferencesRole);
    QAction *watch = add(tr("Run &watch rules now"), QStringLiteral("actionRunWatchRules"), {},
                         [this] { emit watchRunRequested(); });
    QAction *signIn = add(tr("Sign &in…"), QStringLiteral("actionSignIn"), {}, [this] { emit signInRequested(); });
    // Back to the sample reports from an account (or from the welcome page) without signing out.
    QAction *demo = add(tr("Back to d&emo data"), QStringLiteral("actionDemo"), {}, [this] { emit demoRequested(); });
    QAction *quit =
        add(tr("&Quit"), QStringLiteral("actionQuit"), {QKeySequence::Quit}, [this] { emit quitRequested(); });
    QAction *find = add(tr("&Find"), QStringLiteral("actionFind"), {QKeySequence::Find}, [this] {
        if (!isShowingWelcome())
            m_reports->focusSearch();
    });
    QAction *reload = add(tr("&Refresh"), QStringLiteral("actionRefresh"), {QKeySequence(Qt::Key_F5)}, [this] {
        if (!isShowingWelcome())
            refresh();
    });
    QAction *about = add(tr("&About GetBill Reports"), QStringLiteral("actionAbout"), {}, [this] {
        QMessageBox::about(this, tr("About GetBill Reports"),
                           tr("<b>GetBill Reports %1</b><p>Lists your company's GetBill reports and saves them where "
                              "you choose.</p>")
                               .arg(QStringLiteral(GETBILL_VERSION)));
    });
    QAction *diagnostics = add(tr("Save &diagnostics…"), QStringLiteral("actionSaveDiagnostics"), {},
                               [this] { emit saveDiagnosticsRequested(); });
    // Generated from the actions above and the lists' own keys: it cannot miss one.
    QAction *shortcuts =
        add(tr("&Keyboard shortcuts"), QStringLiteral("actionShortcuts"), {QKeySequence::HelpContents}, [this] {
            auto *dialog = new ShortcutsDialog(this, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->open();
        });
    QAction *toggleDownloads = m_downloadsDock->toggleViewAction();
    toggleDownloads->setText(tr("&Downloads panel"));
    toggleDownloads->setObjectName(QStringLiteral("actionToggleDownloads"));
    toggleDownloads->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    addAction(toggleDownloads);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addActions({download, downloadTo, paste, watch});
    file->addSeparator();
    file->addActions({signIn, demo, settings});
    file->addSeparator();
    file->addAction(quit);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addActions({find, reload, toggleDownloads});
    // The header's column chooser, for those who do not right-click.
    view->addMenu(m_reports->columns()->menu());
    menuBar()->addMenu(tr("&Help"))->addActions({shortcuts, diagnostics, about});
}

void MainWindow::setDemoAvailable(bool available)
{
    findChild<QAction *>(QStringLiteral("actionDemo"), Qt::FindDirectChildrenOnly)->setVisible(available);
}

void MainWindow::enableReportActions(bool enabled)
{
    for (const char *name : {"actionDownload", "actionDownloadTo", "actionFind", "actionRefresh"}) {
        if (QAction *action = findChild<QAction *>(QLatin1String(name), Qt::FindDirectChildrenOnly))
            action->setEnabled(enabled);
    }
}

} // namespace getbill::gui
