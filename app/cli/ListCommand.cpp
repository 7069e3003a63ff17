#include "ListCommand.h"

#include "Console.h"
#include "Format.h"
#include "ReportPrinter.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "download/DownloadHistory.h"

#include <QCoreApplication>

namespace getbill::cli {

ListCommand::ListCommand(ApiClient *api, Console *console, QString type, bool json, QObject *parent)
    : CliCommand(api, console, parent), m_type(std::move(type)), m_json(json)
{}

void ListCommand::run()
{
    ReportListJob *job = api()->listReports(m_type);
    connect(job, &Job::progress, this, [this](qint64 done, qint64 total) {
        console()->progress(QCoreApplication::translate("getbill::cli", "Fetching the report list: page %1 of %2")
                                .arg(done)
                                .arg(total));
    });
    connect(job, &ReportListJob::retrying, this, &CliCommand::announceRetry);
    runChild(job, [this](ReportListJob *done) {
        console()->clearProgress();
        if (!done->succeeded()) {
            fail(done->error());
            return;
        }
        const QList<Report> &reports = done->reports();
        if (m_json) {
            console()->print(QString::fromUtf8(ReportPrinter::jsonArray(reports)));
        } else if (reports.isEmpty()) {
            console()->message(m_type.isEmpty()
                                   ? QCoreApplication::translate("getbill::cli", "No reports.")
                                   : QCoreApplication::translate("getbill::cli", "No reports of type %1.").arg(m_type));
        } else {
            QStringList lines = ReportPrinter::table(reports);
            DownloadHistory history(DownloadHistory::defaultPath());
            history.load();
            for (qsizetype i = 0; i < reports.size() && i + 1 < lines.size(); ++i)
                if (history.savedCopy(reports.at(i).id))
                    lines[i + 1] += QLatin1String("  ") + QCoreApplication::translate("getbill::cli", "[downloaded]");
            for (const QString &line : std::as_const(lines))
                console()->printLine(line);
        }
        emitSuccess();
    });
}

} // namespace getbill::cli
