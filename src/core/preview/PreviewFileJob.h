#pragma once

#include "Job.h"
#include "api/Report.h"
#include "download/ReportDownloadJob.h"

#include <QPointer>

namespace getbill {

class ApiClient;
class DownloadHistory;
class PreviewCache;

/// Gets one report's bytes onto this computer for the preview, from the cheapest place that has them:
///   1. the file the user saved, when it is still there with its recorded size (DownloadHistory::savedCopy):
///      read where it is, no request;
///   2. the preview cache, when it holds this version of the report: no request;
///   3. GetBill, through the verified download path (a ReportDownloadJob with DownloadTarget::file into the cache:
///      ticket, size check, checksum, atomic commit), then recorded in the cache.
/// It never writes outside the cache. A report larger than the cache is refused before anything is asked; a change
/// of account or API address cancels it, like every download of the old account.
class PreviewFileJob : public Job
{
    Q_OBJECT
public:
    enum class Origin
    {
        None,
        SavedCopy,
        Cache,
        Downloaded,
    };
    Q_ENUM(Origin)

    /// `history` and `cache` may be null (then that place is not looked at; without a cache nothing is downloaded).
    PreviewFileJob(ApiClient *api, DownloadHistory *history, PreviewCache *cache, Report report,
                   QObject *parent = nullptr);
    ~PreviewFileJob() override;

    const Report &report() const { return m_report; }
    /// Where the bytes are, once it succeeded.
    const QString &path() const { return m_path; }
    Origin origin() const { return m_origin; }

signals:
    /// While downloading: the download's own steps (getting the link, downloading, waiting to retry, verifying).
    void downloadStateChanged(getbill::ReportDownloadJob::State state);

protected:
    void run() override;

private:
    void download();

    QPointer<ApiClient> m_api;
    DownloadHistory *m_history;
    QPointer<PreviewCache> m_cache;
    Report m_report;
    QString m_path;
    Origin m_origin = Origin::None;
};

} // namespace getbill
