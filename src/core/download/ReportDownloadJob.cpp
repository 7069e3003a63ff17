#include "download/ReportDownloadJob.h"

#include "api/ApiClient.h"
#include "download/DownloadJob.h"
#include "download/SafeFileName.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace getbill {

ReportDownloadJob::ReportDownloadJob(ApiClient *api, QString reportId, DownloadTarget target, QObject *parent)
    : Job(parent), m_api(api), m_reportId(std::move(reportId)), m_target(std::move(target))
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ReportDownloadJob::fetchTicket);
    if (m_target.mode == DownloadTarget::Mode::File)
        m_targetPath = QFileInfo(m_target.path).absoluteFilePath();
}

ReportDownloadJob::~ReportDownloadJob() = default;

void ReportDownloadJob::start()
{
    if (m_state != State::Queued || isFinished())
        return;
    if (m_ticket && m_ticket->id == m_reportId && !m_ticket->expiresWithin(ticketMarginSeconds))
        download();
    else
        fetchTicket();
}

void ReportDownloadJob::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void ReportDownloadJob::fetchTicket()
{
    if (!m_api || isFinished())
        return;
    setState(State::GettingLink);
    // Every attempt gets a fresh link: a signed link may be single use, and the last one may be spent.
    m_ticket.reset();
    m_ticketJob = m_api->fetchTicket(m_reportId);
    m_ticketJob->setParent(this);
    connect(m_ticketJob, &Job::finished, this, [this, job = m_ticketJob] {
        job->deleteLater();
        m_ticketJob = nullptr;
        if (!job->succeeded()) {
            // The API call already retried its own transient failures.
            setState(State::Failed);
            emitFailure(job->error());
            return;
        }
        m_ticket = job->ticket();
        download();
    });
}

bool ReportDownloadJob::resolveTarget(QString *path, ApiError *error) const
{
    if (m_target.mode == DownloadTarget::Mode::File) {
        *path = m_targetPath;
        return true;
    }
    const QString folder = QFileInfo(m_target.path).absoluteFilePath();
    if (!QFileInfo(folder).isDir()) {
        *error = ApiError(ApiError::Kind::LocalFile,
                          QCoreApplication::translate("getbill::ReportDownloadJob", "The folder %1 does not exist.")
                              .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    QString name = SafeFileName::sanitize(m_ticket->filename, m_reportId, m_ticket->mimeType);
    if (m_target.mode == DownloadTarget::Mode::UniqueFolder)
        name = SafeFileName::uniqueName(folder, name);
    *path = QDir(folder).filePath(name);
    return true;
}

void ReportDownloadJob::download()
{
    ApiError error;
    QString path;
    // The unique name is chosen once: a retry writes where the first attempt meant to.
    if (m_targetPath.isEmpty() && !resolveTarget(&path, &error)) {
        setState(State::Failed);
        emitFailure(error);
        return;
    }
    if (m_targetPath.isEmpty())
        m_targetPath = path;
    ++m_attempts;
    setState(State::Downloading);
    m_received = 0;
    m_rate.start();
    m_download = new DownloadJob(m_api->network(), m_api->options(), *m_ticket, m_targetPath, this);
    m_download->setOverwrite(m_target.overwrite);
    connect(m_download, &Job::progress, this, [this](qint64 done, qint64 total) {
        m_received = done;
        m_rate.update(done);
        emit progress(done, total);
    });
    connect(m_download, &Job::finished, this, [this, job = m_download] {
        job->deleteLater();
        m_download = nullptr;
        if (job->succeeded()) {
            m_record.reportId = m_reportId;
            m_record.filename = QFileInfo(m_targetPath).fileName();
            m_record.path = m_targetPath;
            m_record.size = job->bytesReceived();
            m_record.sha256 = job->sha256();
            m_record.finishedAt = QDateTime::currentDateTimeUtc();
            setState(State::Done);
            emitSuccess();
        } else {
            onAttemptFailed(job->error());
        }
    });
    m_download->start();
}

void ReportDownloadJob::onAttemptFailed(const ApiError &error)
{
    if (error.kind() == ApiError::Kind::LinkRejected && m_linkRefreshes < maxLinkRefreshes) {
        ++m_linkRefreshes;
        fetchTicket();
        return;
    }
    if (const auto delay = m_api ? m_api->options().retry.delayAfter(error, m_attempts) : std::nullopt) {
        m_lastError = error;
        m_retryAt = QDateTime::currentDateTime().addMSecs(delay->count());
        setState(State::Waiting);
        m_retryTimer.start(*delay);
        return;
    }
    setState(State::Failed);
    emitFailure(ApiError(error).withContext(
        QCoreApplication::translate("getbill::ReportDownloadJob", "Report %1").arg(m_reportId)));
}

void ReportDownloadJob::abortWork()
{
    m_retryTimer.stop();
    // Disconnect first: the children's own "cancelled" must not be taken for a failure of this job.
    if (m_ticketJob) {
        m_ticketJob->disconnect(this);
        m_ticketJob->cancel();
    }
    if (m_download) {
        m_download->disconnect(this);
        m_download->cancel();
    }
    setState(State::Cancelled);
}

} // namespace getbill
