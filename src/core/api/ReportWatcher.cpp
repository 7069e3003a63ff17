#include "api/ReportWatcher.h"

#include "api/ApiClient.h"
#include "api/ReportJobs.h"

namespace getbill {

ReportWatcher::ReportWatcher(ApiClient *api, QObject *parent) : QObject(parent), m_api(api)
{
    m_timer.setInterval(defaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ReportWatcher::poll);
}

ReportWatcher::~ReportWatcher()
{
    stop();
}

bool ReportWatcher::canChange(const Report &report)
{
    return !report.isCompleted() && report.status != QLatin1String("failed");
}

void ReportWatcher::watch(const Report &report)
{
    if (!canChange(report)) {
        stop();
        return;
    }
    if (report.id != m_id)
        stop();
    m_id = report.id;
    if (!m_timer.isActive())
        m_timer.start();
}

void ReportWatcher::stop()
{
    m_timer.stop();
    m_id.clear();
    if (m_job)
        m_job->cancel();
}

void ReportWatcher::setInterval(int ms)
{
    m_timer.setInterval(ms);
}

void ReportWatcher::poll()
{
    if (!m_api || m_id.isEmpty() || m_job)
        return;
    ReportJob *job = m_api->fetchReport(m_id);
    job->setParent(this);
    m_job = job;
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (!job->succeeded() || job->report().id != m_id)
            return;
        const Report report = job->report();
        if (!canChange(report))
            m_timer.stop();
        emit updated(report);
    });
    job->start();
}

} // namespace getbill
