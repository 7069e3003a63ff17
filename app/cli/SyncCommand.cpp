#include "SyncCommand.h"

#include "Console.h"
#include "ExitStatus.h"
#include "Format.h"
#include "RetryAnnouncer.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"
#include "download/SyncJob.h"

#include <QDir>

namespace getbill::cli {

SyncCommand::SyncCommand(ApiClient *api, Console *console, Settings settings, QObject *parent)
    : CliCommand(api, console, parent), m_settings(std::move(settings)),
      m_history(std::make_unique<DownloadHistory>(m_settings.historyPath.isEmpty() ? DownloadHistory::defaultPath()
                                                                                   : m_settings.historyPath)),
      m_controller(new DownloadController(api, m_history.get(), this))
{
    m_controller->queue()->setMaxConcurrent(std::max(1, m_settings.jobs));
    new RetryAnnouncer(m_controller->queue(), this);
}

SyncCommand::~SyncCommand()
{
    cancelChildren(); // the sync refers to the controller and the history
}

ExitStatus SyncCommand::exitStatus() const
{
    return m_reserveTooLarge ? ExitStatus::Usage : CliCommand::exitStatus();
}

void SyncCommand::run()
{
    QString why;
    // A damaged history is set aside and a new one started: every report then counts as not fetched yet, so say it.
    if (!m_history->load(&why))
        console()->message(why);
    auto *sync = new SyncJob(api(), m_controller, m_settings.rule);
    sync->setClock(m_settings.clock);
    const auto printPath = [this](const QString &, const QString &path) {
        console()->printLine(QDir::toNativeSeparators(path));
    };
    connect(sync, &SyncJob::saved, this, printPath);
    connect(sync, &SyncJob::planned, this, printPath);
    connect(sync, &SyncJob::reportFailed, this,
            [this](const QString &, const ApiError &error) { console()->error(userMessage(error)); });
    connect(sync, &SyncJob::notice, this, [this](const QString &text) { console()->message(text); });
    connect(sync, &SyncJob::retrying, this, &CliCommand::announceRetry);
    connect(sync, &SyncJob::rateLimitWait, this,
            [this](const QDateTime &until, RequestGate::Reason reason, int reserve) {
                console()->message(Format::rateLimitWait(until, reason == RequestGate::Reason::Reserve, reserve));
            });
    m_sync = sync;
    runChild(sync, [this](SyncJob *done) {
        m_sync = nullptr;
        m_reserveTooLarge = done->reserveTooLarge();
        if (done->succeeded()) {
            emitSuccess();
            return;
        }
        // Failed reports were said as they failed; a failure of the whole (the list, the folder) is said here.
        if (done->failureCount() == 0 && done->error().kind() != ApiError::Kind::Cancelled)
            console()->error(userMessage(done->error()));
        emitFailure(done->error());
    });
}

void SyncCommand::abortWork()
{
    // The sync first, quietly (its cancelled downloads are not failures to print), then whatever it had queued: the
    // downloads remove their .part files.
    cancelChildren();
    m_controller->cancelAll();
}

} // namespace getbill::cli
