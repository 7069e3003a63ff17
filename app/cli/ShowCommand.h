#pragma once

#include "CliCommand.h"

namespace getbill::cli {

/// `show ID [--json]`: one report, every field as "Label: value" lines, or the API's own JSON object.
class ShowCommand : public CliCommand
{
    Q_OBJECT
public:
    ShowCommand(ApiClient *api, Console *console, QString id, bool json, QObject *parent = nullptr);

protected:
    void run() override;

private:
    QString m_id;
    bool m_json;
};

} // namespace getbill::cli
