#pragma once

#include <QSizeF>
#include <QWidget>
#include <memory>

class QLabel;
class QPdfDocument;
class QPdfView;
class QToolButton;

namespace getbill::gui {

/// A PDF as the preview shows it: QtPdf's QPdfView over a document loaded elsewhere (PreviewLoader, off the GUI
/// thread), fitted to the width at first, with a toolbar: previous and next page, "Page 2 of 5", zoom out, zoom in,
/// fit width, and "Copy page text" (QPdfView in Qt 6.4 has no text selection: the page's whole text goes to the
/// clipboard, from QPdfDocument::getAllText). Nothing in a PDF is ever run or opened: QtPdf's PDFium has no
/// JavaScript engine, and clicks on the pages are swallowed here, so a link (to a web page, a file, or another
/// page) does nothing. Zoom is capped so that no page is ever rendered larger than maxPagePixels.
class PdfPreviewWidget : public QWidget
{
    Q_OBJECT
public:
    /// Documents with more pages are shown one page at a time (laying out every page costs the GUI thread).
    static constexpr int maxContinuousPages = 500;
    /// The largest page image a zoom may ask QtPdf for (about 160 MB of pixels).
    static constexpr qreal maxPagePixels = 40e6;

    explicit PdfPreviewWidget(QWidget *parent = nullptr);
    ~PdfPreviewWidget() override;

    /// Shows `document` (ready, in the GUI thread; owned from now on) on its first page, fitted to the width.
    /// `largestPage` (points) is the widest and tallest of its pages, as the loader measured them.
    void setDocument(std::unique_ptr<QPdfDocument> document, const QSizeF &largestPage);
    /// Stops showing the document and hands it back: PreviewLoader decides when it may be destroyed.
    std::unique_ptr<QPdfDocument> takeDocument();
    QPdfDocument *document() const { return m_document.get(); }
    QPdfView *view() const { return m_view; }

    int pageCount() const;
    int currentPage() const;
    /// What the view renders at now, 1.0 being 100 % (also in fit-width mode).
    qreal effectiveZoom() const;
    qreal maximumZoom() const { return m_maxZoom; }
    /// The text of the current page, as getAllText() finds it.
    QString pageText() const;

public slots:
    void goToPage(int page);
    void nextPage();
    void previousPage();
    void zoomIn();
    void zoomOut();
    void fitWidth();
    void copyPageText();

signals:
    /// Copy page text put the text of `page` (0-based) on the clipboard.
    void pageTextCopied(int page);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    /// The page arrows get their icons when the widget first shows: the style looks them up in the icon theme,
    /// which costs the window's start-up some milliseconds for a tab most sessions never open.
    void showEvent(QShowEvent *event) override;

private:
    void setZoom(qreal factor);
    void updateControls();
    qreal fitWidthZoom() const;

    std::unique_ptr<QPdfDocument> m_document;
    QPdfView *m_view;
    QToolButton *m_previous;
    QToolButton *m_next;
    QLabel *m_page;
    QToolButton *m_zoomOut;
    QToolButton *m_zoomIn;
    QToolButton *m_fit;
    QToolButton *m_copy;
    QSizeF m_largestPage; ///< points
    qreal m_maxZoom = 4.0;
};

} // namespace getbill::gui
