#include "PreviewLoader.h"

#include "preview/PreviewReader.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLocale>
#include <QPdfDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>
#include <QtConcurrent>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace getbill::gui {

namespace {

QString pdfError(QPdfDocument::Error error)
{
    switch (error) {
    case QPdfDocument::Error::IncorrectPassword:
        return PreviewLoader::tr("The PDF is protected by a password; the preview cannot open it.");
    case QPdfDocument::Error::UnsupportedSecurityScheme:
        return PreviewLoader::tr("The PDF is encrypted in a way the preview does not support.");
    case QPdfDocument::Error::FileNotFound:
        return PreviewLoader::tr("The file to preview could not be opened.");
    default:
        return PreviewLoader::tr("The PDF is damaged or is not a PDF; the preview cannot show it.");
    }
}

struct PdfCheck
{
    QString program;
    int timeoutMs = 0;
};

/// Runs the checker on `path`; empty when PDFium came through it (or refused the file: the worker then says why),
/// else the message for the user. Blocks the worker, never the GUI thread.
QString checkInAnotherProcess(const PdfCheck &check, const QString &path, const std::atomic<bool> &cancel)
{
    if (check.program.isEmpty())
        return PreviewLoader::tr("PDF previews need getbill-pdf-check, which is missing from this installation.");
    QProcess process;
    process.setProgram(check.program);
    process.setArguments({path});
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(QProcess::nullDevice());
#ifdef Q_OS_UNIX
    process.setChildProcessModifier([] {
#ifndef GETBILL_SANITIZED // test builds under AddressSanitizer only: its shadow memory needs the address space
        const rlimit memory{rlim_t(PreviewLoader::pdfCheckMemoryBytes), rlim_t(PreviewLoader::pdfCheckMemoryBytes)};
        setrlimit(RLIMIT_AS, &memory);
#endif
        const rlimit cpu{120, 120};
        setrlimit(RLIMIT_CPU, &cpu);
    });
#endif
    process.start();
    if (!process.waitForStarted(10'000))
        return PreviewLoader::tr("PDF previews need getbill-pdf-check, which could not be started: %1")
            .arg(process.errorString());
    QElapsedTimer timer;
    timer.start();
    while (!process.waitForFinished(50)) {
        if (process.state() == QProcess::NotRunning)
            break;
        if (cancel || timer.elapsed() > check.timeoutMs) {
            process.kill();
            process.waitForFinished(5'000);
            return cancel ? PreviewLoader::tr("The preview was cancelled.")
                          : PreviewLoader::tr("The PDF could not be opened within %1 s: it is damaged, or made to "
                                              "hang PDF readers. It was not opened in the window.")
                                .arg(QLocale().toString(check.timeoutMs / 1000.0, 'f', 1));
        }
    }
    if (process.exitStatus() != QProcess::NormalExit)
        return PreviewLoader::tr("The PDF made the PDF reader fail: it is damaged, or made to attack PDF readers. It "
                                 "was not opened in the window.");
    return {};
}

/// Opens and checks a PDF in the worker; the document reaches the GUI thread only when it is fit to be shown.
void readPdf(const QString &path, const PdfCheck &check, const std::atomic<bool> &cancel, QThread *gui,
             PreviewContent *content)
{
    content->error = checkInAnotherProcess(check, path, cancel);
    if (!content->error.isEmpty())
        return;
    auto document = std::make_unique<QPdfDocument>();
    const QPdfDocument::Error error = document->load(path);
    if (error != QPdfDocument::Error::None || document->status() != QPdfDocument::Status::Ready) {
        content->error = pdfError(error == QPdfDocument::Error::None ? QPdfDocument::Error::Unknown : error);
        return;
    }
    const int pages = document->pageCount();
    if (pages <= 0) {
        content->error = pdfError(QPdfDocument::Error::Unknown);
        return;
    }
    if (pages > PreviewLoader::maxPdfPages) {
        content->error = PreviewLoader::tr("The PDF has %L1 pages, more than a preview shows (%L2).")
                             .arg(pages)
                             .arg(PreviewLoader::maxPdfPages);
        return;
    }
    for (int page = 0; page < pages; ++page) {
        if (cancel)
            return;
        const QSizeF size = document->pagePointSize(page);
        const qreal shorter = qMin(size.width(), size.height());
        const qreal longer = qMax(size.width(), size.height());
        if (!(shorter >= PreviewLoader::minPageSide && longer <= PreviewLoader::maxPageSide &&
              longer <= shorter * PreviewLoader::maxPageAspect)) {
            content->error = PreviewLoader::tr("Page %L1 of the PDF has an impossible size (%L2 × %L3 points); the "
                                               "preview does not show it.")
                                 .arg(page + 1)
                                 .arg(size.width(), 0, 'f', 0)
                                 .arg(size.height(), 0, 'f', 0);
            return;
        }
        content->largestPage = content->largestPage.expandedTo(size);
    }
    if (cancel)
        return;
    document->moveToThread(gui);
    content->pdf = std::move(document);
}

std::shared_ptr<PreviewContent> read(const QString &path, PreviewLoader::Kind kind, const PdfCheck &check,
                                     const std::atomic<bool> &cancel, QThread *gui)
{
    auto content = std::make_shared<PreviewContent>();
    if (kind == PreviewLoader::Kind::Pdf)
        readPdf(path, check, cancel, gui, content.get());
    else
        content->table = preview::PreviewReader::read(
            path,
            kind == PreviewLoader::Kind::Csv ? preview::PreviewReader::Kind::Csv : preview::PreviewReader::Kind::Xlsx,
            &content->error, &cancel);
    if (cancel && content->error.isEmpty())
        content->error = PreviewLoader::tr("The preview was cancelled.");
    return content;
}

} // namespace

std::optional<PreviewLoader::Kind> PreviewLoader::kindOf(const Report &report)
{
    const QString mime = report.mimeType.section(QLatin1Char(';'), 0, 0).trimmed().toLower();
    if (mime == u"application/pdf")
        return Kind::Pdf;
    if (mime == u"text/csv" || mime == u"text/tab-separated-values")
        return Kind::Csv;
    if (mime == u"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
        mime == u"application/vnd.ms-excel.sheet.macroenabled.12")
        return Kind::Xlsx;
    if (QFileInfo(report.filename).suffix().compare(u"pdf", Qt::CaseInsensitive) == 0)
        return Kind::Pdf;
    if (const auto table = preview::PreviewReader::kindForFileName(report.filename))
        return *table == preview::PreviewReader::Kind::Csv ? Kind::Csv : Kind::Xlsx;
    return std::nullopt;
}

QString PreviewLoader::defaultPdfChecker()
{
    const QString here = QCoreApplication::applicationDirPath();
    return QStandardPaths::findExecutable(QStringLiteral("getbill-pdf-check"),
                                          {here, QDir::cleanPath(here + QLatin1String("/../libexec/getbill-reports"))});
}

PreviewLoader::PreviewLoader(QObject *parent) : QObject(parent), m_checker(defaultPdfChecker())
{
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("previewReader"));
}

PreviewLoader::~PreviewLoader()
{
    cancel();
    m_pool.waitForDone();
    m_retired.clear();
}

void PreviewLoader::cancel()
{
    if (m_cancel)
        *m_cancel = true;
    m_current = 0;
}

void PreviewLoader::load(const QString &path, Kind kind)
{
    cancel();
    auto flag = std::make_shared<std::atomic<bool>>(false);
    m_cancel = flag;
    const quint64 serial = ++m_serial;
    m_current = serial;
    ++m_running;
    auto *watcher = new QFutureWatcher<std::shared_ptr<PreviewContent>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        --m_running;
        std::shared_ptr<PreviewContent> content = watcher->result();
        if (serial == m_current) {
            m_current = 0;
            emit loaded(content);
        } else if (content->pdf) {
            m_retired.push_back(std::move(content->pdf)); // read for a report that is no longer shown
        }
        if (m_running == 0)
            m_retired.clear();
    });
    QThread *gui = thread();
    const PdfCheck check{m_checker, m_checkTimeoutMs};
    watcher->setFuture(
        QtConcurrent::run(&m_pool, [path, kind, check, flag, gui] { return read(path, kind, check, *flag, gui); }));
}

void PreviewLoader::retire(std::unique_ptr<QPdfDocument> document)
{
    if (!document)
        return;
    if (m_running == 0)
        document.reset();
    else
        m_retired.push_back(std::move(document));
}

} // namespace getbill::gui
