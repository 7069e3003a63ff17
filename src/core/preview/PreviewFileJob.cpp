#include "preview/PreviewFileJob.h"

#include "Format.h"
#include "api/ApiClient.h"
#include "download/DownloadHistory.h"
#include "preview/PreviewCache.h"

namespace getbill {

PreviewFileJob::PreviewFileJob(ApiClient *api, DownloadHistory *history, PreviewCache *cache, Report report,
                               QObject *parent)
    : Job(parent), m_api(api), m_history(history), m_cache(cache), m_report(std::move(report))
{}

PreviewFileJob::~PreviewFileJob()
{
    cancelChildren();
}

void PreviewFileJob::run()
{
    if (m_history)
        if (const auto saved = m_history->savedCopy(m_report.id)) {
            m_path = saved->path;
            m_origin = Origin::SavedCopy;
            emitSuccess();
            return;
        }
    if (m_cache)
        if (const auto kept = m_cache->use(m_report)) {
            m_path = kept->path;
            m_origin = Origin::Cache;
            emitSuccess();
            return;
        }
    download();
}

void PreviewFileJob::download()
{
    if (!m_report.canDownload()) {
        emitFailure(ApiError(ApiError::Kind::InvalidInput,
                             tr("There is nothing to preview yet: %1").arg(Format::notDownloadableReason(m_report))));
        return;
    }
    if (!m_cache || !m_cache->isOpen() || !m_api) {
        emitFailure(ApiError(ApiError::Kind::LocalFile,
                             tr("There is no private folder to keep previews in, so this report cannot be previewed "
                                "before it is saved.")));
        return;
    }
    if (m_report.fileSize > m_cache->maxBytes()) {
        emitFailure(ApiError(ApiError::Kind::LocalFile,
                             tr("This report is too large to preview (%1; previews keep at most %2). Save it and open "
                                "it with its usual application.")
                                 .arg(Format::dataSize(m_report.fileSize), Format::dataSize(m_cache->maxBytes()))));
        return;
    }
    // Another account or API: what the old one asked for is not shown under the new one.
    connect(m_api, &ApiClient::sessionChanged, this, &Job::cancel);
    // Signed out (the cache is cleared): the preview of the old account stops at once.
    connect(m_cache, &PreviewCache::cleared, this, &Job::cancel);
    const quint64 generation = m_cache->generation();
    auto *job = new ReportDownloadJob(m_api, m_report.id, DownloadTarget::file(m_cache->pathFor(m_report), true));
    connect(job, &ReportDownloadJob::stateChanged, this, &PreviewFileJob::downloadStateChanged);
    connect(job, &Job::progress, this, &Job::progress);
    runChild(job, [this, generation](ReportDownloadJob *done) {
        if (!done->succeeded()) {
            emitFailure(done->error());
            return;
        }
        if (!m_cache || !m_cache->insert(m_report, done->record(), generation)) {
            // Signed out (the cache was cleared) while it downloaded: the file is gone again.
            emitFailure(ApiError(ApiError::Kind::Cancelled, tr("The preview was cancelled.")));
            return;
        }
        m_path = done->record().path;
        m_origin = Origin::Downloaded;
        emitSuccess();
    });
}

} // namespace getbill
