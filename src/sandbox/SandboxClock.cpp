#include "sandbox/SandboxClock.h"

namespace getbill::sandbox {

SandboxClock::SandboxClock(qint64 startMsecsSinceEpoch)
    : m_now(std::make_shared<std::atomic<qint64>>(startMsecsSinceEpoch))
{}

qint64 SandboxClock::msecsSinceEpoch() const
{
    return m_now->load();
}

qint64 SandboxClock::secsSinceEpoch() const
{
    const qint64 ms = msecsSinceEpoch();
    return ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
}

QDateTime SandboxClock::now() const
{
    return QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch(), Qt::UTC);
}

void SandboxClock::advance(std::chrono::milliseconds by)
{
    m_now->fetch_add(by.count());
}

void SandboxClock::set(qint64 msecsSinceEpoch)
{
    m_now->store(msecsSinceEpoch);
}

std::function<qint64()> SandboxClock::function() const
{
    return [now = m_now] {
        return now->load();
    };
}

} // namespace getbill::sandbox
