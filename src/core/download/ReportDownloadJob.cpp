#include "download/ReportDownloadJob.h"

#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "download/DownloadJob.h"
#include "download/PartialDownload.h"
#include "download/SafeFileName.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

namespace getbill {

ReportDownloadJob::ReportDownloadJob(ApiClient *api, QString reportId, DownloadTarget target, QObject *parent)
    : Job(parent), m_api(api), m_reportId(std::move(reportId)), m_target(std::move(target))
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ReportDownloadJob::fetchTicket);
    m_apiWaitTimer.setSingleShot(true);
    connect(&m_apiWaitTimer, &QTimer::timeout, this, [this] {
        if (m_ticketJob)
            setState(State::GettingLink);
    });
    if (m_target.mode == DownloadTarget::Mode::File)
        m_targetPath = QFileInfo(m_target.path).absoluteFilePath();
}

ReportDownloadJob::~ReportDownloadJob() = default;

void ReportDownloadJob::run()
{
    if (m_local)
        copyLocal();
    else if (m_ticket && m_ticket->id == m_reportId && (m_ticketFresh || !m_ticket->expiresWithin(ticketMarginSeconds)))
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
    if (!m_api) {
        failFinally(ApiError(ApiError::Kind::Cancelled, tr("Cancelled.")));
        return;
    }
    setState(State::GettingLink);
    // Every attempt gets a fresh link: a signed link may be single use, and the last one may be spent.
    m_ticket.reset();
    TicketJob *job = m_api->fetchTicket(m_reportId);
    // The API call retries its own transient failures (5xx, 429 with retry_after): show that wait too.
    connect(job, &ApiCallJob::retrying, this, [this](const ApiError &error, int delayMs) {
        m_lastError = error;
        m_retryAt = QDateTime::currentDateTime().addMSecs(delayMs);
        setState(State::Waiting);
        m_apiWaitTimer.start(delayMs);
    });
    m_ticketJob = job;
    runChild(job, [this](TicketJob *done) {
        m_ticketJob = nullptr;
        m_apiWaitTimer.stop();
        if (!done->succeeded()) {
            failFinally(done->error());
            return;
        }
        m_ticket = done->ticket();
        download();
    });
}

bool ReportDownloadJob::resolveTarget(QString *path, ApiError *error) const
{
    if (m_target.mode == DownloadTarget::Mode::File) {
        *path = m_targetPath;
        return true;
    }
    if (m_target.mode == DownloadTarget::Mode::Ask) {
        // The controller asks before queueing; an item never waits for a dialog.
        *error = ApiError(ApiError::Kind::InvalidInput,
                          QCoreApplication::translate("getbill::ReportDownloadJob", "No place to save was chosen."));
        return false;
    }
    const QString folder = QFileInfo(m_target.path).absoluteFilePath();
    if (!QFileInfo(folder).isDir()) {
        *error = ApiError(ApiError::Kind::LocalFile,
                          QCoreApplication::translate("getbill::ReportDownloadJob", "The folder %1 does not exist.")
                              .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    QString name = !m_target.name.isEmpty() ? m_target.name
                   : m_ticket               ? SafeFileName::sanitize(m_ticket->filename, m_reportId, m_ticket->mimeType)
                                            : SafeFileName::sanitize(m_local->filename, m_reportId, m_local->mimeType);
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
        failFinally(error);
        return;
    }
    if (m_targetPath.isEmpty())
        m_targetPath = path;
    ++m_attempts;
    setState(State::Downloading);
    auto *job = new DownloadJob(m_api->network(), m_api->options(), *m_ticket, m_targetPath);
    job->setOverwrite(m_target.overwrite);
    connect(job, &DownloadJob::verifying, this, [this] { setState(State::Verifying); });
    // Resumed bytes are not speed: the rate counts from where this attempt starts (its first progress report).
    connect(job, &Job::progress, this, [this, first = true](qint64 done, qint64 total) mutable {
        m_received = done;
        if (std::exchange(first, false))
            m_rate.start(done);
        else
            m_rate.update(done);
        emit progress(done, total);
    });
    m_download = job;
    runChild(job, [this](DownloadJob *done) {
        m_download = nullptr;
        m_partialKept = done->keptPartial();
        if (m_state == State::Interrupted)
            return; // suspend() ends this job
        if (!done->succeeded()) {
            onAttemptFailed(done->error());
            return;
        }
        succeed(done->bytesReceived(), done->sha256());
    });
}

void ReportDownloadJob::copyLocal()
{
    ApiError error;
    QString path;
    if (m_targetPath.isEmpty() && !resolveTarget(&path, &error)) {
        failFinally(error);
        return;
    }
    if (m_targetPath.isEmpty())
        m_targetPath = path;
    setState(State::Downloading);
    auto *job = new LocalCopyJob(*m_local, m_reportId, m_targetPath);
    job->setOverwrite(m_target.overwrite);
    connect(job, &LocalCopyJob::verifying, this, [this] { setState(State::Verifying); });
    connect(job, &Job::progress, this, [this](qint64 done, qint64 total) {
        m_received = done;
        emit progress(done, total);
    });
    runChild(job, [this](LocalCopyJob *done) {
        if (done->succeeded()) {
            m_copied = true;
            succeed(done->bytesCopied(), done->sha256());
        } else if (done->sourceUnusable()) {
            // The kept copy cannot be trusted any more: get the file from GetBill after all, at the same target.
            m_local.reset();
            m_received = 0;
            fetchTicket();
        } else {
            failFinally(done->error());
        }
    });
}

void ReportDownloadJob::succeed(qint64 size, const QString &sha256)
{
    m_record.reportId = m_reportId;
    m_record.filename = QFileInfo(m_targetPath).fileName();
    m_record.path = m_targetPath;
    m_record.size = size;
    m_record.sha256 = sha256;
    m_record.finishedAt = QDateTime::currentDateTimeUtc();
    m_record.apiUrl = m_api ? m_api->accountKey() : QString();
    m_record.origin = m_target.origin;
    setState(State::Done);
    emitSuccess();
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
    failFinally(ApiError(error).withContext(
        QCoreApplication::translate("getbill::ReportDownloadJob", "Report %1").arg(m_reportId)));
}

void ReportDownloadJob::failFinally(const ApiError &error)
{
    // No later attempt will continue the .part: leave the folder as it was.
    if (m_partialKept && !m_targetPath.isEmpty())
        PartialDownload::discard(m_targetPath);
    m_partialKept = false;
    ApiError shown = error;
    // A wait longer than we are willing to hold an item: say when to come back.
    if (error.httpStatus() == 429 && error.retryAfterSeconds()) {
        const QDateTime back = QDateTime::currentDateTime().addSecs(*error.retryAfterSeconds());
        shown = ApiError(error.kind(),
                         QCoreApplication::translate("getbill::ReportDownloadJob", "%1 Try again after %2.")
                             .arg(error.message(), QLocale().toString(back.time(), QLocale::ShortFormat)),
                         error.httpStatus())
                    .withDetails(error.details())
                    .withRetryAfter(error.retryAfterSeconds())
                    .withRateLimit(error.rateLimit());
    }
    setState(State::Failed);
    emitFailure(shown);
}

void ReportDownloadJob::suspend()
{
    if (isFinished())
        return;
    m_retryTimer.stop();
    m_apiWaitTimer.stop();
    setState(State::Interrupted);
    if (m_download)
        m_download->suspend(); // keeps its bytes and their record
    // A partial file kept by an earlier attempt stays too: the next start continues it.
    m_partialKept = false;
    cancelChildren();
    emitFailure(ApiError(ApiError::Kind::Cancelled, tr("Paused; it continues when the application starts again.")));
}

void ReportDownloadJob::abortWork()
{
    m_retryTimer.stop();
    m_apiWaitTimer.stop();
    // A running download removes its own partial file when Job cancels it (quietly) after this.
    if (m_partialKept && !m_targetPath.isEmpty())
        PartialDownload::discard(m_targetPath);
    m_partialKept = false;
    setState(State::Cancelled);
}

} // namespace getbill
