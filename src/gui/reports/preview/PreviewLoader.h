#pragma once

#include "api/Report.h"
#include "preview/TablePreview.h"

#include <QObject>
#include <QSizeF>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

class QPdfDocument;

namespace getbill::gui {

/// What a report's file reads as: a table preview (CSV, XLSX) or a PDF document, or why it cannot be shown.
struct PreviewContent
{
    QString error; ///< for the user; empty on success
    preview::TablePreview table;
    std::unique_ptr<QPdfDocument> pdf; ///< loaded and checked, living in the GUI thread
    QSizeF largestPage;                ///< points: the widest and tallest of its pages
};

/// Reads a file for the preview off the GUI thread, one file at a time, and hands the result back in the GUI
/// thread (loaded()). CSV and XLSX go through getbill_preview's PreviewReader with its caps and the cancel flag; a
/// PDF is first opened by getbill-pdf-check in a process of its own (limited in time and memory: PDFium has
/// inputs that make it loop for ever), then by QtPdf in the worker and checked there (pages, their sizes), and
/// moved to the GUI thread. A new
/// load() or cancel() raises the flag of the one before, whose result is then dropped. PDFium works under one
/// process-wide lock: the worker is a single thread, and documents that are no longer shown are destroyed only when
/// no PDF is being read (retire()), so that the GUI thread never waits for a worker inside PDFium.
class PreviewLoader : public QObject
{
    Q_OBJECT
public:
    enum class Kind
    {
        Pdf,
        Csv,
        Xlsx,
    };

    /// A PDF with more pages is refused (PDFium's page lookups grow faster than the page count).
    static constexpr int maxPdfPages = 10'000;
    /// A page side in points (the PDF specification's limit is 14,400) and the most elongated page accepted.
    static constexpr qreal maxPageSide = 14'400;
    static constexpr qreal minPageSide = 1;
    static constexpr qreal maxPageAspect = 20;

    /// From the report's MIME type, else its file name's extension; nothing for other kinds of files.
    static std::optional<Kind> kindOf(const Report &report);
    /// getbill-pdf-check beside the executable, else in <prefix>/libexec/getbill-reports; empty when not found.
    static QString defaultPdfChecker();
    /// Memory the checker may take (address space), and how long it may take by default.
    static constexpr qint64 pdfCheckMemoryBytes = qint64(2) << 30;
    static constexpr int defaultPdfCheckTimeoutMs = 15'000;

    explicit PreviewLoader(QObject *parent = nullptr);
    /// Raises the flag and waits for the worker (a CSV or XLSX read stops at its next chunk).
    ~PreviewLoader() override;

    /// The program that opens every PDF first, in its own process with a time and memory limit, so that a file
    /// made to hang or crash PDFium does it there (default: defaultPdfChecker()). Without one, PDFs are not opened.
    void setPdfChecker(const QString &program) { m_checker = program; }
    const QString &pdfChecker() const { return m_checker; }
    void setPdfCheckTimeout(int ms) { m_checkTimeoutMs = ms; }

    /// Reads `path` as `kind`; loaded() follows unless cancel() or another load() comes first.
    void load(const QString &path, Kind kind);
    void cancel();
    bool isLoading() const { return m_current != 0; }
    /// Takes a document that is no longer shown: destroyed now, or as soon as no PDF is being read.
    void retire(std::unique_ptr<QPdfDocument> document);

signals:
    void loaded(const std::shared_ptr<getbill::gui::PreviewContent> &content);

private:
    QString m_checker;
    int m_checkTimeoutMs = defaultPdfCheckTimeoutMs;
    QThreadPool m_pool;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_serial = 0;
    quint64 m_current = 0; ///< the serial whose result is wanted, 0 when none
    int m_running = 0;
    std::vector<std::unique_ptr<QPdfDocument>> m_retired;
};

} // namespace getbill::gui
