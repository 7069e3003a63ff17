#include "ListCommand.h"

#include "Console.h"
#include "ReportFormat.h"
#include "api/ApiClient.h"
#include "download/DownloadHistory.h"

#include <QCoreApplication>

namespace getbill::cli {

ListCommand::ListCommand(ApiClient *api, Console *console, QString type, bool json, QObject *parent)
    : CliCommand(api, console, parent), m_type(std::move(type)), m_json(json)
{}

void ListCommand::start()
{
    m_job = api()->listReports(m_type);
    m_job->setParent(this);
    connect(m_job, &Job::finished, this, &ListCommand::onFinished);
    connect(m_job, &Job::progress, this, [this](qint64 done, qint64 total) {
        console()->progress(QCoreApplication::translate("getbill::cli", "Fetching the report list: page %1 of %2")
                                .arg(done)
                                .arg(total));
    });
    connect(m_job, &ReportListJob::retrying, this, [this](const ApiError &error, int delayMs) {
        console()->message(QCoreApplication::translate("getbill::cli", "%1 Trying again in %2 s.")
                               .arg(error.message())
                               .arg(delayMs / 1000.0, 0, 'f', 1));
    });
}

void ListCommand::onFinished()
{
    console()->clearProgress();
    if (!m_job->succeeded()) {
        fail(m_job->error());
        return;
    }
    const QList<Report> &reports = m_job->reports();
    if (m_json) {
        console()->print(QString::fromUtf8(ReportFormat::jsonArray(reports)));
    } else if (reports.isEmpty()) {
        console()->message(m_type.isEmpty()
                               ? QCoreApplication::translate("getbill::cli", "No reports.")
                               : QCoreApplication::translate("getbill::cli", "No reports of type %1.").arg(m_type));
    } else {
        QStringList lines = ReportFormat::table(reports, QLocale());
        // Reports already saved (the download history of the CLI and the desktop application) are marked.
        DownloadHistory history(DownloadHistory::defaultPath());
        history.load();
        for (qsizetype i = 0; i < reports.size() && i + 1 < lines.size(); ++i)
            if (history.contains(reports.at(i).id))
                lines[i + 1] += QLatin1String("  ") + QCoreApplication::translate("getbill::cli", "[downloaded]");
        for (const QString &line : std::as_const(lines))
            console()->printLine(line);
    }
    emitSuccess();
}

void ListCommand::abortWork()
{
    // Disconnected first: the list's own "Cancelled" is not a failure to print; Job::cancel() ends this command.
    if (m_job) {
        m_job->disconnect(this);
        m_job->cancel();
    }
}

} // namespace getbill::cli
