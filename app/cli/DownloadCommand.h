#pragma once

#include "CliCommand.h"
#include "download/DownloadTarget.h"

#include <QElapsedTimer>
#include <QStringList>
#include <memory>

class QModelIndex;

namespace getbill {
class DownloadController;
class DownloadHistory;
class DownloadQueue;
} // namespace getbill

namespace getbill::cli {

/// `download ID... [--output-dir DIR | --output FILE] [--overwrite] [--jobs N]`: hands the ids to the
/// DownloadController (the window's, N at once) and prints the absolute path of each saved file on standard output
/// as soon as it is complete. Every failure is reported on standard error when it happens, every wait before a
/// retry too ("waiting until 14:05"); the command ends with the error of the first failed id in command-line order,
/// so the exit status does not depend on which transfer happened to finish first. Saved files are recorded in the
/// download history.
class DownloadCommand : public CliCommand
{
    Q_OBJECT
public:
    struct Settings
    {
        QStringList ids; ///< without duplicates
        /// A folder (with the overwrite flag) for any number of ids, or a file for exactly one.
        DownloadTarget target;
        int jobs = 3;
        /// Where the download history lives; empty = DownloadHistory::defaultPath().
        QString historyPath;
    };

    DownloadCommand(ApiClient *api, Console *console, Settings settings, QObject *parent = nullptr);
    ~DownloadCommand() override;

protected:
    void run() override;
    void abortWork() override;

private:
    void onItemFinished(int row);
    void onRowsChanged(const QModelIndex &first, const QModelIndex &last);
    void showProgress(bool force = false);
    void finishIfDone();

    Settings m_settings;
    std::unique_ptr<DownloadHistory> m_history;
    DownloadController *m_controller;
    DownloadQueue *m_queue;
    int m_finished = 0;
    QElapsedTimer m_lastProgress;
};

} // namespace getbill::cli
