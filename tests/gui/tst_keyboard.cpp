// The keyboard (issue 13 point 2): every window and dialog walked with Tab (each control reached, the walk comes
// back round) and checked for Alt+letter mnemonics used twice, with one helper (KeyboardCheck.h); the focus starts
// where the user came for; Escape in the search field clears it, then leaves it for the list; every action is in a
// menu or has keys; Help > Keyboard shortcuts lists every action's keys, read from the actions.

#include "DownloadsPanel.h"
#include "GuiHarness.h"
#include "KeyboardCheck.h"
#include "MessageBar.h"
#include "ProxyDialog.h"
#include "QuitQuestion.h"
#include "ReportDetailPanel.h"
#include "ReportFilterModel.h"
#include "ReportTableModel.h"
#include "SettingsDialog.h"
#include "ShortcutsDialog.h"
#include "SignInDialog.h"
#include "api/ApiClient.h"
#include "auth/Account.h"
#include "auth/MemorySecretStore.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDockWidget>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;
using namespace Qt::StringLiterals;
namespace keyboard = getbill::test::keyboard;

namespace {

bool showActive(QWidget *w)
{
    w->show();
    w->activateWindow();
    return QTest::qWaitForWindowActive(w);
}

void selectFirstDownloadable(MainWindow &window)
{
    const ReportTableModel *model = window.reportModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (!model->reportAt(row).canDownload() || model->reportAt(row).fileSize >= 1'000'000)
            continue;
        const QModelIndex index = window.filterModel()->mapFromSource(model->index(row, 0));
        window.reportTable()->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                           QItemSelectionModel::Rows);
        return;
    }
}

QString problems(const QStringList &list)
{
    return list.join(u"\n"_s);
}

} // namespace

class TestKeyboard : public QObject
{
    Q_OBJECT

private slots:
    void theHelperFindsAClashAndAControlTabCannotReach()
    {
        // The check itself bites: two buttons on Alt+O, and a button Tab cannot reach.
        QDialog dialog;
        auto *layout = new QVBoxLayout(&dialog);
        auto *open = new QPushButton(u"&Open"_s, &dialog);
        auto *other = new QPushButton(u"&Other"_s, &dialog);
        auto *clickOnly = new QPushButton(u"Mouse only"_s, &dialog);
        clickOnly->setObjectName(u"clickOnly"_s);
        clickOnly->setFocusPolicy(Qt::ClickFocus);
        auto *edit = new QLineEdit(&dialog);
        for (QWidget *w : {static_cast<QWidget *>(open), static_cast<QWidget *>(other),
                           static_cast<QWidget *>(clickOnly), static_cast<QWidget *>(edit)})
            layout->addWidget(w);
        QVERIFY(showActive(&dialog));
        edit->setFocus();
        const QStringList found = keyboard::check(&dialog, keyboard::Scope::All);
        QCOMPARE(found.size(), 1); // a click-only button is not tabbable: nothing to reach
        QVERIFY2(found.first().startsWith(u"Alt+O: "_s), qPrintable(problems(found)));
        other->setText(u"O&ther"_s);
        QVERIFY(keyboard::check(&dialog, keyboard::Scope::All).isEmpty());
        // A widget that swallows Tab keeps the walk from going round.
        auto *trap = new QPlainTextEdit(&dialog);
        trap->setObjectName(u"trap"_s);
        layout->addWidget(trap);
        trap->show();
        edit->setFocus();
        const QStringList trapped = keyboard::check(&dialog, keyboard::Scope::All);
        QVERIFY2(!trapped.isEmpty(), "a Tab trap is found");
    }

    void signInDialog()
    {
        test::TestFixture f;
        MemorySecretStore store;
        Account account(&store, &f.network());
        account.setApiUrl(f.server().apiUrl());
        ApiClient api(&f.network(), &account);
        SignInDialog dialog(&account, &api);
        QVERIFY(showActive(&dialog));
        // What the user came for: the address is filled in already.
        QCOMPARE(QApplication::focusWidget(), dialog.findChild<QLineEdit *>(u"tokenEdit"_s));
        // Every button and label, the ones shown only after a failure included (Alt+O was Sign out's and another's).
        const QStringList found = keyboard::check(&dialog, keyboard::Scope::All);
        QVERIFY2(found.isEmpty(), qPrintable(problems(found)));
        QVERIFY(keyboard::tabChain(&dialog).size() >= 8);
    }

    void settingsDialog()
    {
        QTemporaryDir dir;
        QSettings store(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
        Settings settings(&store);
        test::ScriptedChooser chooser;
        SettingsDialog dialog(&settings, &chooser);
        QVERIFY(showActive(&dialog));
        const QStringList found = keyboard::check(&dialog, keyboard::Scope::All);
        QVERIFY2(found.isEmpty(), qPrintable(problems(found)));
        QVERIFY(keyboard::tabChain(&dialog).size() >= 8);
    }

    void proxyDialog()
    {
        ProxyDialog dialog(u"proxy.example:3128"_s);
        QVERIFY(showActive(&dialog));
        QCOMPARE(QApplication::focusWidget(), dialog.findChild<QLineEdit *>(u"proxyUser"_s));
        const QStringList found = keyboard::check(&dialog, keyboard::Scope::All);
        QVERIFY2(found.isEmpty(), qPrintable(problems(found)));
        QCOMPARE(keyboard::tabChain(&dialog).size(), 4); // user, password, OK, Cancel
    }

    void quitQuestion()
    {
        QWidget parent;
        parent.resize(400, 300);
        QVERIFY(showActive(&parent));
        QuitQuestion *question = QuitQuestion::ask(&parent, 2, [](QuitQuestion::Choice) {});
        QVERIFY(QTest::qWaitForWindowActive(question));
        question->activateWindow();
        QTRY_COMPARE(QApplication::activeWindow(), question);
        const QStringList found = keyboard::check(question, keyboard::Scope::All);
        QVERIFY2(found.isEmpty(), qPrintable(problems(found)));
        QCOMPARE(keyboard::tabChain(question).size(), 3);
        QTest::keyClick(question, Qt::Key_Escape);
        QTRY_VERIFY(!parent.findChild<QuitQuestion *>());
    }

    void mainWindow()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        QVERIFY(QTest::qWaitForWindowActive(h.window.get()));
        selectFirstDownloadable(*h.window);
        QVERIFY(h.window->detailPanel()->report());
        QTest::keyClick(h.window.get(), Qt::Key_J, Qt::ControlModifier); // the downloads panel too
        QVERIFY(h.window->findChild<QDockWidget *>(u"downloadsDock"_s)->isVisible());
        h.window->messageBar()->showError(u"The report list could not be loaded."_s, [] {}); // its Retry too
        h.window->findChild<QLineEdit *>(u"searchEdit"_s)->setFocus();
        QStringList found = keyboard::check(h.window.get(), keyboard::Scope::Shown);
        QVERIFY2(found.isEmpty(), qPrintable(problems(found)));
        const QList<QWidget *> chain = keyboard::tabChain(h.window.get());
        for (const char *name : {"searchEdit", "typeCombo", "refreshButton", "detailDownload", "detailCopyId",
                                 "downloadsSearch", "messageAction", "messageClose"})
            QVERIFY2(chain.contains(h.window->findChild<QWidget *>(QLatin1String(name))), name);

        // The Preview tab instead of the details: its buttons' letters against the rest.
        h.window->detailPanel()->tabs()->setCurrentIndex(1);
        found = keyboard::mnemonicClashes(h.window.get(), keyboard::Scope::Shown);
        QVERIFY2(found.isEmpty(), qPrintable(problems(found)));

        // The welcome page with the downloads panel beside it.
        h.window->showWelcome();
        found = keyboard::check(h.window.get(), keyboard::Scope::Shown);
        QVERIFY2(found.isEmpty(), qPrintable(problems(found)));
    }

    void everyActionIsInAMenuOrHasKeys()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        QSet<QAction *> inMenus;
        QMenuBar *bar = h.window->menuBar();
        QHash<int, QString> titles;
        // Alt+letter opens the menu, a letter picks the item: each item has one, unique in its menu; submenus too.
        QList<QMenu *> menus;
        for (QAction *menuAction : bar->actions()) {
            QVERIFY(menuAction->menu());
            QVERIFY2(!QKeySequence::mnemonic(menuAction->text()).isEmpty(), qPrintable(menuAction->text()));
            menus << menuAction->menu();
        }
        while (!menus.isEmpty()) {
            QMenu *menu = menus.takeFirst();
            QHash<int, QString> letters;
            for (QAction *item : menu->actions()) {
                if (item->isSeparator())
                    continue;
                inMenus.insert(item);
                if (item->menu())
                    menus << item->menu();
                const QKeySequence key = QKeySequence::mnemonic(item->text());
                QVERIFY2(!key.isEmpty(), qPrintable(item->text()));
                QVERIFY2(!letters.contains(key[0].toCombined()),
                         qPrintable(item->text() + u" and "_s + letters.value(key[0].toCombined())));
                letters.insert(key[0].toCombined(), item->text());
            }
        }
        QStringList unreachable;
        for (QAction *action : h.window->findChildren<QAction *>()) {
            if (action->text().isEmpty() || action->menu() || action->isSeparator())
                continue;
            if (!inMenus.contains(action) && action->shortcuts().isEmpty())
                unreachable << action->text();
        }
        QVERIFY2(unreachable.isEmpty(), qPrintable(unreachable.join(u", "_s)));
    }

    void shortcutsDialogListsEveryActionsKeys()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        QVERIFY(QTest::qWaitForWindowActive(h.window.get()));
        h.window->reportTable()->setFocus();
        QTest::keyClick(h.window.get(), Qt::Key_F1); // Help > Keyboard shortcuts
        ShortcutsDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = h.window->findChild<ShortcutsDialog *>()));
        QVERIFY(QTest::qWaitForWindowActive(dialog));
        QTRY_COMPARE(QApplication::focusWidget(), dialog->list());
        const QStringList found = keyboard::check(dialog, keyboard::Scope::All);
        QVERIFY2(found.isEmpty(), qPrintable(problems(found)));

        // Every action with keys, the lists' and fields' own included, is a row with its keys, nothing else is.
        QTreeWidget *list = dialog->list();
        QHash<QString, QString> rows;
        for (int i = 0; i < list->topLevelItemCount(); ++i)
            rows.insert(list->topLevelItem(i)->data(0, Qt::UserRole).toString(), list->topLevelItem(i)->text(1));
        int withKeys = 0;
        QSet<QAction *> actions;
        for (QAction *action : h.window->findChildren<QAction *>())
            actions.insert(action);
        for (QAction *action : h.window->actions())
            actions.insert(action);
        for (QAction *action : std::as_const(actions)) {
            if (action->shortcuts().isEmpty())
                continue;
            ++withKeys;
            QVERIFY2(!action->text().isEmpty(), qPrintable(u"keys without a text: "_s + action->objectName()));
            QVERIFY2(!action->objectName().isEmpty(), qPrintable(action->text()));
            QVERIFY2(rows.contains(action->objectName()), qPrintable(action->text()));
            for (const QKeySequence &key : action->shortcuts())
                QVERIFY2(rows.value(action->objectName()).contains(key.toString(QKeySequence::NativeText)),
                         qPrintable(action->text()));
        }
        QCOMPARE(list->topLevelItemCount(), withKeys);
        QVERIFY(withKeys >= 12);
        QCOMPARE(rows.value(u"actionDownload"_s),
                 QKeySequence(Qt::CTRL | Qt::Key_S).toString(QKeySequence::NativeText));
        QTest::keyClick(list, Qt::Key_Escape);
        QTRY_VERIFY(!h.window->findChild<ShortcutsDialog *>());
    }

    void escapeClearsTheSearchThenLeavesIt()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        QVERIFY(QTest::qWaitForWindowActive(h.window.get()));
        auto *search = h.window->findChild<QLineEdit *>(u"searchEdit"_s);
        const int all = h.window->filterModel()->rowCount();
        QTest::keyClick(h.window.get(), Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget(), search);
        QTest::keyClicks(search, u"ledger"_s);
        QVERIFY(h.window->filterModel()->rowCount() < all);
        QTest::keyClick(search, Qt::Key_Escape);
        QCOMPARE(search->text(), QString());
        QCOMPARE(h.window->filterModel()->rowCount(), all);
        QCOMPARE(QApplication::focusWidget(), search); // the first Escape only clears
        QTest::keyClick(search, Qt::Key_Escape);
        QCOMPARE(QApplication::focusWidget(), h.window->reportTable());

        // The downloads panel's search works the same way, back to its list.
        QTest::keyClick(h.window.get(), Qt::Key_J, Qt::ControlModifier);
        selectFirstDownloadable(*h.window);
        h.controller.download(h.window->selectedReportIds(),
                              DownloadTarget::file(QDir(h.fixture.folder()).filePath(u"escape.bin"_s)));
        QTRY_COMPARE(h.queue.rowCount(), 1);
        QVERIFY(h.waitForFinished(0));
        QLineEdit *downloads = h.window->downloadsPanel()->searchField();
        downloads->setFocus();
        QTest::keyClicks(downloads, u"zzz"_s);
        QTest::keyClick(downloads, Qt::Key_Escape);
        QCOMPARE(downloads->text(), QString());
        QVERIFY2(h.window->downloadsPanel()->view()->isVisible(), "the list shows the saved report");
        QTest::keyClick(downloads, Qt::Key_Escape);
        QCOMPARE(QApplication::focusWidget(), h.window->downloadsPanel()->view());
    }
};

QTEST_MAIN(TestKeyboard)
#include "tst_keyboard.moc"
