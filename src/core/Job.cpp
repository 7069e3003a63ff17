#include "Job.h"

#include <QCoreApplication>

namespace getbill {

Job::Job(QObject *parent) : QObject(parent)
{}

Job::~Job() = default;

void Job::cancel()
{
    if (m_finished)
        return;
    abortWork();
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

} // namespace getbill
