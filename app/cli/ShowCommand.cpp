#include "ShowCommand.h"

#include "Console.h"
#include "ReportPrinter.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"

namespace getbill::cli {

ShowCommand::ShowCommand(ApiClient *api, Console *console, QString id, bool json, QObject *parent)
    : CliCommand(api, console, parent), m_id(std::move(id)), m_json(json)
{}

void ShowCommand::run()
{
    ReportJob *job = api()->fetchReport(m_id);
    connect(job, &ReportJob::retrying, this, &CliCommand::announceRetry);
    runChild(job, [this](ReportJob *done) {
        if (!done->succeeded()) {
            fail(done->error());
            return;
        }
        if (m_json) {
            console()->print(QString::fromUtf8(ReportPrinter::jsonObject(done->report())));
        } else {
            const QStringList lines = ReportPrinter::details(done->report());
            for (const QString &line : lines)
                console()->printLine(line);
        }
        emitSuccess();
    });
}

} // namespace getbill::cli
