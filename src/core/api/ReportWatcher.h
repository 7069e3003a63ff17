#pragma once

#include "api/Report.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace getbill {

class ApiClient;
class ReportJob;

/// Follows one report that is still being generated: asks GET /reports/{id} every interval() until it is completed
/// or failed, and says what changed. The window watches the report it shows, and only while it is shown: GetBill
/// rate-limits reads, so nothing is polled that nobody looks at. Best effort: a failed poll is tried again at the
/// next tick.
class ReportWatcher : public QObject
{
    Q_OBJECT
public:
    static constexpr int defaultIntervalMs = 30'000;

    explicit ReportWatcher(ApiClient *api, QObject *parent = nullptr);
    ~ReportWatcher() override;

    /// Watches `report` if it can still change, stops watching otherwise. Replaces the report watched before.
    void watch(const Report &report);
    void stop();
    bool isWatching() const { return m_timer.isActive(); }
    QString reportId() const { return m_id; }

    void setInterval(int ms);
    int interval() const { return m_timer.interval(); }

    /// Whether GetBill may still change the report's status (pending, processing, unknown).
    static bool canChange(const Report &report);

signals:
    /// A fresher copy of the watched report arrived.
    void updated(const getbill::Report &report);

private:
    void poll();

    QPointer<ApiClient> m_api;
    QString m_id;
    QTimer m_timer;
    QPointer<ReportJob> m_job;
};

} // namespace getbill
