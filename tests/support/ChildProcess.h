#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>
#include <sys/types.h>

namespace getbill::test {

/// How a ChildProcess ended, and what it cost.
struct ChildResult
{
    bool finished = false; ///< false: it did not end in time (it was killed)
    int exitCode = -1;     ///< -1 when it ended by a signal
    int signal = 0;        ///< the signal that ended it, 0 when it exited
    QByteArray out;
    QByteArray err;
    qint64 maxRssKiB = -1; ///< its peak resident set size (wait4's ru_maxrss), this process alone
    qint64 elapsedMs = 0;
};

/// A program run as a child while the caller's event loop keeps turning, so that a sandbox served from the same
/// thread can answer it. Unlike QProcess it is reaped with wait4(), which gives the child's own peak memory, and it
/// can be sent any signal (SIGKILL mid-download). Standard output and error go to files in a temporary folder
/// (no pipe that could fill up and stall a chatty child); standard input is `input`, or /dev/null.
class ChildProcess
{
public:
    ChildProcess(QString program, QStringList arguments,
                 QProcessEnvironment environment = QProcessEnvironment::systemEnvironment());
    ~ChildProcess(); ///< a child still running is killed and reaped
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    void setInput(const QByteArray &input) { m_input = input; }
    void setWorkingDirectory(const QString &folder) { m_workingDirectory = folder; }

    /// Spawns it; false and errorString() when that failed (program missing, not executable).
    bool start();
    QString errorString() const { return m_error; }
    pid_t pid() const { return m_pid; }
    bool isRunning() const { return m_pid > 0 && !m_reaped; }
    /// Sends a signal; false when it is not running.
    bool sendSignal(int signal);
    /// Turns the event loop until the child ends; after timeoutMs it is killed, reaped, and false is returned.
    bool wait(int timeoutMs);
    /// What happened; out/err are read from the files at each call.
    ChildResult result() const;

    /// start() + wait() in one: the usual way to run something to its end.
    static ChildResult run(const QString &program, const QStringList &arguments,
                           const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
                           int timeoutMs = 60'000, const QByteArray &input = {});

private:
    bool reap(bool block);

    QString m_program;
    QStringList m_arguments;
    QProcessEnvironment m_environment;
    QByteArray m_input;
    QString m_workingDirectory;
    QTemporaryDir m_dir;
    pid_t m_pid = -1;
    int m_pidfd = -1;
    qint64 m_startedMs = 0;
    bool m_reaped = false;
    ChildResult m_result;
    QString m_error;
};

} // namespace getbill::test
