#include "ReportPreviewPane.h"

#include "Format.h"
#include "PdfPreviewWidget.h"
#include "PlainText.h"
#include "TablePreviewWidget.h"
#include "api/ApiClient.h"
#include "preview/PreviewCache.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPdfDocument>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace getbill::gui {

namespace {
using DownloadState = ReportDownloadJob::State;
} // namespace

ReportPreviewPane::ReportPreviewPane(QWidget *parent)
    : QWidget(parent), m_loader(new PreviewLoader(this)), m_source(new QLabel(this)),
      m_save(new QPushButton(tr("&Save…"), this)), m_pages(new QStackedWidget(this)), m_messagePage(new QWidget),
      m_message(new QLabel(m_messagePage)), m_progress(new QProgressBar(m_messagePage)),
      m_action(new QPushButton(m_messagePage)), m_cancel(new QPushButton(tr("Cancel"), m_messagePage)),
      m_pdf(new PdfPreviewWidget), m_table(new TablePreviewWidget)
{
    setObjectName(QStringLiteral("reportPreview"));
    setAccessibleName(tr("Preview"));
    m_autoLoad.setSingleShot(true);
    m_autoLoad.setInterval(250);
    connect(&m_autoLoad, &QTimer::timeout, this, &ReportPreviewPane::autoLoad);

    m_source->setObjectName(QStringLiteral("previewSource"));
    m_source->setAccessibleDescription(tr("Where the preview comes from")); // heard as it reads
    m_source->setEnabled(false);
    m_source->setWordWrap(true);
    m_save->setObjectName(QStringLiteral("previewSave"));
    m_save->setAccessibleName(tr("Save"));
    m_save->setToolTip(tr("Save the report, as Download does (from the preview's copy when it has one)"));

    // Messages quote GetBill and file contents: plain text.
    PlainText::apply(m_message);
    m_message->setObjectName(QStringLiteral("previewMessage"));
    m_message->setAccessibleDescription(tr("Preview status"));
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_progress->setObjectName(QStringLiteral("previewProgress"));
    m_progress->setAccessibleName(tr("Preview progress"));
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(260);
    m_action->setObjectName(QStringLiteral("previewAction"));
    m_cancel->setObjectName(QStringLiteral("previewCancel"));
    m_cancel->setAccessibleName(tr("Cancel the preview"));

    auto *messageLayout = new QVBoxLayout(m_messagePage);
    messageLayout->setSpacing(12);
    messageLayout->setContentsMargins(24, 0, 24, 0);
    messageLayout->addStretch(1);
    messageLayout->addWidget(m_message);
    messageLayout->addWidget(m_progress, 0, Qt::AlignHCenter);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_action);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    messageLayout->addLayout(buttons);
    messageLayout->addStretch(2);

    m_pages->setObjectName(QStringLiteral("previewPages"));
    m_pages->addWidget(m_messagePage);
    m_pages->addWidget(m_pdf);
    m_pages->addWidget(m_table);

    auto *header = new QHBoxLayout;
    header->addWidget(m_source, 1);
    header->addWidget(m_save);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_pages, 1);

    connect(m_save, &QPushButton::clicked, this, [this] {
        if (m_report)
            emit saveRequested(m_report->id);
    });
    connect(m_action, &QPushButton::clicked, this, &ReportPreviewPane::load);
    connect(m_cancel, &QPushButton::clicked, this, &ReportPreviewPane::cancel);
    connect(m_loader, &PreviewLoader::loaded, this, &ReportPreviewPane::onLoaded);
    connect(m_pdf, &PdfPreviewWidget::pageTextCopied, this,
            [this](int page) { emit statusMessage(tr("Copied the text of page %L1").arg(page + 1), 4000); });
    clearReport();
}

ReportPreviewPane::~ReportPreviewPane()
{
    // The document goes before the loader that may still be reading another one.
    m_loader->retire(m_pdf->takeDocument());
}

void ReportPreviewPane::setSources(ApiClient *api, DownloadHistory *history, PreviewCache *cache)
{
    m_api = api;
    m_history = history;
    m_cache = cache;
}

QString ReportPreviewPane::keyOf(const Report &report)
{
    // What makes another file: another report, another generation, another size, or a file now offered.
    return report.id + QLatin1Char('|') + report.generatedAt.toString(Qt::ISODateWithMs) + QLatin1Char('|') +
           QString::number(report.fileSize) + QLatin1Char('|') + QString::number(int(report.canDownload()));
}

void ReportPreviewPane::setReport(const Report &report)
{
    const QString key = keyOf(report);
    m_report = report;
    if (key == m_key) {
        updateHeader();
        return; // the same file (a poll, a finished download): what is shown stays
    }
    stop();
    m_key = key;
    m_loaded = false;
    if (isVisible()) {
        showMessage(State::Waiting, tr("Loading the preview…"), {}, true);
        m_autoLoad.start();
    } else {
        showMessage(State::Waiting, tr("The preview loads when this tab is open."));
    }
}

void ReportPreviewPane::clearReport()
{
    stop();
    m_report.reset();
    m_key.clear();
    m_loaded = false;
    showMessage(State::NoReport, tr("Select a report to preview it."));
}

void ReportPreviewPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Opening the tab is asking for the preview.
    if (m_report && !m_loaded)
        load();
}

void ReportPreviewPane::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_autoLoad.stop();
    if (m_report && !m_loaded)
        showMessage(State::Waiting, tr("The preview loads when this tab is open."));
}

void ReportPreviewPane::autoLoad()
{
    if (!m_report || m_loaded || !isVisible())
        return;
    const Report &r = *m_report;
    if (PreviewLoader::kindOf(r) && r.canDownload() && (r.fileSize < 0 || r.fileSize > autoLoadBytes)) {
        showMessage(State::AskToLoad,
                    tr("This report is %1. Reports over %2 are previewed when you ask, so that going through the "
                       "list does not use up your GetBill request allowance.")
                        .arg(r.fileSize < 0 ? tr("of unknown size") : Format::dataSize(r.fileSize),
                             Format::dataSize(autoLoadBytes)),
                    tr("&Load preview"));
        return;
    }
    load();
}

void ReportPreviewPane::load()
{
    if (!m_report)
        return;
    stop();
    m_loaded = true;
    const Report r = *m_report;
    if (!r.canDownload()) {
        showMessage(State::NotPreviewable, Format::notDownloadableReason(r));
        return;
    }
    if (!PreviewLoader::kindOf(r)) {
        const QString kind = Format::fileKind(r.mimeType);
        showMessage(State::NotPreviewable, kind.isEmpty()
                                               ? tr("There is no preview for this kind of file.")
                                               : tr("There is no preview for this kind of file (%1).").arg(kind));
        return;
    }
    showMessage(State::Fetching, tr("Looking for the file…"), {}, true);
    auto *job = new PreviewFileJob(m_api, m_history, m_cache, r);
    m_job = job;
    connect(job, &PreviewFileJob::downloadStateChanged, this, [this](DownloadState state) {
        switch (state) {
        case DownloadState::GettingLink:
            showMessage(State::Fetching, tr("Asking GetBill for the file…"), {}, true);
            break;
        case DownloadState::Downloading:
            showMessage(State::Fetching, tr("Downloading for the preview…"), {}, true);
            break;
        case DownloadState::Waiting:
            showMessage(State::Fetching, tr("Waiting to try again…"), {}, true);
            break;
        case DownloadState::Verifying:
            showMessage(State::Fetching, tr("Checking the file…"), {}, true);
            break;
        default:
            break;
        }
    });
    connect(job, &Job::progress, this, [this](qint64 done, qint64 total) {
        if (total > 0) {
            // Percent: a QProgressBar counts in int.
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(done * 1000 / total));
            m_message->setText(
                tr("Downloading for the preview… %1 of %2").arg(Format::dataSize(done), Format::dataSize(total)));
        }
    });
    startJob(this, job, [this](PreviewFileJob *done) { onFetched(done); });
}

void ReportPreviewPane::onFetched(PreviewFileJob *job)
{
    if (job != m_job)
        return; // cancelled: another report, or the user
    m_job = nullptr;
    if (!job->succeeded()) {
        showMessage(State::Failed, tr("The preview could not be loaded: %1").arg(job->error().detailedMessage()),
                    tr("Try aga&in"));
        return;
    }
    m_origin = job->origin();
    showMessage(State::Reading, tr("Reading the file…"), {}, true);
    m_loader->load(job->path(), *PreviewLoader::kindOf(job->report()));
}

void ReportPreviewPane::onLoaded(const std::shared_ptr<PreviewContent> &content)
{
    if (!content->error.isEmpty()) {
        // A hostile or broken file: what the reader found, nothing else happens.
        showMessage(State::Failed, tr("The preview cannot show this file: %1").arg(content->error), tr("Try aga&in"));
        return;
    }
    if (content->pdf) {
        m_pdf->setDocument(std::move(content->pdf), content->largestPage);
        m_pages->setCurrentWidget(m_pdf);
    } else {
        m_table->setPreview(std::move(content->table));
        m_pages->setCurrentWidget(m_table);
    }
    setState(State::Showing);
    updateHeader();
}

void ReportPreviewPane::cancel()
{
    if (m_state != State::Fetching && m_state != State::Reading && m_state != State::Waiting)
        return;
    stop();
    m_loaded = false;
    showMessage(State::AskToLoad, tr("The preview was cancelled."), tr("&Load preview"));
}

void ReportPreviewPane::stop()
{
    m_autoLoad.stop();
    if (PreviewFileJob *job = m_job) {
        m_job = nullptr;
        job->cancel();
    }
    m_loader->cancel();
    m_loader->retire(m_pdf->takeDocument());
    m_table->clear();
    m_origin = PreviewFileJob::Origin::None;
}

void ReportPreviewPane::showMessage(State state, const QString &text, const QString &action, bool busy)
{
    m_message->setText(text);
    m_action->setText(action);
    m_action->setAccessibleName(action.isEmpty() ? tr("Load the preview") : QString(action).remove(QLatin1Char('&')));
    m_action->setVisible(!action.isEmpty());
    m_progress->setVisible(busy);
    // Busy without a figure, except while a download that already reported its progress goes on.
    if (busy && (state != State::Fetching || m_state != State::Fetching))
        m_progress->setRange(0, 0);
    m_cancel->setVisible(state == State::Fetching || state == State::Reading);
    m_pages->setCurrentWidget(m_messagePage);
    setState(state);
    updateHeader();
}

void ReportPreviewPane::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

QString ReportPreviewPane::message() const
{
    return m_pages->currentWidget() == m_messagePage ? m_message->text() : QString();
}

void ReportPreviewPane::updateHeader()
{
    QString source;
    if (m_state == State::Showing) {
        switch (m_origin) {
        case PreviewFileJob::Origin::SavedCopy:
            source = tr("From your saved copy");
            break;
        case PreviewFileJob::Origin::Cache:
            source = tr("From the preview's copy on this computer");
            break;
        case PreviewFileJob::Origin::Downloaded:
            source = tr("Downloaded for the preview");
            break;
        case PreviewFileJob::Origin::None:
            break;
        }
    }
    m_source->setText(source);
    m_save->setVisible(m_report.has_value());
    m_save->setEnabled(m_report && m_report->canDownload());
}

} // namespace getbill::gui
