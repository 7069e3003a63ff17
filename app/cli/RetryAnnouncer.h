#pragma once

#include <QHash>
#include <QObject>

class QModelIndex;

namespace getbill {
class DownloadQueue;
}

namespace getbill::cli {

class CliCommand;

/// Says on standard error, once per wait, when an item of a DownloadQueue waits to be tried again ("<why> Trying
/// again in 2.0 s (waiting until 14:05)."): a long silence looks like a hang. `download` and `sync` share it.
class RetryAnnouncer : public QObject
{
    Q_OBJECT
public:
    /// Announces through `command` (CliCommand::announceRetry); both outlive nothing: it is `command`'s child.
    RetryAnnouncer(DownloadQueue *queue, CliCommand *command);

private:
    void onRowsChanged(const QModelIndex &first, const QModelIndex &last);

    DownloadQueue *m_queue;
    CliCommand *m_command;
    QHash<int, int> m_lastState; ///< per row, to print each wait once
};

} // namespace getbill::cli
