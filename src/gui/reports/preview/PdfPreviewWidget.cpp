#include "PdfPreviewWidget.h"

#include <QAction>
#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPdfDocument>
#include <QPdfPageNavigator>
#include <QPdfView>
#include <QScrollBar>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <tuple>

namespace getbill::gui {

namespace {
// The zoom steps of common viewers; zooming from "fit width" goes to the next step from where it is.
constexpr qreal zoomSteps[] = {0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0};

QToolButton *toolButton(QWidget *parent, const QString &name, const QString &text, const QString &tip)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(name);
    button->setText(text);
    button->setToolTip(tip);
    button->setAccessibleName(tip);
    button->setAutoRaise(true);
    return button;
}
} // namespace

PdfPreviewWidget::PdfPreviewWidget(QWidget *parent)
    : QWidget(parent), m_view(new QPdfView(this)),
      m_previous(toolButton(this, QStringLiteral("pdfPreviousPage"), QString(), tr("Previous page"))),
      m_next(toolButton(this, QStringLiteral("pdfNextPage"), QString(), tr("Next page"))), m_page(new QLabel(this)),
      m_zoomOut(toolButton(this, QStringLiteral("pdfZoomOut"), QStringLiteral("−"), tr("Zoom out"))),
      m_zoomIn(toolButton(this, QStringLiteral("pdfZoomIn"), QStringLiteral("+"), tr("Zoom in"))),
      m_fit(toolButton(this, QStringLiteral("pdfFitWidth"), tr("Fit width"), tr("Fit the page to the width"))),
      m_copy(toolButton(this, QStringLiteral("pdfCopyText"), tr("Copy text"), tr("Copy the text of this page")))
{
    setObjectName(QStringLiteral("pdfPreview"));
    m_page->setObjectName(QStringLiteral("pdfPageLabel"));
    m_page->setAccessibleName(tr("Page"));
    m_view->setObjectName(QStringLiteral("pdfView"));
    m_view->setAccessibleName(tr("PDF pages"));
    m_view->setPageSpacing(8);
    m_view->setDocumentMargins(QMargins(8, 8, 8, 8));
    m_view->setFocusPolicy(Qt::StrongFocus);
    // Clicks on the pages are the view's only way to act on a link: none reaches it.
    m_view->viewport()->installEventFilter(this);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->setSpacing(2);
    bar->addWidget(m_previous);
    bar->addWidget(m_next);
    bar->addWidget(m_page);
    bar->addStretch(1);
    bar->addWidget(m_zoomOut);
    bar->addWidget(m_zoomIn);
    bar->addWidget(m_fit);
    bar->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_previous, &QToolButton::clicked, this, &PdfPreviewWidget::previousPage);
    connect(m_next, &QToolButton::clicked, this, &PdfPreviewWidget::nextPage);
    connect(m_zoomOut, &QToolButton::clicked, this, &PdfPreviewWidget::zoomOut);
    connect(m_zoomIn, &QToolButton::clicked, this, &PdfPreviewWidget::zoomIn);
    connect(m_fit, &QToolButton::clicked, this, &PdfPreviewWidget::fitWidth);
    connect(m_copy, &QToolButton::clicked, this, &PdfPreviewWidget::copyPageText);
    connect(m_view->pageNavigator(), &QPdfPageNavigator::currentPageChanged, this, &PdfPreviewWidget::updateControls);
    connect(m_view, &QPdfView::zoomFactorChanged, this, &PdfPreviewWidget::updateControls);
    connect(m_view, &QPdfView::zoomModeChanged, this, &PdfPreviewWidget::updateControls);
    // Actions with texts, not bare shortcuts: Help > Keyboard shortcuts lists them.
    for (const auto &[name, text, keys, slot] :
         {std::tuple{"pdfActionZoomIn", tr("Zoom in"), QKeySequence::ZoomIn, &PdfPreviewWidget::zoomIn},
          std::tuple{"pdfActionZoomOut", tr("Zoom out"), QKeySequence::ZoomOut, &PdfPreviewWidget::zoomOut}}) {
        auto *action = new QAction(text, this);
        action->setObjectName(QLatin1String(name));
        action->setShortcuts(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        connect(action, &QAction::triggered, this, slot);
    }
    updateControls();
}

PdfPreviewWidget::~PdfPreviewWidget()
{
    // The view and its renderer let go of the document before it goes.
    m_view->setDocument(nullptr);
}

void PdfPreviewWidget::setDocument(std::unique_ptr<QPdfDocument> document, const QSizeF &largestPage)
{
    m_view->setDocument(nullptr);
    m_document = std::move(document);
    m_largestPage = largestPage;
    const int pages = pageCount();
    // The biggest page at the largest zoom stays within maxPagePixels (QPdfView renders whole pages).
    const qreal scale = logicalDpiX() / 72.0 * devicePixelRatioF();
    const qreal area = m_largestPage.width() * m_largestPage.height() * scale * scale;
    m_maxZoom = area > 0 ? qBound(0.1, std::sqrt(maxPagePixels / area), 4.0) : 4.0;
    m_view->setPageMode(pages > maxContinuousPages ? QPdfView::PageMode::SinglePage : QPdfView::PageMode::MultiPage);
    m_view->setZoomMode(QPdfView::ZoomMode::FitToWidth);
    m_view->setDocument(m_document.get());
    m_view->pageNavigator()->jump(0, {}, 0);
    m_view->verticalScrollBar()->setValue(0);
    updateControls();
}

std::unique_ptr<QPdfDocument> PdfPreviewWidget::takeDocument()
{
    m_view->setDocument(nullptr);
    m_largestPage = {};
    std::unique_ptr<QPdfDocument> document = std::move(m_document);
    updateControls();
    return document;
}

int PdfPreviewWidget::pageCount() const
{
    return m_document ? m_document->pageCount() : 0;
}

int PdfPreviewWidget::currentPage() const
{
    return m_view->pageNavigator()->currentPage();
}

qreal PdfPreviewWidget::fitWidthZoom() const
{
    // What QPdfView's fit-width layout computes for the widest page.
    const qreal scale = logicalDpiX() / 72.0;
    const QMargins margins = m_view->documentMargins();
    const int width = m_view->viewport()->width() - margins.left() - margins.right();
    return m_largestPage.width() > 0 ? width / (m_largestPage.width() * scale) : 1.0;
}

qreal PdfPreviewWidget::effectiveZoom() const
{
    return m_view->zoomMode() == QPdfView::ZoomMode::FitToWidth ? fitWidthZoom() : m_view->zoomFactor();
}

void PdfPreviewWidget::setZoom(qreal factor)
{
    m_view->setZoomMode(QPdfView::ZoomMode::Custom);
    m_view->setZoomFactor(qBound(zoomSteps[0], factor, m_maxZoom));
}

void PdfPreviewWidget::zoomIn()
{
    const qreal now = effectiveZoom();
    for (const qreal step : zoomSteps)
        if (step > now * 1.01) {
            setZoom(step);
            return;
        }
    setZoom(m_maxZoom);
}

void PdfPreviewWidget::zoomOut()
{
    const qreal now = effectiveZoom();
    for (auto it = std::rbegin(zoomSteps); it != std::rend(zoomSteps); ++it)
        if (*it < now * 0.99) {
            setZoom(*it);
            return;
        }
    setZoom(zoomSteps[0]);
}

void PdfPreviewWidget::fitWidth()
{
    m_view->setZoomMode(QPdfView::ZoomMode::FitToWidth);
}

void PdfPreviewWidget::goToPage(int page)
{
    if (!m_document || page < 0 || page >= pageCount())
        return;
    m_view->pageNavigator()->jump(page, {}, m_view->zoomFactor());
}

void PdfPreviewWidget::nextPage()
{
    goToPage(currentPage() + 1);
}

void PdfPreviewWidget::previousPage()
{
    goToPage(currentPage() - 1);
}

QString PdfPreviewWidget::pageText() const
{
    return m_document && currentPage() < pageCount() ? m_document->getAllText(currentPage()).text() : QString();
}

void PdfPreviewWidget::copyPageText()
{
    if (!m_document)
        return;
    const int page = currentPage();
    QGuiApplication::clipboard()->setText(pageText());
    emit pageTextCopied(page);
}

void PdfPreviewWidget::showEvent(QShowEvent *event)
{
    if (m_previous->icon().isNull()) {
        m_previous->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
        m_next->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));
    }
    QWidget::showEvent(event);
}

bool PdfPreviewWidget::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport()) {
        switch (event->type()) {
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonDblClick:
            m_view->setFocus(Qt::MouseFocusReason);
            return true;
        case QEvent::MouseButtonRelease:
            return true;
        case QEvent::Resize:
            updateControls(); // fit width is another zoom at another width
            break;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void PdfPreviewWidget::updateControls()
{
    const int pages = pageCount();
    const int page = currentPage();
    m_page->setText(pages > 0 ? tr("Page %L1 of %L2").arg(page + 1).arg(pages) : QString());
    m_previous->setEnabled(pages > 0 && page > 0);
    m_next->setEnabled(pages > 0 && page + 1 < pages);
    const qreal zoom = effectiveZoom();
    m_zoomIn->setEnabled(pages > 0 && zoom < m_maxZoom * 0.99);
    m_zoomOut->setEnabled(pages > 0 && zoom > zoomSteps[0] * 1.01);
    m_fit->setEnabled(pages > 0 && m_view->zoomMode() != QPdfView::ZoomMode::FitToWidth);
    m_copy->setEnabled(pages > 0);
    m_zoomIn->setToolTip(tr("Zoom in (now %1 %)").arg(qRound(zoom * 100)));
    m_zoomOut->setToolTip(tr("Zoom out (now %1 %)").arg(qRound(zoom * 100)));
}

} // namespace getbill::gui
