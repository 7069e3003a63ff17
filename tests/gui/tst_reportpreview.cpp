// The Preview tab in the window against the sandbox: the demo's real PDF, CSV and XLSX samples render; when it
// loads (never with the tab closed, by itself only up to 20 MiB, where the selection rests); where the bytes come
// from (the saved file, the cache, one verified download), the cache's bound, "Save" copying from it, and hostile
// files (zip bomb, billion laughs, truncated ZIP, a 100 MiB line, broken PDFs) ending as a message.

#include "GuiHarness.h"
#include "PdfPreviewWidget.h"
#include "PreviewTestFiles.h"
#include "ReportDetailPanel.h"
#include "ReportFilterModel.h"
#include "ReportPreviewPane.h"
#include "ReportTableModel.h"
#include "ReportsView.h"
#include "TablePreviewWidget.h"
#include "TestPdf.h"
#include "download/DownloadHistory.h"
#include "download/PartialDownload.h"
#include "preview/PreviewCache.h"
#include "sandbox/XlsxWriter.h"

#include <QApplication>
#include <QLabel>
#include <QPdfDocument>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;
using namespace Qt::StringLiterals;
using State = ReportPreviewPane::State;
using Origin = PreviewFileJob::Origin;

namespace {

const QString XlsxMime = u"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"_s;

sandbox::SandboxReport extra(const QString &id, const QString &mime, const QString &filename)
{
    sandbox::SandboxReport r = test::TestFixture::csvReport(id);
    r.title = u"Extra "_s + id;
    r.mimeType = mime;
    r.filename = filename;
    r.periodFrom = QDate(2030, 1, 1);
    r.periodTo = QDate(2030, 1, 31);
    r.generatedAt = QDateTime(QDate(2030, 2, 1), QTime(9, 0), Qt::UTC);
    return r;
}

/// The window with a preview cache of its own, as Application wires it.
struct Rig
{
    explicit Rig(qint64 cacheBytes = PreviewCache::defaultMaxBytes) : cache(dir.filePath(u"previews"_s), cacheBytes)
    {
        cache.open();
        h.window->reportsView()->setPreviewCache(&cache);
        h.controller.setPreviewCache(&cache);
        pane()->loader()->setPdfChecker(qEnvironmentVariable("GETBILL_TEST_BINARY_DIR") +
                                        u"/app/gui/getbill-pdf-check"_s);
        pane()->setAutoLoadDelay(50);
    }

    ReportPreviewPane *pane() const { return h.window->detailPanel()->preview(); }
    QTabWidget *tabs() const { return h.window->detailPanel()->tabs(); }
    void openPreview() { tabs()->setCurrentWidget(pane()); }
    void openDetails() { tabs()->setCurrentIndex(0); }

    void select(const QString &id)
    {
        const QModelIndex source = h.window->reportModel()->index(h.window->reportModel()->rowOf(id), 0);
        h.window->reportTable()->selectionModel()->setCurrentIndex(h.window->filterModel()->mapFromSource(source),
                                                                   QItemSelectionModel::ClearAndSelect |
                                                                       QItemSelectionModel::Rows);
    }

    bool waitFor(State state, int timeoutMs = 20'000)
    {
        return QTest::qWaitFor([&] { return pane()->state() == state; }, timeoutMs);
    }

    /// GET /reports/download/{id} requests (all of them when `id` is empty).
    int tickets(const QString &id = {})
    {
        int n = 0;
        const auto requests = h.fixture.server().requests();
        for (const auto &r : requests)
            if (r.host == sandbox::Fault::Host::Api && r.pathAndQuery.contains(u"/reports/download/"_s + id))
                ++n;
        return n;
    }

    /// The first completed sample of the demo catalogue of this MIME type.
    QString sample(const QString &mime)
    {
        const QList<sandbox::SandboxReport> reports = h.fixture.server().reports();
        for (const auto &r : reports)
            if (r.mimeType == mime && r.downloadAvailable && !r.content.isEmpty())
                return r.id;
        return {};
    }

    QStringList cacheFiles() const
    {
        QStringList names = QDir(cache.folder()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
        names.removeAll(u"index.json"_s);
        return names;
    }

    QTemporaryDir dir;
    PreviewCache cache; // outlives the window
    test::GuiHarness h;
};

} // namespace

class TestReportPreview : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // The partial-download records are the test's own.
        static QTemporaryDir data;
        qputenv("XDG_DATA_HOME", data.path().toUtf8());
    }

    void theDemosPdfCsvAndXlsxRender()
    {
        Rig rig;
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();

        const QString pdf = rig.sample(u"application/pdf"_s);
        rig.select(pdf);
        QVERIFY(rig.waitFor(State::Showing));
        QCOMPARE(rig.pane()->origin(), Origin::Downloaded);
        PdfPreviewWidget *view = rig.pane()->pdfView();
        QVERIFY(view->isVisible());
        QCOMPARE(view->pageCount(), 1);
        const QString title = rig.h.window->reportModel()->report(pdf)->title;
        QVERIFY2(view->pageText().contains(title.left(title.indexOf(u" – "_s))), qPrintable(view->pageText()));
        QVERIFY(view->pageText().contains(u"Total invoiced"_s) || view->pageText().contains(u"Total facturé"_s));

        const QString csv = rig.sample(u"text/csv"_s);
        rig.select(csv);
        QVERIFY(rig.waitFor(State::Showing));
        TablePreviewWidget *tables = rig.pane()->tableView();
        QCOMPARE(tables->sheetCount(), 1);
        QVERIFY(tables->tabs()->tabBar()->isHidden()); // one sheet: no tab bar
        QAbstractItemModel *model = tables->table(0)->model();
        QCOMPARE(model->index(0, 0).data().toString(), u"invoice_number"_s);
        QVERIFY(model->index(1, 0).data().toString().startsWith(u"FAC-"_s));
        QCOMPARE(model->headerData(4, Qt::Horizontal).toString(), u"E"_s);
        // amount_eur: numbers right-aligned, its header not.
        QVERIFY(model->index(1, 4).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignRight);
        QVERIFY(model->index(0, 4).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignLeft);
        QVERIFY(model->index(1, 1).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignLeft);
        QVERIFY(tables->cutNote(0).isEmpty());

        const QString xlsx = rig.sample(XlsxMime);
        rig.select(xlsx);
        QVERIFY(rig.waitFor(State::Showing));
        const Report workbook = *rig.h.window->reportModel()->report(xlsx);
        model = tables->table(0)->model();
        QCOMPARE(model->index(0, 0).data().toString(), workbook.title);
        QCOMPARE(model->index(2, 0).data().toString(), u"Invoice"_s);
        QCOMPARE(model->index(2, 4).data().toString(), u"Amount (EUR)"_s);
        QVERIFY(model->index(3, 4).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignRight);
        QCOMPARE(tables->tabs()->tabText(0), workbook.type);

        QCOMPARE(rig.tickets(), 3);
        QVERIFY(rig.h.fixture.downloadHostSawNoAuthorization());
        QCOMPARE(rig.cache.entries().size(), 3);
    }

    void workbookSheetsAreTabs()
    {
        Rig rig;
        preview::test::TestWorkbook book;
        book.sheets.append({u"Summary & totals"_s, preview::test::row(1, {u"Total"_s, u"1250.5"_s}), {}});
        book.sheets.append({u"Hidden"_s, preview::test::row(1, {u"secret"_s}), "hidden"});
        book.sheets.append({u"Detail"_s, preview::test::row(1, {u"F-1"_s, u"12"_s}), {}});
        sandbox::SandboxReport r = extra(u"report_book"_s, XlsxMime, u"book.xlsx"_s);
        r.content = book.zip();
        rig.h.fixture.server().addReport(r);
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        rig.select(r.id);
        QVERIFY(rig.waitFor(State::Showing));
        TablePreviewWidget *tables = rig.pane()->tableView();
        QCOMPARE(tables->sheetCount(), 2); // visible sheets only
        QVERIFY(tables->tabs()->tabBar()->isVisible());
        QCOMPARE(tables->tabs()->tabText(0), u"Summary && totals"_s); // "&" is no mnemonic
        QCOMPARE(tables->tabs()->tabText(1), u"Detail"_s);
        QCOMPARE(tables->table(0)->model()->index(0, 1).data().toString(), u"1250.5"_s);
        QCOMPARE(tables->table(1)->model()->index(0, 0).data().toString(), u"F-1"_s);
        tables->tabs()->setCurrentIndex(1);
        QVERIFY(tables->table(1)->isVisible());
    }

    void arrowingWithTheTabClosedAsksNothing()
    {
        Rig rig;
        QVERIFY(rig.h.showLoaded());
        rig.h.fixture.server().clearRequests();
        QTableView *table = rig.h.window->reportTable();
        table->setFocus();
        rig.select(rig.h.window->reportModel()->reportAt(0).id);
        for (int i = 0; i < 12; ++i) {
            QTest::keyClick(table, Qt::Key_Down);
            QTest::qWait(80); // longer than the auto-load delay: each row is "rested on"
        }
        QVERIFY(rig.h.window->detailPanel()->report());
        QCOMPARE(rig.pane()->state(), State::Waiting);
        QCOMPARE(rig.pane()->message(), u"The preview loads when this tab is open."_s);
        QCOMPARE(rig.tickets(), 0);
        QVERIFY(rig.h.fixture.downloadRequests().isEmpty());
        QVERIFY(rig.cacheFiles().isEmpty());
        // Opening the tab is what asks.
        const QString shown = rig.h.window->detailPanel()->report()->id;
        rig.openPreview();
        QTRY_COMPARE(rig.tickets(shown), rig.h.window->detailPanel()->report()->canDownload() ? 1 : 0);
    }

    void withTheTabOpenOnlyWhereTheSelectionRestsLoads()
    {
        Rig rig;
        rig.pane()->setAutoLoadDelay(400);
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        const QString csv = rig.sample(u"text/csv"_s);
        rig.select(csv);
        QVERIFY(rig.waitFor(State::Showing));
        rig.h.fixture.server().clearRequests();
        QTableView *table = rig.h.window->reportTable();
        table->setFocus();
        for (int i = 0; i < 6; ++i)
            QTest::keyClick(table, Qt::Key_Down);
        const Report last = *rig.h.window->detailPanel()->report();
        QVERIFY(last.canDownload());
        QTRY_COMPARE_WITH_TIMEOUT(rig.pane()->state(), State::Showing, 20'000);
        QCOMPARE(rig.tickets(), 1);
        QCOMPARE(rig.tickets(last.id), 1);
    }

    void reportsOverTwentyMebibytesLoadWhenAsked()
    {
        Rig rig;
        sandbox::SandboxReport atLimit = extra(u"report_at_limit"_s, u"text/csv"_s, u"at.csv"_s);
        atLimit.content.clear();
        atLimit.generatedSize = ReportPreviewPane::autoLoadBytes;
        sandbox::SandboxReport over = atLimit;
        over.id = u"report_over_limit"_s;
        over.generatedSize = ReportPreviewPane::autoLoadBytes + 1;
        sandbox::SandboxReport overToo = over;
        overToo.id = u"report_over_too"_s;
        for (const auto &r : {atLimit, over, overToo})
            rig.h.fixture.server().addReport(r);
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();

        rig.select(over.id);
        QVERIFY(rig.waitFor(State::AskToLoad));
        QVERIFY2(rig.pane()->message().contains(u"This report is 21.0 MB"_s), qPrintable(rig.pane()->message()));
        QTest::qWait(300);
        QCOMPARE(rig.tickets(over.id), 0);
        auto *action = rig.pane()->findChild<QPushButton *>(u"previewAction"_s);
        QVERIFY(action->isVisible());
        QCOMPARE(action->text(), u"&Load preview"_s);
        QTest::mouseClick(action, Qt::LeftButton);
        QVERIFY(rig.waitFor(State::Showing, 60'000));
        QCOMPARE(rig.tickets(over.id), 1);
        QCOMPARE(rig.pane()->tableView()->cutNote(0), u"Showing 10,000 of 327,681 rows"_s);

        // At the limit: by itself.
        rig.select(atLimit.id);
        QVERIFY(rig.waitFor(State::Showing, 60'000));
        QCOMPARE(rig.tickets(atLimit.id), 1);
        QCOMPARE(rig.pane()->tableView()->cutNote(0), u"Showing 10,000 of 327,680 rows"_s);

        // Over it, with the tab closed: opening the tab is asking.
        rig.openDetails();
        rig.select(overToo.id);
        QTest::qWait(200);
        QCOMPARE(rig.tickets(overToo.id), 0);
        rig.openPreview();
        QVERIFY(rig.waitFor(State::Showing, 60'000));
        QCOMPARE(rig.tickets(overToo.id), 1);
    }

    void aSavedFileIsPreviewedWhereItIs()
    {
        Rig rig;
        const QString csv = rig.sample(u"text/csv"_s);
        const QString saved = QDir(rig.h.fixture.folder()).filePath(u"saved.csv"_s);
        QVERIFY(preview::test::writeFile(saved, rig.h.fixture.server().contentOf(csv)));
        DownloadHistory history(rig.dir.filePath(u"history.json"_s));
        QVERIFY(history.add(
            {csv, u"saved.csv"_s, saved, QFileInfo(saved).size(), QString(), QDateTime::currentDateTimeUtc()}));
        rig.h.window->setHistory(&history);
        QVERIFY(rig.h.showLoaded());
        rig.h.fixture.server().clearRequests();
        rig.openPreview();
        rig.select(csv);
        QVERIFY(rig.waitFor(State::Showing));
        QCOMPARE(rig.pane()->origin(), Origin::SavedCopy);
        QCOMPARE(rig.pane()->findChild<QLabel *>(u"previewSource"_s)->text(), u"From your saved copy"_s);
        QCOMPARE(rig.pane()->tableView()->table(0)->model()->index(0, 0).data().toString(), u"invoice_number"_s);
        QVERIFY(rig.h.fixture.server().requests().isEmpty());
        QVERIFY(rig.cacheFiles().isEmpty());
    }

    void theCacheAnswersAgainAndEvictsTheLeastRecentlyUsed()
    {
        QList<sandbox::SandboxReport> csvs;
        {
            test::TestFixture probe;
            for (const auto &r : probe.server().reports())
                if (r.mimeType == u"text/csv"_s && r.downloadAvailable && !r.content.isEmpty())
                    csvs << r;
        }
        QVERIFY(csvs.size() >= 3);
        // Room for the two largest of the first three, not for all three.
        QList<qint64> sizes = {csvs[0].realSize(), csvs[1].realSize(), csvs[2].realSize()};
        std::sort(sizes.begin(), sizes.end());
        Rig rig(sizes[1] + sizes[2]);
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        const QString a = csvs[0].id, b = csvs[1].id, c = csvs[2].id;
        for (const QString &id : {a, b}) {
            rig.select(id);
            QVERIFY(rig.waitFor(State::Showing));
            QCOMPARE(rig.pane()->origin(), Origin::Downloaded);
        }
        rig.select(a);
        QVERIFY(rig.waitFor(State::Showing));
        QCOMPARE(rig.pane()->origin(), Origin::Cache);
        QCOMPARE(rig.pane()->findChild<QLabel *>(u"previewSource"_s)->text(),
                 u"From the preview's copy on this computer"_s);
        QCOMPARE(rig.tickets(a), 1);
        rig.select(c); // b is now the least recently used
        QVERIFY(rig.waitFor(State::Showing));
        QStringList kept;
        for (const PreviewCacheEntry &entry : rig.cache.entries())
            kept << entry.reportId;
        QCOMPARE(kept, QStringList({c, a}));
        QVERIFY(rig.cache.totalBytes() <= rig.cache.maxBytes());
        QCOMPARE(rig.cacheFiles().size(), 2);
        rig.select(b);
        QVERIFY(rig.waitFor(State::Showing));
        QCOMPARE(rig.pane()->origin(), Origin::Downloaded);
        QCOMPARE(rig.tickets(b), 2);
    }

    void saveFromThePreviewCopiesFromTheCache()
    {
        Rig rig;
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        const QString xlsx = rig.sample(XlsxMime);
        rig.select(xlsx);
        QVERIFY(rig.waitFor(State::Showing));
        QCOMPARE(rig.tickets(xlsx), 1);
        QCOMPARE(rig.h.fixture.downloadRequests().size(), 1);
        const QString target = QDir(rig.h.fixture.folder()).filePath(u"from-preview.xlsx"_s);
        rig.h.chooser.saveAnswer = target;
        QTest::mouseClick(rig.pane()->findChild<QPushButton *>(u"previewSave"_s), Qt::LeftButton);
        QTRY_COMPARE(rig.h.queue.rowCount(), 1);
        QVERIFY(rig.h.waitForFinished(0));
        QCOMPARE(rig.h.queue.state(0), ReportDownloadJob::State::Done);
        QCOMPARE(test::readFile(target), rig.h.fixture.server().contentOf(xlsx));
        // The sandbox saw no second download, nor a second ticket.
        QCOMPARE(rig.tickets(xlsx), 1);
        QCOMPARE(rig.h.fixture.downloadRequests().size(), 1);
        QCOMPARE(rig.h.window->reportModel()->savedPath(xlsx), target);
        QCOMPARE(rig.h.chooser.saveCalls.size(), 1);   // where to save was asked as for any download
        QCOMPARE(rig.pane()->state(), State::Showing); // and the preview stayed
    }

    void hostileFilesEndWithAMessage_data()
    {
        using namespace preview::test;
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mime");
        QTest::addColumn<QString>("message");
        const QByteArray main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

        // 200 MiB of rows, deflated about a thousand to one.
        TestWorkbook bombBook;
        bombBook.sheets.append({u"Sheet1"_s, {}, {}});
        QList<ZipPart> parts;
        for (const auto &[name, bytes] : bombBook.parts())
            if (name != u"xl/worksheets/sheet1.xml")
                parts.append(bytesPart(name, bytes));
        const QByteArray head = "<worksheet xmlns=\"" + main + "\"><sheetData>";
        parts.append(generatedPart(u"xl/worksheets/sheet1.xml"_s, qint64(200) << 20, [head](qint64 offset, qint64 n) {
            QByteArray chunk = offset == 0 ? head : QByteArray();
            while (chunk.size() + 6 <= n)
                chunk += "<row/>";
            return chunk.leftJustified(n, ' ');
        }));
        QTemporaryDir dir;
        QVERIFY(writeZip(dir.filePath(u"bomb.xlsx"_s), parts));
        QTest::newRow("zip bomb") << test::readFile(dir.filePath(u"bomb.xlsx"_s)) << XlsxMime
                                  << u"The workbook looks like a ZIP bomb"_s;

        QByteArray dtd = "<!DOCTYPE sst [<!ENTITY lol \"lol\">";
        for (int level = 1; level <= 9; ++level) {
            dtd += "<!ENTITY lol" + QByteArray::number(level) + " \"";
            for (int i = 0; i < 10; ++i)
                dtd += level == 1 ? QByteArray("&lol;") : "&lol" + QByteArray::number(level - 1) + ";";
            dtd += "\">";
        }
        TestWorkbook laughs;
        laughs.sheets.append({u"Sheet1"_s, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>", {}});
        laughs.sharedStringsXml =
            "<?xml version=\"1.0\"?>\n" + dtd + "]><sst xmlns=\"" + main + "\"><si><t>&lol9;</t></si></sst>";
        QTest::newRow("billion laughs") << laughs.zip() << XlsxMime << u"contains a document type declaration"_s;

        const QByteArray workbook = sandbox::XlsxWriter::write(u"payments"_s, {{u"Total"_s, 12.5}});
        QTest::newRow("truncated ZIP") << workbook.left(workbook.size() / 2) << XlsxMime
                                       << u"The workbook is damaged or incomplete"_s;

        test::TestPdf broken;
        broken.wrongXref = true;
        broken.unreadableObjects = true;
        QTest::newRow("PDF with a broken xref")
            << broken.bytes() << u"application/pdf"_s << u"The PDF is damaged or is not a PDF"_s;
        const QByteArray pdf = test::TestPdf().bytes();
        QTest::newRow("truncated PDF") << pdf.left(pdf.size() / 2) << u"application/pdf"_s
                                       << u"The PDF is damaged or is not a PDF"_s;
        test::TestPdf loop;
        loop.pageTreeContainsItself = true;
        QTest::newRow("PDF that hangs PDFium") << loop.bytes() << u"application/pdf"_s << u"made to hang PDF readers"_s;
    }

    void hostileFilesEndWithAMessage()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mime);
        QFETCH(QString, message);
        Rig rig;
        rig.pane()->loader()->setPdfCheckTimeout(1500);
        sandbox::SandboxReport hostile = extra(u"report_hostile"_s, mime, u"hostile.bin"_s);
        hostile.content = content;
        rig.h.fixture.server().addReport(hostile);
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        rig.select(hostile.id);
        QVERIFY(rig.waitFor(State::Failed, 30'000));
        QVERIFY2(rig.pane()->message().startsWith(u"The preview cannot show this file: "_s) &&
                     rig.pane()->message().contains(message),
                 qPrintable(rig.pane()->message()));
        auto *again = rig.pane()->findChild<QPushButton *>(u"previewAction"_s);
        QVERIFY(again->isVisible());
        QCOMPARE(again->text(), u"Try aga&in"_s);
        // Trying again reads the kept copy again (no second download) and ends the same way.
        const QString first = rig.pane()->message();
        QTest::mouseClick(again, Qt::LeftButton);
        QVERIFY(rig.waitFor(State::Failed, 30'000));
        QCOMPARE(rig.pane()->message(), first);
        QCOMPARE(rig.tickets(hostile.id), 1);
        // And the window goes on: another report previews.
        rig.select(rig.sample(u"text/csv"_s));
        QVERIFY(rig.waitFor(State::Showing));
    }

    void aHundredMebibyteLineEndsWithAMessage()
    {
        // From a saved copy: the same reader, without 100 MiB in the sandbox's memory.
        Rig rig;
        const QString csv = rig.sample(u"text/csv"_s);
        const QString saved = QDir(rig.h.fixture.folder()).filePath(u"one-line.csv"_s);
        QFile file(saved);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("a,b\n");
        const QByteArray chunk(1 << 20, 'x');
        for (int i = 0; i < 100; ++i)
            file.write(chunk);
        file.close();
        DownloadHistory history(rig.dir.filePath(u"history.json"_s));
        QVERIFY(history.add({csv, u"one-line.csv"_s, saved, file.size(), QString(), QDateTime::currentDateTimeUtc()}));
        rig.h.window->setHistory(&history);
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        QElapsedTimer timer;
        timer.start();
        rig.select(csv);
        QVERIFY(rig.waitFor(State::Failed, 30'000));
        QVERIFY2(rig.pane()->message().contains(u"Line 2 is longer than"_s), qPrintable(rig.pane()->message()));
        QVERIFY2(timer.elapsed() < 10'000, qPrintable(QString::number(timer.elapsed())));
    }

    void notReadyAndUnknownKindsSayWhy()
    {
        Rig rig;
        rig.h.fixture.server().addReport(extra(u"report_zip"_s, u"application/zip"_s, u"bundle.zip"_s));
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        rig.h.fixture.server().clearRequests();
        rig.select(u"report_zip"_s);
        QVERIFY(rig.waitFor(State::NotPreviewable));
        QCOMPARE(rig.pane()->message(), u"There is no preview for this kind of file (application/zip)."_s);
        QString processing;
        for (const auto &r : rig.h.fixture.server().reports())
            if (r.status == u"processing"_s)
                processing = r.id;
        rig.select(processing);
        QVERIFY(rig.waitFor(State::NotPreviewable));
        QVERIFY2(rig.pane()->message().contains(u"still generating"_s), qPrintable(rig.pane()->message()));
        QVERIFY(!rig.pane()->findChild<QPushButton *>(u"previewAction"_s)->isVisible());
        QVERIFY(!rig.pane()->findChild<QPushButton *>(u"previewSave"_s)->isEnabled());
        QCOMPARE(rig.tickets(), 0);
    }

    void aRefusedDownloadSaysWhyAndTryAgainWorks()
    {
        Rig rig;
        QVERIFY(rig.h.showLoaded());
        const QString csv = rig.sample(u"text/csv"_s);
        sandbox::Fault refused;
        refused.pathContains = u"/reports/download/"_s + csv;
        refused.status = 403;
        refused.body = R"({"error":true,"message":"Downloads are disabled for this company","code":403})";
        rig.h.fixture.server().addFault(refused);
        rig.openPreview();
        rig.select(csv);
        QVERIFY(rig.waitFor(State::Failed));
        QVERIFY2(rig.pane()->message().startsWith(u"The preview could not be loaded: "_s) &&
                     rig.pane()->message().contains(u"Downloads are disabled for this company"_s),
                 qPrintable(rig.pane()->message()));
        QVERIFY(rig.cacheFiles().isEmpty());
        QTest::mouseClick(rig.pane()->findChild<QPushButton *>(u"previewAction"_s), Qt::LeftButton);
        QVERIFY(rig.waitFor(State::Showing));
    }

    void cancelAndAnotherSelectionStopTheDownload()
    {
        Rig rig;
        sandbox::SandboxReport big = extra(u"report_big"_s, u"text/csv"_s, u"big.csv"_s);
        big.content.clear();
        big.generatedSize = 32 << 20;
        rig.h.fixture.server().addReport(big);
        sandbox::Fault stall;
        stall.host = sandbox::Fault::Host::Download;
        stall.stallAfterBytes = 1 << 20;
        stall.times = 2;
        rig.h.fixture.server().addFault(stall);
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        rig.select(big.id);
        QVERIFY(rig.waitFor(State::AskToLoad));
        QTest::mouseClick(rig.pane()->findChild<QPushButton *>(u"previewAction"_s), Qt::LeftButton);
        QTRY_VERIFY(rig.pane()->message().contains(u"Downloading for the preview… "_s));
        auto *cancel = rig.pane()->findChild<QPushButton *>(u"previewCancel"_s);
        QVERIFY(cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QCOMPARE(rig.pane()->state(), State::AskToLoad);
        QCOMPARE(rig.pane()->message(), u"The preview was cancelled."_s);
        QVERIFY(rig.cacheFiles().isEmpty());
        QVERIFY(PartialDownload::all().isEmpty());

        // Moving to another report cancels too.
        QTest::mouseClick(rig.pane()->findChild<QPushButton *>(u"previewAction"_s), Qt::LeftButton);
        QTRY_VERIFY(rig.pane()->message().contains(u"Downloading for the preview… "_s));
        rig.select(rig.sample(u"text/csv"_s));
        QVERIFY(rig.waitFor(State::Showing));
        QCOMPARE(rig.cacheFiles().size(), 1);
        QVERIFY(PartialDownload::all().isEmpty());
        QCOMPARE(rig.tickets(big.id), 2);
    }

    void everyControlOfThePreviewHasAnAccessibleName()
    {
        Rig rig;
        QVERIFY(rig.h.showLoaded());
        rig.openPreview();
        QStringList missing;
        const auto walk = [&] {
            const QList<QWidget *> widgets = rig.pane()->findChildren<QWidget *>();
            for (QWidget *w : widgets)
                if (w->focusPolicy() != Qt::NoFocus && !w->objectName().startsWith(u"qt_"_s) &&
                    w->accessibleName().isEmpty())
                    missing << QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName();
        };
        for (const QString &mime : {u"application/pdf"_s, XlsxMime}) {
            rig.select(rig.sample(mime));
            QVERIFY(rig.waitFor(State::Showing));
            walk();
        }
        missing.removeDuplicates();
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", "_s)));
        QVERIFY(!rig.tabs()->accessibleName().isEmpty());
    }
};

QTEST_MAIN(TestReportPreview)
#include "tst_reportpreview.moc"
