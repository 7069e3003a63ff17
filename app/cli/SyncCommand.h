#pragma once

#include "CliCommand.h"
#include "download/SyncRule.h"

#include <memory>

namespace getbill {
class Clock;
class DownloadController;
class DownloadHistory;
class SyncJob;
} // namespace getbill

namespace getbill::cli {

/// `sync --output-dir DIR [--type TYPE]... [--since DATE] [--template T] [--dry-run] [--wait-pending[=D]]
/// [--jobs N] [--refetch-missing] [--reserve N]`: runs one core SyncJob (the window's watch rules run the same)
/// over a DownloadController of its own (N downloads at once, recorded in the shared download history) and prints
/// what it signals: the absolute path of each new file (or, for a dry run, of each file it would save) on standard
/// output and nothing else; failures, skipped reports, waits for the rate limit and retries on standard error. A
/// run with nothing new prints nothing. Ends with the first failed report's status (the listing's order); a
/// reserve that GetBill's limit can never leave is a usage error.
class SyncCommand : public CliCommand
{
    Q_OBJECT
public:
    struct Settings
    {
        SyncRule rule;
        int jobs = 3;
        /// Where the download history lives; empty = DownloadHistory::defaultPath().
        QString historyPath;
        /// The time of the long waits (not owned); null = the system's.
        Clock *clock = nullptr;
    };

    SyncCommand(ApiClient *api, Console *console, Settings settings, QObject *parent = nullptr);
    ~SyncCommand() override;

    ExitStatus exitStatus() const override;

protected:
    void run() override;
    void abortWork() override;

private:
    Settings m_settings;
    std::unique_ptr<DownloadHistory> m_history;
    DownloadController *m_controller;
    SyncJob *m_sync = nullptr;
    bool m_reserveTooLarge = false;
};

} // namespace getbill::cli
