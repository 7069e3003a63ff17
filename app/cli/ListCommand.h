#pragma once

#include "CliCommand.h"

#include <QPointer>

namespace getbill {
class ReportListJob;
}

namespace getbill::cli {

/// `list [--type TYPE] [--json]`: every page of GET /reports, printed once complete (a table, or a JSON array of
/// the API's own report objects), so that a failure on page 3 never leaves a half list on standard output.
class ListCommand : public CliCommand
{
    Q_OBJECT
public:
    ListCommand(ApiClient *api, Console *console, QString type, bool json, QObject *parent = nullptr);

    void start() override;

protected:
    void abortWork() override;

private:
    void onFinished();

    QString m_type;
    bool m_json;
    QPointer<ReportListJob> m_job;
};

} // namespace getbill::cli
