#include "Job.h"

#include <QCoreApplication>

namespace getbill {

Job::Job(QObject *parent) : QObject(parent)
{}

Job::~Job()
{
    // A job destroyed while running must not leave its children's work behind (replies, threads, files).
    cancelChildren();
}

void Job::start()
{
    if (m_started || m_finished)
        return;
    m_started = true;
    run();
}

void Job::cancel()
{
    if (m_finished)
        return;
    abortWork();
    cancelChildren();
    emitFailure(ApiError(ApiError::Kind::Cancelled, QCoreApplication::translate("getbill::Job", "Cancelled.")));
}

void Job::emitSuccess()
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = ApiError();
    emit finished();
}

void Job::emitFailure(const ApiError &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    emit finished();
}

void Job::adopt(Job *child)
{
    child->setParent(this);
    m_children.append(child);
}

void Job::release(Job *child)
{
    m_children.removeAll(child);
}

void Job::cancelChild(Job *child)
{
    if (!child || !m_children.contains(child))
        return;
    release(child);
    child->disconnect(this);
    child->cancel();
    child->deleteLater();
}

void Job::cancelChildren()
{
    const QList<QPointer<Job>> children = std::exchange(m_children, {});
    for (const QPointer<Job> &child : children) {
        if (!child)
            continue;
        child->disconnect(this);
        child->cancel();
        child->deleteLater();
    }
}

} // namespace getbill
