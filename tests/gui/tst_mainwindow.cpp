// MainWindow against the sandbox: list, detail panel, polling, click/keyboard downloads through the save-dialog
// seam, the download folder setting, drops and pastes of ids, cancel, errors in the message bar, accessibility.

#include "DownloadsPanel.h"
#include "DropOverlay.h"
#include "Format.h"
#include "GuiHarness.h"
#include "MessageBar.h"
#include "ReportDetailPanel.h"
#include "ReportFilterModel.h"
#include "ReportTableModel.h"
#include "ReportsView.h"
#include "api/ReportWatcher.h"
#include "download/DownloadHistory.h"
#include "download/SafeFileName.h"

#include <QAbstractItemModelTester>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;
using namespace Qt::StringLiterals;
using State = ReportDownloadJob::State;

namespace {

/// A completed report that is not in the sandbox's catalogue until the test adds it.
sandbox::SandboxReport extraReport(const QString &id, const QByteArray &content = "id;amount\n1;2\n")
{
    sandbox::SandboxReport r;
    r.id = id;
    r.type = u"financial"_s;
    r.title = u"Extra report "_s + id;
    r.filename = id + u".csv"_s;
    r.mimeType = u"text/csv"_s;
    r.periodFrom = QDate(2025, 5, 1);
    r.periodTo = QDate(2025, 5, 31);
    r.createdAt = QDateTime(QDate(2025, 6, 2), QTime(9, 0), Qt::UTC);
    r.generatedAt = r.createdAt.addSecs(30);
    r.content = content;
    return r;
}

void sendDrop(QWidget *target, QMimeData *mime)
{
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDropEvent drop(QPointF(at), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
}

QString firstCompletedId(MainWindow &window)
{
    const ReportTableModel *model = window.reportModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        const Report &r = model->reportAt(row);
        if (r.canDownload() && r.fileSize < 1'000'000)
            return r.id;
    }
    return {};
}

void select(MainWindow &window, const QString &id)
{
    const QModelIndex source = window.reportModel()->index(window.reportModel()->rowOf(id), 0);
    const QModelIndex index = window.filterModel()->mapFromSource(source);
    QVERIFY(index.isValid());
    window.reportTable()->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                       QItemSelectionModel::Rows);
    QCOMPARE(window.selectedReportIds(), QStringList{id});
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void listFillsFromSeveralPagesWithoutFreezing()
    {
        test::GuiHarness h;
        for (int i = 0; i < 150; ++i)
            h.fixture.server().addReport(extraReport(u"report_more%1"_s.arg(i)));
        sandbox::Fault slow;
        slow.pathContains = u"page=2"_s;
        slow.delayMs = 300;
        h.fixture.server().addFault(slow);
        QAbstractItemModelTester tester(h.window->filterModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        h.window->show();
        QVERIFY(QTest::qWaitForWindowExposed(h.window.get()));
        QSignalSpy loaded(h.window.get(), &MainWindow::listLoaded);
        h.window->showReports();
        // While page 2 is delayed the first page is already shown and the event loop keeps running.
        QTRY_VERIFY(h.window->reportModel()->rowCount() == 100);
        QVERIFY(h.window->isLoading());
        QVERIFY(h.window->findChild<QWidget *>(u"loadingIndicator"_s)->isVisible());
        QVERIFY(loaded.wait(10'000));
        QVERIFY(loaded.first().first().toBool());
        QCOMPARE(h.window->reportModel()->rowCount(), 37 + 150);
        QVERIFY(!h.window->findChild<QWidget *>(u"loadingIndicator"_s)->isVisible());
        QCOMPARE(h.window->findChild<QLabel *>(u"countLabel"_s)->text(), u"187 reports"_s);
    }

    void historyMarksReportsSavedEarlier()
    {
        // What an earlier run (or the CLI) saved shows on the row, as long as the file is still there.
        test::GuiHarness h;
        const QList<sandbox::SandboxReport> reports = h.fixture.server().reports();
        const QString kept = QDir(h.fixture.folder()).filePath(QStringLiteral("kept.pdf"));
        QFile file(kept);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        DownloadHistory history(QDir(h.fixture.folder()).filePath(QStringLiteral("history.json")));
        DownloadRecord present{reports.at(0).id, QStringLiteral("kept.pdf"),     kept, 0,
                               QString(),        QDateTime::currentDateTimeUtc()};
        DownloadRecord gone{reports.at(1).id,
                            QStringLiteral("gone.pdf"),
                            QDir(h.fixture.folder()).filePath(QStringLiteral("gone.pdf")),
                            0,
                            QString(),
                            QDateTime::currentDateTimeUtc()};
        QVERIFY(history.add(present) && history.add(gone));
        h.window->setHistory(&history);
        QVERIFY(h.showLoaded());
        QCOMPARE(h.window->reportModel()->savedPath(reports.at(0).id), kept);
        QVERIFY(h.window->reportModel()->savedPath(reports.at(1).id).isEmpty());
        QVERIFY(h.window->reportModel()->savedPath(reports.at(2).id).isEmpty());
    }

    void emptyAndLoadingStates()
    {
        test::GuiHarness h;
        h.fixture.server().clearReports();
        sandbox::Fault slow;
        slow.pathContains = u"/reports?"_s;
        slow.delayMs = 200;
        h.fixture.server().addFault(slow);
        h.window->show();
        QSignalSpy loaded(h.window.get(), &MainWindow::listLoaded);
        h.window->showReports();
        auto *label = h.window->findChild<QLabel *>(u"emptyLabel"_s);
        auto *stack = h.window->findChild<QStackedWidget *>(u"tableStack"_s);
        QCOMPARE(stack->currentWidget()->objectName(), u"emptyPage"_s);
        QVERIFY(label->text().contains(u"Loading"_s));
        QVERIFY(loaded.wait());
        QVERIFY(label->text().contains(u"no reports yet"_s));
    }

    void listFailureShowsApiMessageAndRetry()
    {
        test::GuiHarness h;
        sandbox::Fault fault;
        fault.pathContains = u"/reports?"_s;
        fault.status = 403;
        fault.body =
            "{\"error\":true,\"message\":\"Required scope \\\"reports:read\\\" not found in token\",\"code\":403}";
        h.fixture.server().addFault(fault);
        h.window->show();
        QSignalSpy loaded(h.window.get(), &MainWindow::listLoaded);
        h.window->showReports();
        QVERIFY(loaded.wait());
        QVERIFY(!loaded.first().first().toBool());
        MessageBar *bar = h.window->messageBar();
        QVERIFY(bar->isVisible());
        QVERIFY2(bar->text().contains(u"Required scope \"reports:read\" not found in token"_s),
                 qPrintable(bar->text()));
        QVERIFY(!bar->text().contains(u"{"_s)); // never raw JSON
        QVERIFY(bar->actionButton()->isVisible());
        QCOMPARE(bar->actionButton()->text(), u"Retry"_s);
        // One way to try again beside the toolbar's Refresh, not three.
        QCOMPARE(h.window->findChild<QLabel *>(u"emptyLabel"_s)->text(), u"The report list could not be loaded."_s);
        QVERIFY(!h.window->findChild<QPushButton *>(u"emptyAction"_s)->isVisible());
        QTest::mouseClick(bar->actionButton(), Qt::LeftButton);
        QVERIFY(loaded.wait());
        QVERIFY(loaded.last().first().toBool());
        QVERIFY(!bar->isVisible());
        QCOMPARE(h.window->reportModel()->rowCount(), 37);
        // A failure from before does not outlive the account: signing out (clearReports) takes the bar away.
        h.fixture.server().addFault(fault);
        h.window->refresh();
        QVERIFY(loaded.wait());
        QVERIFY(bar->isVisible());
        h.window->clearReports();
        QVERIFY(!bar->isVisible());
    }

    void detailPanelShowsEveryField()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        const QString id = firstCompletedId(*h.window);
        select(*h.window, id);
        const Report r = *h.window->reportModel()->report(id);
        ReportDetailPanel *panel = h.window->detailPanel();
        QCOMPARE(panel->findChild<QLabel *>(u"detailTitle"_s)->text(), r.title);
        QCOMPARE(panel->field(u"status"_s)->text(), u"Completed"_s);
        // The type as the list says it ("Financial", not the API's "financial").
        QCOMPARE(panel->field(u"type"_s)->text(), Format::typeText(r.type));
        QCOMPARE(panel->field(u"type"_s)->text(),
                 h.window->reportModel()
                     ->index(h.window->reportModel()->rowOf(id), ReportTableModel::TypeColumn)
                     .data()
                     .toString());
        QCOMPARE(panel->field(u"filename"_s)->text(), r.filename);
        QCOMPARE(panel->field(u"id"_s)->text(), r.id);
        QVERIFY(panel->field(u"size"_s)->text().contains(QLocale().toString(r.fileSize)));
        QVERIFY(panel->field(u"size"_s)->text().contains(u"kB"_s));
        QCOMPARE(panel->field(u"period"_s)->text(),
                 QLocale().standaloneMonthName(r.periodFrom.month()) + u' ' + QString::number(r.periodFrom.year()));
        QCOMPARE(panel->field(u"generated"_s)->text(),
                 QLocale().toString(r.generatedAt.toLocalTime(), QLocale::ShortFormat));
        QCOMPARE(panel->field(u"created"_s)->text(),
                 QLocale().toString(r.createdAt.toLocalTime(), QLocale::ShortFormat));
        QVERIFY(!panel->field(u"format"_s)->text().isEmpty());
        QCOMPARE(panel->findChild<QLabel *>(u"detailDescription"_s)->text(), r.description);
        QVERIFY(!panel->findChild<QLabel *>(u"detailStatusIcon"_s)->pixmap().isNull());
        QVERIFY(panel->findChild<QPushButton *>(u"detailDownload"_s)->isEnabled());
        QVERIFY(!panel->findChild<QPushButton *>(u"detailOpen"_s)->isEnabled());
        QVERIFY(panel->findChild<QLabel *>(u"detailReason"_s)->isHidden());

        QTest::mouseClick(panel->findChild<QPushButton *>(u"detailCopyId"_s), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), id);
    }

    void notCompletedReportExplainsAndPollsItsStatus()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        // The status is followed by the reports page's watcher; the panel renders what it finds.
        h.window->reportsView()->watcher()->setInterval(50);
        QString id;
        for (const auto &r : h.fixture.server().reports())
            if (r.status == u"processing"_s)
                id = r.id;
        QVERIFY(!id.isEmpty());
        select(*h.window, id);
        ReportDetailPanel *panel = h.window->detailPanel();
        QCOMPARE(panel->field(u"status"_s)->text(), u"Processing"_s);
        auto *reason = panel->findChild<QLabel *>(u"detailReason"_s);
        QVERIFY(reason->isVisible());
        QVERIFY2(reason->text().contains(u"still generating"_s), qPrintable(reason->text()));
        QVERIFY(!panel->findChild<QPushButton *>(u"detailDownload"_s)->isEnabled());
        QVERIFY(h.window->reportsView()->watcher()->isWatching());

        // Ctrl+S on it explains instead of downloading.
        h.window->reportTable()->setFocus();
        QTest::keyClick(h.window->reportTable(), Qt::Key_S, Qt::ControlModifier);
        QVERIFY(h.window->messageBar()->text().contains(u"cannot be downloaded"_s));
        QCOMPARE(h.queue.rowCount(), 0);

        // GetBill finishes it: the next poll updates the row and the panel.
        sandbox::SandboxReport done = *h.fixture.server().report(id);
        done.status = u"completed"_s;
        done.downloadAvailable = true;
        done.generatedAt = QDateTime::currentDateTimeUtc();
        done.content = "a;b\n1;2\n";
        h.fixture.server().addReport(done);
        const int row = h.window->reportModel()->rowOf(id);
        QTRY_COMPARE(h.window->reportModel()->index(row, ReportTableModel::StatusColumn).data().toString(),
                     u"Completed"_s);
        QCOMPARE(panel->field(u"status"_s)->text(), u"Completed"_s);
        QVERIFY(panel->findChild<QPushButton *>(u"detailDownload"_s)->isEnabled());
        QVERIFY(reason->isHidden());
        QVERIFY(!h.window->reportsView()->watcher()->isWatching());
    }

    void saveDialogFlowSavesWhereTheUserChose()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        const QString id = firstCompletedId(*h.window);
        const Report r = *h.window->reportModel()->report(id);
        const QString target = QDir(h.fixture.folder()).filePath(u"chosen.bin"_s);
        h.chooser.saveAnswer = target;
        select(*h.window, id);
        QTest::mouseClick(h.window->detailPanel()->findChild<QPushButton *>(u"detailDownload"_s), Qt::LeftButton);
        QTRY_COMPARE(h.queue.rowCount(), 1);
        // The dialog was asked with the sanitised server name in the last used folder.
        QCOMPARE(h.chooser.saveCalls,
                 QStringList{QDir(h.fixture.folder()).filePath(SafeFileName::sanitize(r.filename, r.id, r.mimeType))});
        QVERIFY(h.waitForFinished(0));
        QCOMPARE(h.queue.state(0), State::Done);
        QCOMPARE(test::readFile(target), h.fixture.server().contentOf(id));
        QVERIFY(h.fixture.downloadHostSawNoAuthorization());
        // The row, the panel and the settings know about it.
        const int row = h.window->reportModel()->rowOf(id);
        QCOMPARE(h.window->reportModel()->index(row, ReportTableModel::StatusColumn).data().toString(),
                 u"Downloaded"_s);
        QCOMPARE(h.window->detailPanel()->field(u"saved"_s)->text(), QDir::toNativeSeparators(target));
        // The link expires in an hour and the file is saved: its expiry no longer matters, so it is not shown.
        QVERIFY(h.window->detailPanel()->findChild<QLabel *>(u"detailExpiry"_s)->isHidden());
        QCOMPARE(h.settings.lastSaveFolder(), h.fixture.folder());
        QTest::mouseClick(h.window->detailPanel()->findChild<QPushButton *>(u"detailOpen"_s), Qt::LeftButton);
        QCOMPARE(h.launcher.opened, QStringList{target});
        QTest::mouseClick(h.window->detailPanel()->findChild<QPushButton *>(u"detailShowInFolder"_s), Qt::LeftButton);
        QCOMPARE(h.launcher.shown, QStringList{target});
        // The downloads panel lists it with its path.
        const QModelIndex item = h.queue.index(0);
        QCOMPARE(item.data(DownloadQueue::TargetPathRole).toString(), target);
    }

    void saveDialogNeverStartsInAFolderThatIsGone()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        const QString id = firstCompletedId(*h.window);
        select(*h.window, id);
        QTemporaryDir gone;
        h.settings.setLastSaveFolder(gone.path());
        QVERIFY(gone.remove());
        h.window->downloadSelected(true);
        QTRY_COMPARE(h.chooser.saveCalls.size(), 1);
        QCOMPARE(QFileInfo(h.chooser.saveCalls.first()).absolutePath(), h.settings.downloadFolder());
        // The download folder gone too: home, never the working directory.
        h.settings.setDownloadFolder(gone.path());
        h.window->downloadSelected(true);
        QTRY_COMPARE(h.chooser.saveCalls.size(), 2);
        QCOMPARE(QFileInfo(h.chooser.saveCalls.last()).absolutePath(), QDir::homePath());
    }

    void cancelledSaveDialogDownloadsNothing()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        select(*h.window, firstCompletedId(*h.window));
        h.chooser.saveAnswer.clear();
        h.window->downloadSelected(false);
        QTRY_COMPARE(h.chooser.saveCalls.size(), 1);
        QCOMPARE(h.queue.rowCount(), 0);
        QVERIFY(h.fixture.files().isEmpty());
    }

    void alwaysToFolderNeverOverwrites()
    {
        test::GuiHarness h;
        h.settings.setSaveMode(Settings::SaveMode::AlwaysToFolder);
        QVERIFY(h.showLoaded());
        const QString id = firstCompletedId(*h.window);
        const Report r = *h.window->reportModel()->report(id);
        const QString name = SafeFileName::sanitize(r.filename, r.id, r.mimeType);
        QFile existing(QDir(h.fixture.folder()).filePath(name));
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("keep me");
        existing.close();
        select(*h.window, id);
        h.window->downloadSelected(false);
        QTRY_COMPARE(h.queue.rowCount(), 1);
        QVERIFY(h.waitForFinished(0));
        QCOMPARE(h.queue.state(0), State::Done);
        const QFileInfo info(name);
        const QString expected =
            QDir(h.fixture.folder()).filePath(info.completeBaseName() + u" (1)."_s + info.suffix());
        QCOMPARE(h.queue.targetPath(0), expected);
        QCOMPARE(test::readFile(expected), h.fixture.server().contentOf(id));
        QCOMPARE(test::readFile(existing.fileName()), QByteArray("keep me"));
        QVERIFY(h.chooser.saveCalls.isEmpty());
        // "Download to…" still asks.
        h.chooser.saveAnswer = QDir(h.fixture.folder()).filePath(u"elsewhere.csv"_s);
        h.window->downloadSelected(true);
        QTRY_COMPARE(h.chooser.saveCalls.size(), 1);
    }

    void dropPlainTextIdsAddsAndDownloads()
    {
        test::GuiHarness h;
        h.settings.setSaveMode(Settings::SaveMode::AlwaysToFolder);
        QVERIFY(h.showLoaded());
        const QString known = firstCompletedId(*h.window);
        h.fixture.server().addReport(extraReport(u"report_dropped1"_s));
        const int rowsBefore = h.window->reportModel()->rowCount();
        QVERIFY(!h.window->reportModel()->contains(u"report_dropped1"_s));

        auto *mime = new QMimeData;
        mime->setText(u"report_dropped1,\n"_s + known);
        sendDrop(h.window.get(), mime);
        QTRY_COMPARE(h.queue.rowCount(), 2);
        QCOMPARE(h.window->reportModel()->rowCount(), rowsBefore + 1);
        QCOMPARE(h.window->selectedReportIds().size(), 2);
        QVERIFY(h.window->selectedReportIds().contains(u"report_dropped1"_s));
        QVERIFY(h.window->selectedReportIds().contains(known));
        QVERIFY(h.waitForFinished(0));
        QVERIFY(h.waitForFinished(1));
        QCOMPARE(h.queue.state(0), State::Done);
        QCOMPARE(h.queue.state(1), State::Done);
        QCOMPARE(test::readFile(QDir(h.fixture.folder()).filePath(u"report_dropped1.csv"_s)),
                 h.fixture.server().contentOf(u"report_dropped1"_s));
        QVERIFY(!h.window->dropOverlay()->isVisible());
        delete mime;
    }

    void dropUriListAddsAndDownloadsWithTheSaveDialog()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        h.fixture.server().addReport(extraReport(u"report_linked"_s));
        h.chooser.saveAnswer = QDir(h.fixture.folder()).filePath(u"linked.csv"_s);
        auto *mime = new QMimeData;
        mime->setUrls({QUrl(u"getbill://report/report_linked"_s)});
        sendDrop(h.window.get(), mime);
        QTRY_COMPARE(h.queue.rowCount(), 1);
        QCOMPARE(h.chooser.saveCalls.size(), 1);
        QCOMPARE(h.window->selectedReportIds(), QStringList{u"report_linked"_s});
        QVERIFY(h.waitForFinished(0));
        QCOMPARE(test::readFile(h.chooser.saveAnswer), h.fixture.server().contentOf(u"report_linked"_s));
        delete mime;

        // A dashboard URL with an id already in the list.
        auto *dashboard = new QMimeData;
        const QString known = firstCompletedId(*h.window);
        dashboard->setUrls({QUrl(u"https://getbill.io/dashboard/reports/"_s + known)});
        h.chooser.saveAnswer = QDir(h.fixture.folder()).filePath(u"known.bin"_s);
        sendDrop(h.window.get(), dashboard);
        QTRY_COMPARE(h.queue.rowCount(), 2);
        QCOMPARE(h.window->selectedReportIds(), QStringList{known});
        QVERIFY(h.waitForFinished(1));
        QCOMPARE(test::readFile(h.chooser.saveAnswer), h.fixture.server().contentOf(known));
        delete dashboard;
    }

    void severalIdsInAskModeAskForOneFolder()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        QStringList ids;
        for (int i = 0; i < 3; ++i) {
            h.fixture.server().addReport(extraReport(u"report_batch%1"_s.arg(i)));
            ids << u"report_batch%1"_s.arg(i);
        }
        QTemporaryDir folder;
        h.chooser.folderAnswer = folder.path();
        h.window->openReportIds(ids);
        QTRY_COMPARE(h.queue.rowCount(), 3);
        QCOMPARE(h.chooser.folderCalls.size(), 1);
        QVERIFY(h.chooser.saveCalls.isEmpty());
        for (int row = 0; row < 3; ++row)
            QVERIFY(h.waitForFinished(row));
        QCOMPARE(QDir(folder.path()).entryList(QDir::Files).size(), 3);
    }

    void dragEnterShowsTheOverlay()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        QMimeData mime;
        mime.setText(u"report_a report_b"_s);
        const QPoint at = h.window->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(h.window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QVERIFY(h.window->dropOverlay()->isVisible());
        QCOMPARE(h.window->dropOverlay()->text(), u"Drop 2 report ids to download"_s);
        QCOMPARE(h.window->dropOverlay()->geometry(), h.window->centralWidget()->rect());
        QDragLeaveEvent leave;
        QApplication::sendEvent(h.window.get(), &leave);
        QVERIFY(!h.window->dropOverlay()->isVisible());

        QMimeData image;
        image.setData(u"image/png"_s, "\x89PNG");
        QDragEnterEvent refused(at, Qt::CopyAction, &image, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(h.window.get(), &refused);
        QVERIFY(!refused.isAccepted());
        QVERIFY(!h.window->dropOverlay()->isVisible());
    }

    void pasteWithCtrlV()
    {
        test::GuiHarness h;
        h.settings.setSaveMode(Settings::SaveMode::AlwaysToFolder);
        QVERIFY(h.showLoaded());
        h.fixture.server().addReport(extraReport(u"report_pasted"_s));
        QGuiApplication::clipboard()->setText(u"getbill://report/report_pasted"_s);
        h.window->reportTable()->setFocus();
        QTest::keyClick(h.window->reportTable(), Qt::Key_V, Qt::ControlModifier);
        QTRY_COMPARE(h.queue.rowCount(), 1);
        QVERIFY(h.waitForFinished(0));
        QCOMPARE(h.queue.state(0), State::Done);
        QVERIFY(h.window->reportModel()->contains(u"report_pasted"_s));

        // Text without an id says so and changes nothing.
        QGuiApplication::clipboard()->setText(u"hello world!"_s);
        QTest::keyClick(h.window->reportTable(), Qt::Key_V, Qt::ControlModifier);
        QVERIFY(h.window->messageBar()->text().contains(u"holds no report id"_s));
        QCOMPARE(h.queue.rowCount(), 1);

        // In the search field Ctrl+V pastes text as usual.
        QGuiApplication::clipboard()->setText(u"report_pasted"_s);
        auto *search = h.window->findChild<QLineEdit *>(u"searchEdit"_s);
        search->setFocus();
        QTest::keyClick(search, Qt::Key_V, Qt::ControlModifier);
        QCOMPARE(search->text(), u"report_pasted"_s);
        QCOMPARE(h.queue.rowCount(), 1);
    }

    void forbiddenDroppedIdShowsTheMessageAndChangesNothing()
    {
        test::GuiHarness h;
        h.settings.setSaveMode(Settings::SaveMode::AlwaysToFolder);
        QVERIFY(h.showLoaded());
        sandbox::SandboxReport other = extraReport(u"report_othercompany"_s);
        other.ownerCompany = u"acme"_s;
        h.fixture.server().addReport(other);
        const QString known = firstCompletedId(*h.window);
        select(*h.window, known);
        const int rows = h.window->reportModel()->rowCount();

        auto *mime = new QMimeData;
        mime->setText(u"report_othercompany"_s);
        sendDrop(h.window.get(), mime);
        QTRY_VERIFY(h.window->messageBar()->isVisible());
        QVERIFY2(h.window->messageBar()->text().contains(u"Access denied to this report"_s),
                 qPrintable(h.window->messageBar()->text()));
        QCOMPARE(h.window->messageBar()->level(), MessageBar::Level::Error);
        QCOMPARE(h.window->reportModel()->rowCount(), rows);
        QCOMPARE(h.window->selectedReportIds(), QStringList{known});
        QCOMPARE(h.queue.rowCount(), 0);
        QVERIFY(h.fixture.files().isEmpty());
        delete mime;

        // An unknown id: the API's 404 message.
        h.window->openReportIds({u"report_doesnotexist"_s});
        QTRY_VERIFY(h.window->messageBar()->text().contains(u"Report not found"_s));
        QCOMPARE(h.window->reportModel()->rowCount(), rows);
        QCOMPARE(h.queue.rowCount(), 0);
    }

    void cancelMidDownloadLeavesNoFile()
    {
        test::GuiHarness h;
        h.settings.setSaveMode(Settings::SaveMode::AlwaysToFolder);
        sandbox::SandboxReport big = extraReport(u"report_big"_s, {});
        big.generatedSize = 64LL * 1024 * 1024;
        h.fixture.server().addReport(big);
        sandbox::Fault stall;
        stall.host = sandbox::Fault::Host::Download;
        stall.stallAfterBytes = 2 * 1024 * 1024;
        h.fixture.server().addFault(stall);
        QVERIFY(h.showLoaded());
        select(*h.window, u"report_big"_s);
        h.window->downloadSelected(false);
        QTRY_COMPARE(h.queue.rowCount(), 1);
        QTRY_VERIFY(h.queue.index(0).data(DownloadQueue::BytesReceivedRole).toLongLong() > 0);
        QCOMPARE(h.queue.state(0), State::Downloading);
        QVERIFY(!h.fixture.files().isEmpty()); // the .part file exists while downloading
        // Keyboard: the downloads list has the item selected; Delete cancels it.
        QListView *list = h.window->downloadsPanel()->view();
        list->setFocus();
        QCOMPARE(h.window->downloadsPanel()->currentRow(), 0);
        QTest::keyClick(list, Qt::Key_Delete);
        QVERIFY(h.waitForFinished(0));
        QCOMPARE(h.queue.state(0), State::Cancelled);
        QTRY_VERIFY(h.fixture.files().isEmpty());
        QVERIFY(!h.window->messageBar()->isVisible()); // a cancel is not an error
    }

    void keyboardOnly()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        QVERIFY(QTest::qWaitForWindowActive(h.window.get()));
        auto *search = h.window->findChild<QLineEdit *>(u"searchEdit"_s);
        auto *combo = h.window->findChild<QComboBox *>(u"typeCombo"_s);
        auto *refresh = h.window->findChild<QPushButton *>(u"refreshButton"_s);
        QTableView *table = h.window->reportTable();

        // Ctrl+F, type, Tab through the filter row to the table.
        table->setFocus();
        QTest::keyClick(h.window.get(), Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget(), search);
        QTest::keyClicks(search, u"ledger"_s);
        QCOMPARE(h.window->filterModel()->rowCount(), 1);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), combo);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), refresh);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), table);

        // Back in the search field, Return moves to the results; the type combo works with arrow keys.
        search->setFocus();
        search->clear();
        QTest::keyClicks(search, u"2025"_s);
        QTest::keyClick(search, Qt::Key_Return);
        QCOMPARE(QApplication::focusWidget(), table);
        QVERIFY(table->currentIndex().isValid());
        combo->setFocus();
        QTest::keyClick(combo, Qt::Key_Down);
        QVERIFY(!h.window->filterModel()->typeFilter().isEmpty());
        QCOMPARE(h.window->filterModel()->typeFilter(), combo->currentData().toString());
        combo->setCurrentIndex(0);
        search->clear();

        // F5 reloads and keeps the selection.
        const QString id = firstCompletedId(*h.window);
        select(*h.window, id);
        table->setFocus();
        QSignalSpy loaded(h.window.get(), &MainWindow::listLoaded);
        QTest::keyClick(table, Qt::Key_F5);
        QVERIFY(loaded.wait());
        QCOMPARE(h.window->selectedReportIds(), QStringList{id});

        // Enter downloads the current report through the save dialog.
        h.chooser.saveAnswer = QDir(h.fixture.folder()).filePath(u"by-keyboard.bin"_s);
        QTest::keyClick(table, Qt::Key_Return);
        QTRY_COMPARE(h.queue.rowCount(), 1);
        QVERIFY(h.waitForFinished(0));
        QCOMPARE(test::readFile(h.chooser.saveAnswer), h.fixture.server().contentOf(id));

        // Ctrl+Shift+S asks again even with the folder setting on.
        h.settings.setSaveMode(Settings::SaveMode::AlwaysToFolder);
        h.chooser.saveAnswer.clear();
        QTest::keyClick(table, Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(h.chooser.saveCalls.size(), 2);
    }

    void theReportShownIsTheReportActedOn()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        QVERIFY(QTest::qWaitForWindowActive(h.window.get()));
        QTableView *table = h.window->reportTable();
        auto *search = h.window->findChild<QLineEdit *>(u"searchEdit"_s);
        // A fresh start: nothing selected, nothing shown, nothing downloaded by Ctrl+S or Enter.
        QVERIFY(h.window->selectedReportIds().isEmpty());
        QVERIFY(!h.window->detailPanel()->report());
        table->setFocus();
        QTest::keyClick(table, Qt::Key_S, Qt::ControlModifier);
        QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(h.queue.rowCount(), 0);
        QCOMPARE(h.window->statusBar()->currentMessage(), u"Select a report to download first."_s);
        QVERIFY(h.chooser.saveCalls.isEmpty());

        // Arrow keys move the current row, the selection and the panel together.
        QTest::keyClick(table, Qt::Key_Down);
        QCOMPARE(h.window->selectedReportIds().size(), 1);
        const QString current = table->currentIndex().data(ReportTableModel::IdRole).toString();
        QCOMPARE(h.window->selectedReportIds(), QStringList{current});
        QCOMPARE(h.window->detailPanel()->report()->id, current);

        // Search + Enter selects the first result; the panel shows it, and Enter downloads that one.
        const QString id = firstCompletedId(*h.window);
        const Report wanted = *h.window->reportModel()->report(id);
        search->setFocus();
        search->setText(wanted.title);
        QTest::keyClick(search, Qt::Key_Return);
        QCOMPARE(QApplication::focusWidget(), table);
        QCOMPARE(h.window->selectedReportIds(), QStringList{id});
        QCOMPARE(h.window->detailPanel()->report()->id, id);
        h.chooser.saveAnswer = QDir(h.fixture.folder()).filePath(u"searched.bin"_s);
        QTest::keyClick(table, Qt::Key_Return);
        QTRY_COMPARE(h.queue.rowCount(), 1);
        QCOMPARE(h.queue.index(0).data(DownloadQueue::ReportIdRole).toString(), id);
    }

    void aFilterThatHidesTheShownReportClearsThePanel()
    {
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        auto *search = h.window->findChild<QLineEdit *>(u"searchEdit"_s);
        auto *combo = h.window->findChild<QComboBox *>(u"typeCombo"_s);
        auto *count = h.window->findChild<QLabel *>(u"countLabel"_s);
        QTableView *table = h.window->reportTable();
        const int all = h.window->reportModel()->rowCount();
        const QString first = firstCompletedId(*h.window);
        const Report shown = *h.window->reportModel()->report(first);
        QString other;
        for (int row = 0; row < all && other.isEmpty(); ++row) {
            const Report r = h.window->reportModel()->reportAt(row);
            if (r.type != shown.type && r.canDownload())
                other = r.id;
        }
        QVERIFY(!other.isEmpty());

        // Two selected, the current one shown; a search that keeps only the other: the panel shows that one.
        select(*h.window, first);
        table->selectionModel()->select(h.window->filterModel()->mapFromSource(
                                            h.window->reportModel()->index(h.window->reportModel()->rowOf(other), 0)),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(h.window->detailPanel()->report()->id, first);
        search->setText(other);
        QCOMPARE(h.window->filterModel()->rowCount(), 1);
        QCOMPARE(h.window->selectedReportIds(), QStringList{other});
        QCOMPARE(h.window->detailPanel()->report()->id, other);
        QCOMPARE(count->text(), u"1 of %1 reports"_s.arg(all));

        // A search that finds nothing: nothing selected, nothing shown, nothing for Ctrl+S to download.
        search->setText(u"no such report anywhere"_s);
        QVERIFY(h.window->selectedReportIds().isEmpty());
        QVERIFY(!h.window->detailPanel()->report());
        table->setFocus();
        QTest::keyClick(table, Qt::Key_S, Qt::ControlModifier);
        QCOMPARE(h.queue.rowCount(), 0);
        search->clear();
        QCOMPARE(h.window->filterModel()->rowCount(), all);
        QCOMPARE(count->text(), u"%1 reports"_s.arg(all));

        // The type filter does the same.
        select(*h.window, first);
        const int otherType = combo->findData(h.window->reportModel()->report(other)->type);
        QVERIFY(otherType > 0);
        combo->setCurrentIndex(otherType);
        QVERIFY(h.window->selectedReportIds().isEmpty());
        QVERIFY(!h.window->detailPanel()->report());
        combo->setCurrentIndex(0);
        QCOMPARE(h.window->filterModel()->rowCount(), all);
    }

    void everyInteractiveWidgetHasAnAccessibleName()
    {
        // What a screen reader hears (the accessible interface's name: a set name, else a label's or a button's
        // text), on both pages, a message with its button shown.
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        select(*h.window, firstCompletedId(*h.window));
        h.window->messageBar()->showError(u"The report list could not be loaded."_s, [] {});
        QStringList missing;
        int checked = 0;
        const auto walk = [&] {
            const QList<QWidget *> widgets = h.window->findChildren<QWidget *>();
            for (QWidget *w : widgets) {
                if (w->window() != h.window.get() || w->focusPolicy() == Qt::NoFocus ||
                    w->objectName().startsWith(u"qt_"_s) || !w->isVisibleTo(h.window.get()))
                    continue;
                ++checked;
                QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(w);
                if (!accessible || accessible->text(QAccessible::Name).isEmpty())
                    missing << QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName();
            }
        };
        walk();
        h.window->showWelcome();
        walk();
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", "_s)));
        QVERIFY(checked > 30);
    }

    void valuesAreHeardAsTheyRead()
    {
        // Labels are heard as their text, not as the name of their field; the field is their description.
        test::GuiHarness h;
        QVERIFY(h.showLoaded());
        const QString id = firstCompletedId(*h.window);
        select(*h.window, id);
        const auto heard = [](QWidget *w, QAccessible::Text text = QAccessible::Name) {
            return QAccessible::queryAccessibleInterface(w)->text(text);
        };
        auto *title = h.window->detailPanel()->findChild<QLabel *>(u"detailTitle"_s);
        QCOMPARE(heard(title), h.window->reportModel()->report(id)->title);
        QCOMPARE(heard(title, QAccessible::Description), u"Report title"_s);
        QLabel *status = h.window->detailPanel()->field(u"status"_s);
        QCOMPARE(heard(status), status->text());
        QCOMPARE(heard(status, QAccessible::Description), u"Status"_s);
        auto *count = h.window->findChild<QLabel *>(u"countLabel"_s);
        QVERIFY(count->text().endsWith(u" reports"_s));
        QCOMPARE(heard(count), count->text());
        auto *mode = h.window->findChild<QLabel *>(u"modeLabel"_s);
        QCOMPARE(heard(mode), mode->text());
        MessageBar *bar = h.window->messageBar();
        bar->showMessage(MessageBar::Level::Error, u"Not signed in."_s, u"Sign in…"_s, [] {});
        QCOMPARE(heard(bar->actionButton()), u"Sign in…"_s);
        QCOMPARE(heard(bar), u"Error"_s);
        QCOMPARE(heard(bar, QAccessible::Description), u"Not signed in."_s);
        QCOMPARE(heard(bar->findChild<QLabel *>(u"messageText"_s)), u"Not signed in."_s);
        bar->showError(u"Failed."_s, [] {});
        QCOMPARE(heard(bar->actionButton()), u"Retry"_s);
    }

    void serverTextIsPlainText()
    {
        // A title, a description and an API message full of markup are shown as the characters they are (issue 9):
        // no bold, no link to click, no image fetched.
        test::GuiHarness h;
        sandbox::SandboxReport r = extraReport(u"report_markup"_s);
        r.title = u"<b>Bold</b> <a href=\"https://evil.example/\">click</a>"_s;
        r.description = u"<img src=\"https://evil.example/pixel.png\">"_s;
        h.fixture.server().addReport(r);
        QVERIFY(h.showLoaded());
        select(*h.window, r.id);
        auto *title = h.window->detailPanel()->findChild<QLabel *>(u"detailTitle"_s);
        QCOMPARE(title->textFormat(), Qt::PlainText);
        QCOMPARE(title->text(), r.title);
        auto *description = h.window->detailPanel()->findChild<QLabel *>(u"detailDescription"_s);
        QCOMPARE(description->textFormat(), Qt::PlainText);
        // Every value the panel shows (its own captions aside) is plain text.
        for (QLabel *label : h.window->detailPanel()->findChildren<QLabel *>())
            if (label->objectName().startsWith(u"detail"_s) && label->objectName() != u"detailStatusIcon"_s)
                QVERIFY2(label->textFormat() == Qt::PlainText, qPrintable(label->objectName()));
        const QModelIndex cell = h.window->reportModel()->index(h.window->reportModel()->rowOf(r.id), 0);
        const QString tip = cell.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(u"&lt;b&gt;Bold&lt;/b&gt;"_s) && !tip.contains(u"<b>"_s), qPrintable(tip));

        sandbox::Fault refused;
        refused.pathContains = u"/reports/report_markup"_s;
        refused.status = 403;
        refused.body =
            R"({"error":true,"message":"<b>Denied</b> <a href='https://evil.example/'>see here</a>","code":403})";
        h.fixture.server().addFault(refused);
        h.window->openReportIds({u"report_markup_other"_s, u"report_markup"_s});
        QTRY_VERIFY(h.window->messageBar()->isVisible());
        auto *text = h.window->messageBar()->findChild<QLabel *>(u"messageText"_s);
        QVERIFY(text);
        QCOMPARE(text->textFormat(), Qt::PlainText);
    }

    void welcomePageOffersSignInAndDemo()
    {
        test::GuiHarness h;
        h.window->showWelcome();
        h.window->show();
        QVERIFY(h.window->isShowingWelcome());
        // What acts on the list is off where there is no list; Sign in and Quit are not.
        const QStringList listActions{u"actionDownload"_s, u"actionDownloadTo"_s, u"actionFind"_s, u"actionRefresh"_s};
        for (const QString &name : listActions)
            QVERIFY2(!h.window->findChild<QAction *>(name)->isEnabled(), qPrintable(name));
        QVERIFY(h.window->findChild<QAction *>(u"actionSignIn"_s)->isEnabled());
        QVERIFY(h.window->findChild<QAction *>(u"actionQuit"_s)->isEnabled());
        h.window->showReports(false);
        for (const QString &name : listActions)
            QVERIFY2(h.window->findChild<QAction *>(name)->isEnabled(), qPrintable(name));
        h.window->showWelcome();
        QSignalSpy signIn(h.window.get(), &MainWindow::signInRequested);
        QSignalSpy demo(h.window.get(), &MainWindow::demoRequested);
        QTest::mouseClick(h.window->findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
        QCOMPARE(signIn.count(), 1);
        QTest::mouseClick(h.window->findChild<QPushButton *>(u"demoButton"_s), Qt::LeftButton);
        QCOMPARE(demo.count(), 1);
        // Ids handed over before an account is chosen wait for the list.
        h.window->openReportIds({u"report_later"_s});
        QVERIFY(h.window->messageBar()->text().contains(u"1 report id"_s));
        h.window->setDemoMode(true);
        QVERIFY(h.window->windowTitle().contains(u"Demo data"_s));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
