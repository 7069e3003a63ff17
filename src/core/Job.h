#pragma once

#include "api/ApiError.h"

#include <QObject>
#include <QPointer>
#include <utility>

namespace getbill {

/// The one shape of long work in this project: the creator connects to the job, then calls start(); the job
/// reports progress, can be cancelled, and emits `finished` exactly once, after its cleanup is done (replies
/// aborted, files closed or removed, children gone), after which error() tells how it ended. Nothing starts in a
/// constructor. The creator owns the job (parent it, or deleteLater on finished); a job never deletes itself.
///
/// A job that runs other jobs owns them as children: runChild() wires the child's end to a handler and deletes the
/// child afterwards, and cancelling the parent cancels its running children quietly (their own "Cancelled" never
/// reaches the parent's handlers), so no subclass writes "disconnect, then cancel" by hand.
class Job : public QObject
{
    Q_OBJECT
public:
    explicit Job(QObject *parent = nullptr);
    ~Job() override;

    /// Starts the work once; later calls do nothing. finished() may come before start() returns (a refusal found
    /// at once), so connect first.
    void start();
    bool isStarted() const { return m_started; }
    bool isFinished() const { return m_finished; }
    bool isRunning() const { return m_started && !m_finished; }
    bool succeeded() const { return m_finished && !m_error.isError(); }
    const ApiError &error() const { return m_error; }

public slots:
    /// Stops the work; finished() follows at once with Kind::Cancelled unless the job had already finished (a job
    /// cancelled before start() finishes too, and start() then does nothing). Idempotent.
    void cancel();

signals:
    /// `total` is -1 while unknown.
    void progress(qint64 done, qint64 total);
    void finished();

protected:
    /// The work itself; called once by start().
    virtual void run() = 0;
    /// Releases whatever is running (replies, timers, files) before finished() reports a cancel. Running children
    /// are cancelled by Job itself after this returns. The default releases nothing.
    virtual void abortWork() {}

    void emitSuccess();
    void emitFailure(const ApiError &error);

    /// Takes `child` over (reparents it), calls `onFinished(child)` when it ends and deletes it afterwards, then
    /// starts it. Returns the child, which stays valid until its handler returned.
    template <typename Child, typename Handler>
    Child *runChild(Child *child, Handler onFinished)
    {
        adopt(child);
        connect(child, &Job::finished, this, [this, child, onFinished = std::move(onFinished)] {
            release(child);
            onFinished(child);
            child->deleteLater();
        });
        child->start();
        return child;
    }
    /// Cancels one running child quietly: its handler is not called.
    void cancelChild(Job *child);
    /// Cancels every running child quietly.
    void cancelChildren();
    bool hasRunningChildren() const { return !m_children.isEmpty(); }

private:
    void adopt(Job *child);
    void release(Job *child);

    bool m_started = false;
    bool m_finished = false;
    ApiError m_error;
    QList<QPointer<Job>> m_children;
};

/// The same wiring for an owner that is not a job (a window, a dialog, a command): `job` becomes a child of `owner`,
/// `onFinished(job)` runs when it ends (in `owner`'s context), the job is deleted afterwards, and it is started.
/// Destroying the owner destroys a job still running, which stops its work.
template <typename J, typename Handler>
J *startJob(QObject *owner, J *job, Handler onFinished)
{
    job->setParent(owner);
    QObject::connect(job, &Job::finished, owner, [job, onFinished = std::move(onFinished)] {
        onFinished(job);
        job->deleteLater();
    });
    job->start();
    return job;
}

} // namespace getbill
