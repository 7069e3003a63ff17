// getbill-pdf-check FILE: opens a PDF with QtPdf (the PDFium the window uses) the way the preview will, in a
// process of its own, so that a file built to hang or crash PDFium does it here and not in the window. The window
// runs it with a time and memory limit before it opens a PDF itself (gui::PreviewLoader).
//
// Exit status: 0 PDFium read the document, its page sizes and its first page; 1 PDFium refused the document (the
// window then says why, from its own attempt); 2 usage. A crash, a kill or a timeout is the window's to see.

#include <QCoreApplication>
#include <QImage>
#include <QPdfDocument>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 2)
        return 2;
    QPdfDocument document;
    if (document.load(args.at(1)) != QPdfDocument::Error::None || document.status() != QPdfDocument::Status::Ready)
        return 1;
    // What the window asks of PDFium before it shows anything: every page's size, the first page's text and image.
    const int pages = qMin(document.pageCount(), 10'000);
    for (int page = 0; page < pages; ++page)
        document.pagePointSize(page);
    if (pages > 0) {
        document.getAllText(0);
        const QSizeF size = document.pagePointSize(0);
        if (size.width() >= 1 && size.height() >= 1 && size.width() <= 14'400 && size.height() <= 14'400)
            document.render(0, (size * (400.0 / qMax(size.width(), size.height()))).toSize());
    }
    return 0;
}
