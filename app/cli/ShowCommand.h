#pragma once

#include "CliCommand.h"

#include <QPointer>

namespace getbill {
class ReportJob;
}

namespace getbill::cli {

/// `show ID [--json]`: GET /reports/{id}, printed as "Label: value" lines or as the API's own object.
class ShowCommand : public CliCommand
{
    Q_OBJECT
public:
    ShowCommand(ApiClient *api, Console *console, QString id, bool json, QObject *parent = nullptr);

    void start() override;

protected:
    void abortWork() override;

private:
    void onFinished();

    QString m_id;
    bool m_json;
    QPointer<ReportJob> m_job;
};

} // namespace getbill::cli
