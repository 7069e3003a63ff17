#pragma once

#include "CliCommand.h"
#include "download/ReportDownloadJob.h"

#include <QElapsedTimer>
#include <QList>
#include <QPointer>
#include <QStringList>

namespace getbill::cli {

/// `download ID... [--output-dir DIR | --output FILE] [--overwrite] [--jobs N]`: runs up to N ReportDownloadJobs at
/// once and prints the absolute path of each saved file on standard output as soon as it is complete. Every
/// failure is reported on standard error when it happens; the command ends with the error of the first failed id in
/// command-line order, so the exit status does not depend on which transfer happened to finish first.
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
    };

    DownloadCommand(ApiClient *api, Console *console, Settings settings, QObject *parent = nullptr);
    ~DownloadCommand() override;

    void start() override;

protected:
    void abortWork() override;

private:
    struct Item
    {
        QString id;
        QPointer<ReportDownloadJob> job;
        ApiError error;
        bool done = false;
    };

    void startNext();
    void onItemFinished(int index);
    void onStateChanged(int index, ReportDownloadJob::State state);
    void showProgress(bool force = false);
    void finishIfDone();

    Settings m_settings;
    QList<Item> m_items;
    int m_next = 0;
    int m_running = 0;
    int m_finished = 0;
    QElapsedTimer m_lastProgress;
};

} // namespace getbill::cli
