#include "DownloadCommand.h"

#include "Console.h"
#include "ExitStatus.h"
#include "Format.h"
#include "RetryAnnouncer.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"

#include <QCoreApplication>
#include <QDir>

namespace getbill::cli {

using State = ReportDownloadJob::State;

DownloadCommand::DownloadCommand(ApiClient *api, Console *console, Settings settings, QObject *parent)
    : CliCommand(api, console, parent), m_settings(std::move(settings)),
      m_history(std::make_unique<DownloadHistory>(m_settings.historyPath.isEmpty() ? DownloadHistory::defaultPath()
                                                                                   : m_settings.historyPath)),
      m_controller(new DownloadController(api, m_history.get(), this)), m_queue(m_controller->queue())
{
    m_settings.jobs = std::max(1, m_settings.jobs);
    m_queue->setMaxConcurrent(m_settings.jobs);
    // The ticket request says whether GetBill knows an id: one request per id, not a lookup first.
    m_controller->setLookUpUnknownIds(false);
    connect(m_queue, &DownloadQueue::itemFinished, this, &DownloadCommand::onItemFinished);
    connect(m_queue, &QAbstractItemModel::dataChanged, this, &DownloadCommand::onRowsChanged);
    new RetryAnnouncer(m_queue, this);
}

DownloadCommand::~DownloadCommand() = default;

void DownloadCommand::run()
{
    m_lastProgress.start();
    // A history that cannot be read only costs the "downloaded" marks of `list`: say so, download anyway.
    QString why;
    if (!m_history->load(&why))
        console()->message(why);
    m_controller->download(m_settings.ids, m_settings.target);
    finishIfDone(); // no ids: nothing to do
}

void DownloadCommand::onRowsChanged(const QModelIndex &first, const QModelIndex &last)
{
    for (int row = first.row(); row <= last.row(); ++row) {
        if (m_queue->index(row).data(DownloadQueue::StateRole).value<State>() == State::Downloading) {
            showProgress();
            return;
        }
    }
}

void DownloadCommand::onItemFinished(int row)
{
    ++m_finished;
    if (m_queue->state(row) == State::Done)
        console()->printLine(QDir::toNativeSeparators(m_queue->targetPath(row)));
    else if (m_queue->state(row) == State::Failed)
        console()->error(userMessage(m_queue->error(row)));
    showProgress(true);
    finishIfDone();
}

void DownloadCommand::finishIfDone()
{
    if (isFinished() || m_finished < m_queue->rowCount())
        return;
    console()->clearProgress();
    for (int row = 0; row < m_queue->rowCount(); ++row) {
        if (m_queue->state(row) != State::Done) {
            emitFailure(m_queue->error(row));
            return;
        }
    }
    emitSuccess();
}

void DownloadCommand::showProgress(bool force)
{
    if (!console()->showsProgress() || isFinished() || m_finished == m_queue->rowCount())
        return;
    if (!force && m_lastProgress.elapsed() < 200)
        return;
    m_lastProgress.restart();
    qint64 received = 0;
    qint64 total = 0;
    double speed = 0;
    for (int row = 0; row < m_queue->rowCount(); ++row) {
        const ReportDownloadJob *job = m_queue->job(row);
        if (!job)
            continue;
        received += job->bytesReceived();
        total += std::max<qint64>(0, job->totalBytes());
        speed += job->bytesPerSecond();
    }
    QString text = tr("Downloading: %1 of %2 done").arg(m_finished).arg(m_queue->rowCount());
    if (total > 0)
        text += tr(", %1 of %2").arg(Format::dataSize(received), Format::dataSize(total));
    if (speed > 0)
        text += QStringLiteral(", ") + Format::speed(speed);
    console()->progress(text);
}

void DownloadCommand::abortWork()
{
    // Each running job removes its .part when cancelled; disconnected first so that their "Cancelled" is not
    // printed as a failure of its own.
    m_queue->disconnect(this);
    m_controller->cancelAll();
    console()->clearProgress();
}

} // namespace getbill::cli
