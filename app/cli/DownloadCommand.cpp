#include "DownloadCommand.h"

#include "Console.h"
#include "ExitStatus.h"

#include <QCoreApplication>
#include <QDir>
#include <QLocale>

namespace getbill::cli {

DownloadCommand::DownloadCommand(ApiClient *api, Console *console, Settings settings, QObject *parent)
    : CliCommand(api, console, parent), m_settings(std::move(settings))
{
    m_settings.jobs = std::max(1, m_settings.jobs);
    for (const QString &id : std::as_const(m_settings.ids))
        m_items.append(Item{id, nullptr, {}, false});
}

DownloadCommand::~DownloadCommand() = default;

void DownloadCommand::start()
{
    m_lastProgress.start();
    finishIfDone(); // no ids: nothing to do
    while (!isFinished() && m_running < m_settings.jobs && m_next < m_items.size())
        startNext();
}

void DownloadCommand::startNext()
{
    const int index = m_next++;
    auto *job = new ReportDownloadJob(api(), m_items[index].id, m_settings.target, this);
    m_items[index].job = job;
    ++m_running;
    connect(job, &Job::finished, this, [this, index] { onItemFinished(index); });
    connect(job, &Job::progress, this, [this] { showProgress(); });
    connect(job, &ReportDownloadJob::stateChanged, this,
            [this, index](ReportDownloadJob::State state) { onStateChanged(index, state); });
    job->start();
}

void DownloadCommand::onStateChanged(int index, ReportDownloadJob::State state)
{
    const ReportDownloadJob *job = m_items[index].job;
    if (state != ReportDownloadJob::State::Waiting || !job)
        return;
    // A transient failure that will be retried: say so, a long silence looks like a hang.
    const qint64 ms = std::max<qint64>(0, QDateTime::currentDateTime().msecsTo(job->retryAt()));
    console()->message(tr("%1 Trying again in %2 s.").arg(userMessage(job->lastError())).arg(ms / 1000.0, 0, 'f', 1));
}

void DownloadCommand::onItemFinished(int index)
{
    Item &item = m_items[index];
    ReportDownloadJob *job = item.job;
    item.done = true;
    --m_running;
    ++m_finished;
    if (job->succeeded()) {
        console()->printLine(QDir::toNativeSeparators(job->targetPath()));
    } else {
        item.error = job->error();
        console()->error(userMessage(item.error));
    }
    job->deleteLater();
    while (m_running < m_settings.jobs && m_next < m_items.size())
        startNext();
    showProgress(true);
    finishIfDone();
}

void DownloadCommand::finishIfDone()
{
    if (m_finished < m_items.size())
        return;
    console()->clearProgress();
    for (const Item &item : std::as_const(m_items)) {
        if (item.error.isError()) {
            emitFailure(item.error);
            return;
        }
    }
    emitSuccess();
}

void DownloadCommand::showProgress(bool force)
{
    if (!console()->showsProgress() || isFinished() || m_finished == m_items.size())
        return;
    if (!force && m_lastProgress.elapsed() < 200)
        return;
    m_lastProgress.restart();
    qint64 received = 0;
    qint64 total = 0;
    double speed = 0;
    for (const Item &item : std::as_const(m_items)) {
        if (!item.job || item.done)
            continue;
        received += item.job->bytesReceived();
        total += std::max<qint64>(0, item.job->totalBytes());
        speed += item.job->bytesPerSecond();
    }
    const QLocale locale;
    QString text = tr("Downloading: %1 of %2 done").arg(m_finished).arg(m_items.size());
    if (total > 0)
        text += tr(", %1 of %2").arg(locale.formattedDataSize(received), locale.formattedDataSize(total));
    if (speed > 0)
        text += tr(", %1/s").arg(locale.formattedDataSize(qint64(speed)));
    console()->progress(text);
}

void DownloadCommand::abortWork()
{
    // Each running job removes its .part when cancelled; disconnected first so that their "Cancelled" is not
    // printed as a failure of its own.
    for (Item &item : m_items) {
        if (item.job && !item.done) {
            item.job->disconnect(this);
            item.job->cancel();
        }
    }
    m_next = int(m_items.size());
    console()->clearProgress();
}

} // namespace getbill::cli
