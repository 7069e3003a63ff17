#pragma once

#include "ExitStatus.h"
#include "Job.h"

namespace getbill {
class ApiClient;
}

namespace getbill::cli {

class Console;

/// One run of list, show or download: a Job whose error() decides the exit status. The command prints its own
/// results and messages as they happen (a download of several reports reports each failure, not only the first).
class CliCommand : public Job
{
    Q_OBJECT
public:
    CliCommand(ApiClient *api, Console *console, QObject *parent = nullptr);

    /// The process exit status once finished: the contract's mapping of error() (ExitStatus.h).
    virtual ExitStatus exitStatus() const;

public slots:
    /// SIGINT or SIGTERM: stop everything (running downloads discard their .part files) and end with Cancelled.
    void interrupt(int signalNumber);
    /// "<why> Trying again in 2.0 s (waiting until 14:05).": a long silence looks like a hang.
    void announceRetry(const getbill::ApiError &error, int delayMs);

protected:
    /// Prints `error` for people and ends the command with it.
    void fail(const ApiError &error);

    ApiClient *api() const { return m_api; }
    Console *console() const { return m_console; }

private:
    ApiClient *m_api;
    Console *m_console;
};

} // namespace getbill::cli
