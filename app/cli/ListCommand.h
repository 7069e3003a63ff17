#pragma once

#include "CliCommand.h"

namespace getbill::cli {

/// `list [--type TYPE] [--json]`: every page of GET /reports, printed once complete (a table, or a JSON array of
/// the API's own report objects), so that a failure on page 3 never leaves a half list on standard output.
/// Reports already downloaded (the download history's rule, shared with the window) are marked in the table.
class ListCommand : public CliCommand
{
    Q_OBJECT
public:
    ListCommand(ApiClient *api, Console *console, QString type, bool json, QObject *parent = nullptr);

protected:
    void run() override;

private:
    QString m_type;
    bool m_json;
};

} // namespace getbill::cli
