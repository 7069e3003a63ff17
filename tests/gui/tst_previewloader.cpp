// PreviewLoader and PdfPreviewWidget on real files: PDFs read off the GUI thread and checked there (every way a
// PDF is refused says why), tables through getbill_preview, cancellation, documents destroyed only when no PDF is
// being read, and the PDF view's controls: pages, zoom and its cap, page text, links and scripts that do nothing.

#include "PdfPreviewWidget.h"
#include "PreviewLoader.h"
#include "TestPdf.h"
#include "UrlRecorder.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QLabel>
#include <QPdfDocument>
#include <QPdfView>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;
using namespace getbill::test;
using Kind = PreviewLoader::Kind;

namespace {
/// The checker the build made, beside the application (ctest says where the build is).
QString checker()
{
    return qEnvironmentVariable("GETBILL_TEST_BINARY_DIR") + QStringLiteral("/app/gui/getbill-pdf-check");
}

Report report(const QString &mime, const QString &filename)
{
    Report r;
    r.mimeType = mime;
    r.filename = filename;
    return r;
}
} // namespace

class TestPreviewLoader : public QObject
{
    Q_OBJECT

    std::shared_ptr<PreviewContent> read(PreviewLoader &loader, const QString &path, Kind kind)
    {
        QSignalSpy loaded(&loader, &PreviewLoader::loaded);
        loader.load(path, kind);
        if (!loaded.wait(20'000))
            return {};
        return loaded.first().first().value<std::shared_ptr<PreviewContent>>();
    }

    QString file(const QString &name, const TestPdf &pdf)
    {
        const QString path = m_dir.filePath(name);
        return pdf.write(path) ? path : QString();
    }

    QString file(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile out(path);
        return out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() ? path : QString();
    }

private slots:
    void initTestCase()
    {
        qRegisterMetaType<std::shared_ptr<PreviewContent>>();
        QVERIFY2(QFileInfo(checker()).isExecutable(), qPrintable(checker()));
    }

    void kindOfAReport()
    {
        QCOMPARE(PreviewLoader::kindOf(report(QStringLiteral("application/pdf"), QStringLiteral("a.bin"))), Kind::Pdf);
        QCOMPARE(PreviewLoader::kindOf(report(QStringLiteral("text/csv; charset=utf-8"), QString())), Kind::Csv);
        QCOMPARE(PreviewLoader::kindOf(report(QStringLiteral("text/tab-separated-values"), QString())), Kind::Csv);
        QCOMPARE(PreviewLoader::kindOf(report(
                     QStringLiteral("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), QString())),
                 Kind::Xlsx);
        QCOMPARE(PreviewLoader::kindOf(report(QStringLiteral("application/octet-stream"), QStringLiteral("x.PDF"))),
                 Kind::Pdf);
        QCOMPARE(PreviewLoader::kindOf(report(QString(), QStringLiteral("ledger.tsv"))), Kind::Csv);
        QCOMPARE(PreviewLoader::kindOf(report(QString(), QStringLiteral("book.xlsm"))), Kind::Xlsx);
        QCOMPARE(PreviewLoader::kindOf(report(QStringLiteral("application/zip"), QStringLiteral("export.zip"))),
                 std::nullopt);
    }

    void aPdfIsReadOffTheGuiThreadAndHandedOver()
    {
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        TestPdf pdf;
        pdf.mediaBox = "0 0 842 595";
        const auto content = read(loader, file(QStringLiteral("three.pdf"), pdf), Kind::Pdf);
        QVERIFY(content);
        QVERIFY2(content->error.isEmpty(), qPrintable(content->error));
        QVERIFY(content->pdf);
        QCOMPARE(content->pdf->thread(), QThread::currentThread());
        QCOMPARE(content->pdf->pageCount(), 3);
        QCOMPARE(content->largestPage, QSizeF(842, 595));
        QCOMPARE(content->pdf->getAllText(1).text(), TestPdf::pageText(2, 3));
        QVERIFY(!loader.isLoading());
    }

    void aCrossReferenceTableThatPdfiumRepairsIsShown()
    {
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        TestPdf pdf;
        pdf.wrongXref = true;
        const auto content = read(loader, file(QStringLiteral("repairable.pdf"), pdf), Kind::Pdf);
        QVERIFY(content && content->error.isEmpty());
        QCOMPARE(content->pdf->pageCount(), 3);
    }

    void refusedPdfsSayWhy_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        const QString damaged = QStringLiteral("The PDF is damaged or is not a PDF; the preview cannot show it.");
        TestPdf broken;
        broken.wrongXref = true;
        broken.unreadableObjects = true;
        QTest::newRow("broken xref, nothing to rebuild from") << broken.bytes() << damaged;
        const QByteArray whole = TestPdf().bytes();
        QTest::newRow("truncated") << whole.left(whole.size() / 2) << damaged;
        QTest::newRow("not a PDF") << QByteArray("%PDF-1.4\n\0\0garbage", 19) << damaged;
        QTest::newRow("HTML error page") << QByteArray("<html><body>502 Bad Gateway</body></html>") << damaged;
        TestPdf locked;
        locked.encryptFilter = "Standard";
        QTest::newRow("password") << locked.bytes()
                                  << QStringLiteral("The PDF is protected by a password; the preview cannot open it.");
        TestPdf foreign;
        foreign.encryptFilter = "Acme.Secure";
        QTest::newRow("unknown encryption")
            << foreign.bytes() << QStringLiteral("The PDF is encrypted in a way the preview does not support.");
        TestPdf empty;
        empty.pages = 0;
        QTest::newRow("no pages") << empty.bytes() << damaged;
        TestPdf many;
        many.pages = 1;
        many.repeatFirstPage = PreviewLoader::maxPdfPages + 1;
        QTest::newRow("too many pages") << many.bytes()
                                        << QStringLiteral(
                                               "The PDF has 10,001 pages, more than a preview shows (10,000).");
        TestPdf huge;
        huge.mediaBox = "0 0 200000 200000";
        QTest::newRow("huge page") << huge.bytes()
                                   << QStringLiteral("Page 1 of the PDF has an impossible size (200,000 × 200,000 "
                                                     "points); the preview does not show it.");
        TestPdf thin;
        thin.mediaBox = "0 0 3 14400";
        QTest::newRow("thin page") << thin.bytes()
                                   << QStringLiteral("Page 1 of the PDF has an impossible size (3 × 14,400 points); "
                                                     "the preview does not show it.");
    }

    void refusedPdfsSayWhy()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        QElapsedTimer timer;
        timer.start();
        const auto content = read(loader, file(QStringLiteral("hostile.pdf"), bytes), Kind::Pdf);
        QVERIFY(content);
        QCOMPARE(content->error, message);
        QVERIFY(!content->pdf);
        QVERIFY2(timer.elapsed() < 10'000, qPrintable(QString::number(timer.elapsed())));
    }

    void aPdfThatHangsPdfiumNeverReachesTheWindow()
    {
        TestPdf pdf;
        pdf.pageTreeContainsItself = true;
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        loader.setPdfCheckTimeout(1500);
        QElapsedTimer timer;
        timer.start();
        const auto content = read(loader, file(QStringLiteral("loop.pdf"), pdf), Kind::Pdf);
        QVERIFY(content);
        QCOMPARE(content->error, QStringLiteral("The PDF could not be opened within 1.5 s: it is damaged, or made to "
                                                "hang PDF readers. It was not opened in the window."));
        QVERIFY(timer.elapsed() < 5000);
        // The window's PDFium was never touched: the next PDF opens at once.
        const auto next = read(loader, file(QStringLiteral("three.pdf"), TestPdf()), Kind::Pdf);
        QVERIFY2(next && next->error.isEmpty() && next->pdf, qPrintable(next ? next->error : QString()));
    }

    void aCheckerThatCrashesOrIsMissingKeepsThePdfOut()
    {
        // A checker killed by a signal: what a PDFium crash (or the memory limit) looks like from here.
        const QString crashing = m_dir.filePath(QStringLiteral("crashing-check"));
        QVERIFY(!file(QStringLiteral("crashing-check"), "#!/bin/sh\nkill -SEGV $$\n").isEmpty());
        QVERIFY(QFile::setPermissions(crashing, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        PreviewLoader loader;
        loader.setPdfChecker(crashing);
        const QString pdf = file(QStringLiteral("three.pdf"), TestPdf());
        auto content = read(loader, pdf, Kind::Pdf);
        QCOMPARE(content->error,
                 QStringLiteral("The PDF made the PDF reader fail: it is damaged, or made to attack PDF "
                                "readers. It was not opened in the window."));
        QVERIFY(!content->pdf);
        loader.setPdfChecker(QString());
        content = read(loader, pdf, Kind::Pdf);
        QCOMPARE(content->error,
                 QStringLiteral("PDF previews need getbill-pdf-check, which is missing from this installation."));
        loader.setPdfChecker(file(QStringLiteral("not-a-program"), "a;b\n"));
        content = read(loader, pdf, Kind::Pdf);
        QVERIFY2(content->error.startsWith(
                     QStringLiteral("PDF previews need getbill-pdf-check, which could not be started: ")),
                 qPrintable(content->error));
        // The application finds the one installed beside it, else none.
        QCOMPARE(PreviewLoader::defaultPdfChecker(), QString());
    }

    void cancellingStopsTheChecker()
    {
        TestPdf pdf;
        pdf.pageTreeContainsItself = true;
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        QSignalSpy loaded(&loader, &PreviewLoader::loaded);
        loader.load(file(QStringLiteral("loop.pdf"), pdf), Kind::Pdf);
        QTest::qWait(300);
        QElapsedTimer timer;
        timer.start();
        const auto next = read(loader, file(QStringLiteral("three.pdf"), TestPdf()), Kind::Pdf);
        QVERIFY(next && next->pdf);
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed()))); // not the 15 s limit
        QCOMPARE(loaded.size(), 1);
    }

    void aMissingFileSaysSo()
    {
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        const auto pdf = read(loader, m_dir.filePath(QStringLiteral("gone.pdf")), Kind::Pdf);
        QCOMPARE(pdf->error, QStringLiteral("The file to preview could not be opened."));
        const auto csv = read(loader, m_dir.filePath(QStringLiteral("gone.csv")), Kind::Csv);
        QVERIFY2(csv->error.startsWith(QStringLiteral("gone.csv could not be opened")), qPrintable(csv->error));
    }

    void tablesComeFromThePreviewReaders()
    {
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        const auto csv =
            read(loader, file(QStringLiteral("ledger.csv"), "invoice;amount\nF-1;12,50\nF-2;3,00\n"), Kind::Csv);
        QVERIFY(csv->error.isEmpty());
        QCOMPARE(csv->table.sheets.size(), 1);
        QCOMPARE(csv->table.sheets[0].cell(1, 1), QStringLiteral("12,50"));
        // Read as a workbook, a CSV file is refused with the reader's words.
        const auto xlsx = read(loader, file(QStringLiteral("ledger.xlsx"), "invoice;amount\n"), Kind::Xlsx);
        QCOMPARE(xlsx->error, QStringLiteral("This is not an XLSX workbook: the file is not a ZIP archive."));
    }

    void anotherLoadDropsTheFirstResult()
    {
        // 40 MiB of CSV: long enough to be cancelled mid-read.
        QByteArray line = "F-0001;Dupont;1250.00;paid\n";
        QByteArray big;
        big.reserve(40 << 20);
        while (big.size() < (40 << 20))
            big += line;
        const QString slow = file(QStringLiteral("big.csv"), big);
        const QString small = file(QStringLiteral("small.csv"), "a;b\n1;2\n");
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        QSignalSpy loaded(&loader, &PreviewLoader::loaded);
        loader.load(slow, Kind::Csv);
        QVERIFY(loader.isLoading());
        loader.load(small, Kind::Csv);
        QVERIFY(loaded.wait(20'000));
        QTest::qWait(200);
        QCOMPARE(loaded.size(), 1); // only the second
        const auto content = loaded.first().first().value<std::shared_ptr<PreviewContent>>();
        QCOMPARE(content->table.sheets[0].cell(1, 1), QStringLiteral("2"));

        loader.load(slow, Kind::Csv);
        loader.cancel();
        QVERIFY(!loader.isLoading());
        QVERIFY(!loaded.wait(1000));
        QCOMPARE(loaded.size(), 1);
    }

    void aRetiredDocumentWaitsForTheWorker()
    {
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        const auto content = read(loader, file(QStringLiteral("three.pdf"), TestPdf()), Kind::Pdf);
        QVERIFY(content && content->pdf);
        QPointer<QPdfDocument> document = content->pdf.get();
        QByteArray big;
        while (big.size() < (16 << 20))
            big += "F-0001;Dupont;1250.00;paid\n";
        QSignalSpy loaded(&loader, &PreviewLoader::loaded);
        loader.load(file(QStringLiteral("busy.csv"), big), Kind::Csv);
        loader.retire(std::move(content->pdf));
        QVERIFY(document); // PDFium may be busy in the worker: not destroyed yet
        QVERIFY(loaded.wait(20'000));
        QVERIFY(!document);
        // With no read under way, at once.
        const auto again = read(loader, file(QStringLiteral("three.pdf"), TestPdf()), Kind::Pdf);
        document = again->pdf.get();
        loader.retire(std::move(again->pdf));
        QVERIFY(!document);
    }

    void pdfViewPagesZoomAndText()
    {
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        const auto content = read(loader, file(QStringLiteral("three.pdf"), TestPdf()), Kind::Pdf);
        PdfPreviewWidget widget;
        widget.resize(500, 700);
        widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&widget));
        widget.setDocument(std::move(content->pdf), content->largestPage);
        QCOMPARE(widget.pageCount(), 3);
        QCOMPARE(widget.currentPage(), 0);
        auto *label = widget.findChild<QLabel *>(QStringLiteral("pdfPageLabel"));
        QCOMPARE(label->text(), QStringLiteral("Page 1 of 3"));
        auto *previous = widget.findChild<QToolButton *>(QStringLiteral("pdfPreviousPage"));
        auto *next = widget.findChild<QToolButton *>(QStringLiteral("pdfNextPage"));
        QVERIFY(!previous->isEnabled());
        QTest::mouseClick(next, Qt::LeftButton);
        QTRY_COMPARE(widget.currentPage(), 1);
        QCOMPARE(label->text(), QStringLiteral("Page 2 of 3"));
        QTest::mouseClick(next, Qt::LeftButton);
        QTRY_COMPARE(widget.currentPage(), 2);
        QVERIFY(!next->isEnabled());
        QTest::mouseClick(previous, Qt::LeftButton);
        QTRY_COMPARE(widget.currentPage(), 1);

        QSignalSpy copied(&widget, &PdfPreviewWidget::pageTextCopied);
        QTest::mouseClick(widget.findChild<QToolButton *>(QStringLiteral("pdfCopyText")), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), TestPdf::pageText(2, 3));
        QCOMPARE(copied.size(), 1);
        QCOMPARE(copied.first().first().toInt(), 1);

        // Fit width first; zoom goes by steps from there, and back to fit width.
        QCOMPARE(widget.view()->zoomMode(), QPdfView::ZoomMode::FitToWidth);
        const qreal fit = widget.effectiveZoom();
        QVERIFY2(fit > 0.3 && fit < 1.5, qPrintable(QString::number(fit)));
        auto *fitButton = widget.findChild<QToolButton *>(QStringLiteral("pdfFitWidth"));
        QVERIFY(!fitButton->isEnabled());
        QTest::mouseClick(widget.findChild<QToolButton *>(QStringLiteral("pdfZoomIn")), Qt::LeftButton);
        QCOMPARE(widget.view()->zoomMode(), QPdfView::ZoomMode::Custom);
        QVERIFY(widget.effectiveZoom() > fit);
        QTest::mouseClick(widget.findChild<QToolButton *>(QStringLiteral("pdfZoomOut")), Qt::LeftButton);
        QTest::mouseClick(widget.findChild<QToolButton *>(QStringLiteral("pdfZoomOut")), Qt::LeftButton);
        QVERIFY(widget.effectiveZoom() < fit);
        for (int i = 0; i < 20; ++i)
            widget.zoomIn();
        QCOMPARE(widget.effectiveZoom(), widget.maximumZoom());
        QVERIFY(!widget.findChild<QToolButton *>(QStringLiteral("pdfZoomIn"))->isEnabled());
        for (int i = 0; i < 20; ++i)
            widget.zoomOut();
        QCOMPARE(widget.effectiveZoom(), 0.25);
        QVERIFY(fitButton->isEnabled());
        QTest::mouseClick(fitButton, Qt::LeftButton);
        QCOMPARE(widget.view()->zoomMode(), QPdfView::ZoomMode::FitToWidth);

        // Handed back, the view shows nothing and the controls say so.
        auto document = widget.takeDocument();
        QVERIFY(document);
        QVERIFY(!widget.view()->document());
        QCOMPARE(label->text(), QString());
        QVERIFY(!next->isEnabled());
    }

    void zoomNeverRendersAGiantPage()
    {
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        TestPdf pdf;
        pdf.pages = 1;
        pdf.mediaBox = "0 0 14400 14400";
        const auto content = read(loader, file(QStringLiteral("poster.pdf"), pdf), Kind::Pdf);
        QVERIFY(content->error.isEmpty());
        PdfPreviewWidget widget;
        widget.setDocument(std::move(content->pdf), content->largestPage);
        const qreal scale = widget.logicalDpiX() / 72.0 * widget.devicePixelRatioF();
        for (int i = 0; i < 20; ++i)
            widget.zoomIn();
        const qreal side = 14400 * scale * widget.effectiveZoom();
        QVERIFY2(side * side <= PdfPreviewWidget::maxPagePixels * 1.001, qPrintable(QString::number(side)));
    }

    void longDocumentsShowOnePageAtATime()
    {
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        TestPdf pdf;
        pdf.pages = 1;
        pdf.repeatFirstPage = PdfPreviewWidget::maxContinuousPages + 1;
        const auto content = read(loader, file(QStringLiteral("long.pdf"), pdf), Kind::Pdf);
        QVERIFY2(content->error.isEmpty(), qPrintable(content->error));
        PdfPreviewWidget widget;
        widget.setDocument(std::move(content->pdf), content->largestPage);
        QCOMPARE(widget.view()->pageMode(), QPdfView::PageMode::SinglePage);
        widget.goToPage(400);
        QTRY_COMPARE(widget.currentPage(), 400);
    }

    void linksAndScriptsDoNothing()
    {
        UrlRecorder recorder;
        for (const QString &scheme :
             {QStringLiteral("http"), QStringLiteral("https"), QStringLiteral("file"), QStringLiteral("mailto")})
            QDesktopServices::setUrlHandler(scheme, &recorder, "open");
        TestPdf pdf;
        pdf.linkUri = "https://evil.example/pixel";
        pdf.openScript = "app.launchURL\\('https://evil.example/js', true\\);";
        PreviewLoader loader;
        loader.setPdfChecker(checker());
        const auto content = read(loader, file(QStringLiteral("linked.pdf"), pdf), Kind::Pdf);
        QVERIFY2(content->error.isEmpty(), qPrintable(content->error));
        PdfPreviewWidget widget;
        widget.resize(500, 700);
        widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&widget));
        widget.setDocument(std::move(content->pdf), content->largestPage);
        widget.fitWidth();
        QTest::qWait(100);
        // The link's rectangle on page 1 (PDF points from the bottom left) in the viewport.
        const qreal zoom = widget.effectiveZoom() * widget.logicalDpiX() / 72.0;
        const QMargins margins = widget.view()->documentMargins();
        const QPoint link(margins.left() + int(180 * zoom), margins.top() + int((842 - 720) * zoom));
        QWidget *viewport = widget.view()->viewport();
        QTest::mouseClick(viewport, Qt::LeftButton, Qt::NoModifier, link);
        QTest::mouseDClick(viewport, Qt::LeftButton, Qt::NoModifier, link);
        QTest::qWait(300);
        QVERIFY2(recorder.urls.isEmpty(), qPrintable(recorder.urls.value(0).toString()));
        QCOMPARE(widget.currentPage(), 0);
        for (const QString &scheme :
             {QStringLiteral("http"), QStringLiteral("https"), QStringLiteral("file"), QStringLiteral("mailto")})
            QDesktopServices::unsetUrlHandler(scheme);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestPreviewLoader)
#include "tst_previewloader.moc"
