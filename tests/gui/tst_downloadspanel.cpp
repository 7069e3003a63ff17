// The downloads panel as a download manager, in the real window on the sandbox: history across restarts, search,
// Clear history (files stay), Retry and Retry elsewhere, Remove (button and Delete key), a file gone since (Download
// again), the context menu, failed Open / Show in folder said in the message bar, the empty state.

#include "DownloadItemDelegate.h"
#include "DownloadsPanel.h"
#include "GuiHarness.h"
#include "MessageBar.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;
using namespace Qt::StringLiterals;
using State = ReportDownloadJob::State;
using Action = DownloadListModel::Action;

namespace {

struct Panel
{
    explicit Panel(test::GuiHarness &h) : h(h), panel(h.window->downloadsPanel()) {}

    test::GuiHarness &h;
    DownloadsPanel *panel;

    QListView *view() const { return panel->view(); }
    QPushButton *button(const QString &name) const { return panel->findChild<QPushButton *>(name); }
    QLabel *empty() const { return panel->findChild<QLabel *>(u"downloadsEmpty"_s); }
    int rows() const { return view()->model()->rowCount(); }
    QModelIndex item(int row) const { return view()->model()->index(row, 0); }
    QString state(int row) const { return DownloadItemDelegate::stateText(item(row)); }
    void select(int row) const { view()->setCurrentIndex(item(row)); }
    /// The names of the context menu's actions for the current row.
    QStringList menuActions() const
    {
        std::unique_ptr<QMenu> menu(panel->createContextMenu(nullptr));
        QStringList names;
        for (QAction *action : menu->actions()) {
            if (!action->isSeparator())
                names << action->objectName().mid(QStringLiteral("downloadAction").size());
        }
        return names;
    }
    void triggerFromMenu(const QString &name) const
    {
        std::unique_ptr<QMenu> menu(panel->createContextMenu(nullptr));
        QAction *action = menu->findChild<QAction *>(u"downloadAction"_s + name);
        QVERIFY2(action, qPrintable(name));
        action->trigger();
    }
};

/// Downloads `id` to `path` through the window's controller and waits for it to end.
bool downloadTo(test::GuiHarness &h, const QString &id, const QString &path)
{
    const int row = h.queue.rowCount();
    h.controller.download(QStringList{id}, DownloadTarget::file(path));
    return QTest::qWaitFor([&] { return h.queue.rowCount() > row; }, 5'000) && h.waitForFinished(row);
}

QString firstSmallReport(test::GuiHarness &h)
{
    for (const sandbox::SandboxReport &r : h.fixture.server().reports()) {
        if (r.status == u"completed"_s && r.content.size() > 0 && r.content.size() < 1'000'000)
            return r.id;
    }
    return {};
}

} // namespace

class TestDownloadsPanel : public QObject
{
    Q_OBJECT

private slots:
    void emptyStateSaysWhatWillAppear()
    {
        QTemporaryDir state;
        test::GuiHarness h(state.filePath(u"history.json"_s));
        QVERIFY(h.showLoaded());
        Panel p(h);
        QCOMPARE(p.rows(), 0);
        QVERIFY(p.empty()->isVisibleTo(p.panel));
        QVERIFY(p.empty()->text().contains(u"The reports you download appear here"_s));
        QVERIFY(!p.button(u"downloadClearHistory"_s)->isEnabled());
        for (const QString &name : {u"downloadCancel"_s, u"downloadRetry"_s, u"downloadOpen"_s,
                                    u"downloadShowInFolder"_s, u"downloadRemove"_s})
            QVERIFY2(!p.button(name)->isEnabled(), qPrintable(name));
    }

    void historyAfterRestartWithSearchAndClear()
    {
        QTemporaryDir state;
        const QString historyFile = state.filePath(u"history.json"_s);
        QTemporaryDir files;
        const QString first = files.filePath(u"first-ledger.csv"_s);
        const QString second = files.filePath(u"second-ledger.csv"_s);
        QString id;
        {
            test::GuiHarness h(historyFile);
            QVERIFY(h.showLoaded());
            id = firstSmallReport(h);
            QVERIFY(downloadTo(h, id, first));
            QVERIFY(downloadTo(h, id, second));
            QCOMPARE(Panel(h).rows(), 2);
        }
        // The next run of the application lists both, newest on top, as saved.
        test::GuiHarness h(historyFile);
        QVERIFY(h.showLoaded());
        Panel p(h);
        QTRY_COMPARE(p.rows(), 2);
        QVERIFY(!p.empty()->isVisibleTo(p.panel));
        QCOMPARE(p.item(0).data(DownloadQueue::TargetPathRole).toString(), second);
        QCOMPARE(p.item(1).data(DownloadQueue::TargetPathRole).toString(), first);
        QCOMPARE(p.state(0), u"Saved"_s);
        // A screen reader hears the row as painted: title and state, then where the file is.
        const QString title = p.item(0).data(DownloadQueue::TitleRole).toString();
        QVERIFY(!title.isEmpty());
        QCOMPARE(p.item(0).data(Qt::AccessibleTextRole).toString(), title + u", Saved"_s);
        QVERIFY2(p.item(0).data(Qt::AccessibleDescriptionRole).toString().endsWith(QDir::toNativeSeparators(second)),
                 qPrintable(p.item(0).data(Qt::AccessibleDescriptionRole).toString()));
        QCOMPARE(p.panel->findChild<QLabel *>(u"downloadsSummary"_s)->text(), u"0 running\n2 saved"_s);
        p.select(1);
        QCOMPARE(p.menuActions(), (QStringList{u"Open"_s, u"ShowInFolder"_s, u"CopyPath"_s, u"Remove"_s}));
        QVERIFY(p.button(u"downloadOpen"_s)->isEnabled());

        // Search by file name; no match says so.
        p.panel->searchField()->setText(u"FIRST"_s);
        QCOMPARE(p.rows(), 1);
        QCOMPARE(p.item(0).data(DownloadQueue::TargetPathRole).toString(), first);
        p.panel->searchField()->setText(u"no such report"_s);
        QCOMPARE(p.rows(), 0);
        QVERIFY(p.empty()->isVisibleTo(p.panel));
        QVERIFY(p.empty()->text().contains(u"No download matches “no such report”"_s));
        p.panel->searchField()->clear();
        QCOMPARE(p.rows(), 2);

        // Clear history empties the list and deletes no file; the list stays empty at the next start.
        QVERIFY(p.button(u"downloadClearHistory"_s)->isEnabled());
        QTest::mouseClick(p.button(u"downloadClearHistory"_s), Qt::LeftButton);
        QCOMPARE(p.rows(), 0);
        QCOMPARE(p.panel->model()->rowCount(), 0);
        QVERIFY2(p.empty()->text().contains(u"No downloads yet"_s), qPrintable(p.empty()->text()));
        QVERIFY(QFile::exists(first));
        QVERIFY(QFile::exists(second));
        test::GuiHarness next(historyFile);
        QCOMPARE(Panel(next).rows(), 0);
    }

    void failedDownloadRetriesInPlaceOrElsewhere()
    {
        QTemporaryDir state;
        test::GuiHarness h(state.filePath(u"history.json"_s));
        QVERIFY(h.showLoaded());
        Panel p(h);
        const QString id = firstSmallReport(h);
        // A folder that is a file: the folder is the problem.
        const QString notAFolder = QDir(h.fixture.folder()).filePath(u"not-a-folder"_s);
        QFile blocker(notAFolder);
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QVERIFY(downloadTo(h, id, notAFolder + u"/report.csv"_s));
        QCOMPARE(h.queue.state(0), State::Failed);
        p.select(0);
        QCOMPARE(p.menuActions(), (QStringList{u"Retry"_s, u"ChooseFolder"_s, u"Remove"_s}));
        QVERIFY(p.button(u"downloadRetry"_s)->isEnabled());
        QCOMPARE(p.button(u"downloadRetry"_s)->text(), u"Retr&y"_s);
        QVERIFY(!p.button(u"downloadOpen"_s)->isEnabled());

        // Retry in another folder asks for one, starting where it was, and saves there under the same name.
        QTemporaryDir elsewhere;
        h.chooser.folderAnswer = elsewhere.path();
        p.triggerFromMenu(u"ChooseFolder"_s);
        QTRY_COMPARE(h.chooser.folderCalls.size(), 1);
        QVERIFY(h.waitForFinished(0));
        QCOMPARE(h.queue.state(0), State::Done);
        const QString saved = h.queue.targetPath(0);
        QCOMPARE(QFileInfo(saved).absolutePath(), QFileInfo(elsewhere.path()).absoluteFilePath());
        QCOMPARE(test::readFile(saved), h.fixture.server().contentOf(id));
        QCOMPARE(p.rows(), 1); // the same item, not a second one

        // A server failure: Retry in place, from the button.
        sandbox::Fault broken;
        broken.host = sandbox::Fault::Host::Download;
        broken.status = 403;
        broken.body = "<Error>AccessDenied</Error>";
        broken.contentType = "application/xml";
        broken.times = -1;
        h.fixture.server().addFault(broken);
        const QString target = QDir(h.fixture.folder()).filePath(u"retried.csv"_s);
        QVERIFY(downloadTo(h, id, target));
        QCOMPARE(h.queue.state(1), State::Failed);
        QVERIFY(!QFile::exists(target));
        p.select(0);
        QCOMPARE(p.item(0).data(DownloadQueue::TargetPathRole).toString(), target);
        QCOMPARE(p.menuActions(), (QStringList{u"Retry"_s, u"Remove"_s}));
        h.fixture.server().clearFaults();
        QTest::mouseClick(p.button(u"downloadRetry"_s), Qt::LeftButton);
        QVERIFY(h.waitForFinished(1));
        QCOMPARE(h.queue.state(1), State::Done);
        QCOMPARE(test::readFile(target), h.fixture.server().contentOf(id));
    }

    void removeKeepsTheFileAndDeleteKeyRemoves()
    {
        QTemporaryDir state;
        test::GuiHarness h(state.filePath(u"history.json"_s));
        QVERIFY(h.showLoaded());
        Panel p(h);
        const QString id = firstSmallReport(h);
        const QString a = QDir(h.fixture.folder()).filePath(u"a.csv"_s);
        const QString b = QDir(h.fixture.folder()).filePath(u"b.csv"_s);
        QVERIFY(downloadTo(h, id, a));
        QVERIFY(downloadTo(h, id, b));
        QCOMPARE(p.rows(), 2);
        p.select(0); // b, the newest
        QTest::mouseClick(p.button(u"downloadRemove"_s), Qt::LeftButton);
        QCOMPARE(p.rows(), 1);
        QCOMPARE(p.item(0).data(DownloadQueue::TargetPathRole).toString(), a);
        p.select(0);
        p.view()->setFocus();
        QTest::keyClick(p.view(), Qt::Key_Delete);
        QCOMPARE(p.rows(), 0);
        QVERIFY(QFile::exists(a));
        QVERIFY(QFile::exists(b));
        // Taken off the list, not forgotten: the report still counts as fetched for that folder (sync relies on it).
        QVERIFY(h.history->contains(id));
        test::GuiHarness next(h.history->filePath());
        QCOMPARE(Panel(next).rows(), 0);
    }

    void fileGoneSinceOffersDownloadAgain()
    {
        QTemporaryDir state;
        test::GuiHarness h(state.filePath(u"history.json"_s));
        QVERIFY(h.showLoaded());
        Panel p(h);
        const QString id = firstSmallReport(h);
        const QString target = QDir(h.fixture.folder()).filePath(u"filed-away.csv"_s);
        QVERIFY(downloadTo(h, id, target));
        QVERIFY(QFile::remove(target));
        h.window->downloadsPanel()->model()->refreshFiles();
        QCOMPARE(p.state(0), u"File moved or deleted"_s);
        p.select(0);
        QCOMPARE(p.menuActions(), (QStringList{u"DownloadAgain"_s, u"Remove"_s}));
        QCOMPARE(p.button(u"downloadRetry"_s)->text(), u"Download a&gain"_s);
        QVERIFY(!p.button(u"downloadOpen"_s)->isEnabled());
        // Enter on it downloads it again, into the same folder.
        p.view()->setFocus();
        QTest::keyClick(p.view(), Qt::Key_Return);
        QTRY_COMPARE(h.queue.rowCount(), 2);
        QVERIFY(h.waitForFinished(1));
        QCOMPARE(h.queue.state(1), State::Done);
        QCOMPARE(QFileInfo(h.queue.targetPath(1)).absolutePath(), QFileInfo(target).absolutePath());
        QCOMPARE(test::readFile(h.queue.targetPath(1)), h.fixture.server().contentOf(id));
    }

    void actionsThatFailSaySo()
    {
        QTemporaryDir state;
        test::GuiHarness h(state.filePath(u"history.json"_s));
        QVERIFY(h.showLoaded());
        Panel p(h);
        const QString target = QDir(h.fixture.folder()).filePath(u"month.csv"_s);
        QVERIFY(downloadTo(h, firstSmallReport(h), target));
        p.select(0);
        p.triggerFromMenu(u"Open"_s);
        QCOMPARE(h.launcher.opened, QStringList{target});
        p.triggerFromMenu(u"ShowInFolder"_s);
        QCOMPARE(h.launcher.shown, QStringList{target});
        p.triggerFromMenu(u"CopyPath"_s);
        QCOMPARE(QGuiApplication::clipboard()->text(), QDir::toNativeSeparators(target));
        // A desktop with no application for CSV files and no file manager.
        h.launcher.succeeds = false;
        QTest::mouseClick(p.button(u"downloadOpen"_s), Qt::LeftButton);
        QVERIFY(h.window->messageBar()->isVisible());
        QCOMPARE(h.window->messageBar()->text(), u"No application could open “month.csv”. Use Show in folder, or set "
                                                 u"a default application for this kind of file."_s);
        QTest::mouseClick(p.button(u"downloadShowInFolder"_s), Qt::LeftButton);
        QCOMPARE(h.window->messageBar()->text(),
                 u"No file manager could show %1."_s.arg(QDir::toNativeSeparators(target)));
    }

    void runningDownloadCancelsWithEscapeAndDelete()
    {
        QTemporaryDir state;
        test::GuiHarness h(state.filePath(u"history.json"_s));
        h.fixture.server().addReport(test::TestFixture::csvReport(u"report_big"_s, 2'000'000));
        sandbox::Fault stall;
        stall.host = sandbox::Fault::Host::Download;
        stall.stallAfterBytes = 100'000;
        stall.times = 2;
        h.fixture.server().addFault(stall);
        QVERIFY(h.showLoaded());
        Panel p(h);
        for (const QString &name : {u"one.csv"_s, u"two.csv"_s})
            h.controller.download(QStringList{u"report_big"_s},
                                  DownloadTarget::file(QDir(h.fixture.folder()).filePath(name)));
        QTRY_COMPARE(h.queue.rowCount(), 2);
        QTRY_VERIFY(h.queue.job(0) && h.queue.job(0)->bytesReceived() >= 100'000);
        p.select(0);
        QCOMPARE(p.menuActions(), QStringList{u"Cancel"_s});
        // Running: its progress is in what a screen reader hears, the bytes so far in the description.
        const QString heard = p.item(0).data(Qt::AccessibleTextRole).toString();
        QVERIFY2(heard.contains(u", Downloading, "_s) && heard.endsWith(u" %"_s), qPrintable(heard));
        QVERIFY2(p.item(0).data(Qt::AccessibleDescriptionRole).toString().contains(u" of "_s),
                 qPrintable(p.item(0).data(Qt::AccessibleDescriptionRole).toString()));
        QVERIFY(p.button(u"downloadCancel"_s)->isEnabled());
        const int first = p.panel->model()->queueRow(p.panel->currentRow());
        p.view()->setFocus();
        QTest::keyClick(p.view(), Qt::Key_Escape);
        QTRY_COMPARE(h.queue.state(first), State::Cancelled);
        QVERIFY(!DownloadItem::isFinal(h.queue.state(1 - first)));
        // The running one is on top; Delete on a running item cancels it.
        p.select(0);
        QCOMPARE(p.panel->model()->queueRow(p.panel->currentRow()), 1 - first);
        QTest::keyClick(p.view(), Qt::Key_Delete);
        QTRY_VERIFY(DownloadItem::isFinal(h.queue.state(1 - first)));
        QCOMPARE(h.queue.state(0), State::Cancelled);
        QCOMPARE(h.queue.state(1), State::Cancelled);
        QCOMPARE(h.fixture.files(), QStringList{});
    }
};

QTEST_MAIN(TestDownloadsPanel)
#include "tst_downloadspanel.moc"
