#include "ShowCommand.h"

#include "Console.h"
#include "ReportFormat.h"
#include "api/ApiClient.h"

#include <QCoreApplication>

namespace getbill::cli {

ShowCommand::ShowCommand(ApiClient *api, Console *console, QString id, bool json, QObject *parent)
    : CliCommand(api, console, parent), m_id(std::move(id)), m_json(json)
{}

void ShowCommand::start()
{
    m_job = api()->fetchReport(m_id);
    m_job->setParent(this);
    connect(m_job, &Job::finished, this, &ShowCommand::onFinished);
    connect(m_job, &ReportJob::retrying, this, [this](const ApiError &error, int delayMs) {
        console()->message(QCoreApplication::translate("getbill::cli", "%1 Trying again in %2 s.")
                               .arg(error.message())
                               .arg(delayMs / 1000.0, 0, 'f', 1));
    });
}

void ShowCommand::onFinished()
{
    if (!m_job->succeeded()) {
        fail(m_job->error());
        return;
    }
    if (m_json) {
        console()->print(QString::fromUtf8(ReportFormat::jsonObject(m_job->report())));
    } else {
        const QStringList lines = ReportFormat::details(m_job->report(), QLocale());
        for (const QString &line : lines)
            console()->printLine(line);
    }
    emitSuccess();
}

void ShowCommand::abortWork()
{
    // Disconnected first: the list's own "Cancelled" is not a failure to print; Job::cancel() ends this command.
    if (m_job) {
        m_job->disconnect(this);
        m_job->cancel();
    }
}

} // namespace getbill::cli
