#include "Clock.h"

#include <QDateTime>
#include <algorithm>
#include <limits>

namespace getbill {

void Clock::fire(ClockTimer *timer)
{
    timer->fire();
}

ClockTimer::ClockTimer(Clock *clock, QObject *parent) : QObject(parent), m_clock(clock)
{
    m_realTimer.setSingleShot(true);
    connect(&m_realTimer, &QTimer::timeout, this, &ClockTimer::fire);
}

ClockTimer::~ClockTimer()
{
    stop();
}

void ClockTimer::startAt(qint64 dueMs)
{
    stop();
    if (!m_clock)
        return;
    m_dueMs = dueMs;
    m_active = true;
    m_clock->arm(this);
}

void ClockTimer::start(qint64 delayMs)
{
    startAt((m_clock ? m_clock->nowMs() : 0) + std::max<qint64>(0, delayMs));
}

void ClockTimer::stop()
{
    if (!m_active)
        return;
    m_active = false;
    m_realTimer.stop();
    if (m_clock)
        m_clock->disarm(this);
}

void ClockTimer::fire()
{
    if (!m_active)
        return;
    if (m_clock && m_clock->nowMs() < m_dueMs) {
        // A real timer that came early (or a clock that moved back): wait for the rest.
        m_clock->arm(this);
        return;
    }
    m_active = false;
    if (m_clock)
        m_clock->disarm(this);
    emit timeout();
}

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

void SystemClock::arm(ClockTimer *timer)
{
    const qint64 delay = std::clamp<qint64>(timer->dueMs() - nowMs(), 0, std::numeric_limits<int>::max());
    timer->m_realTimer.start(int(delay));
}

void SystemClock::disarm(ClockTimer *timer)
{
    timer->m_realTimer.stop();
}

ManualClock::ManualClock(qint64 startMs, QObject *parent) : Clock(parent), m_nowMs(startMs)
{}

ManualClock::~ManualClock() = default;

void ManualClock::set(qint64 ms)
{
    if (ms > m_nowMs)
        m_nowMs = ms;
    fireDue();
}

int ManualClock::pendingTimers() const
{
    return int(std::count_if(m_timers.cbegin(), m_timers.cend(),
                             [](const QPointer<ClockTimer> &t) { return t && t->isActive(); }));
}

void ManualClock::arm(ClockTimer *timer)
{
    if (!m_timers.contains(timer))
        m_timers.append(timer);
    // Already due: fired from the event loop, never inside startAt() (its caller is not ready for it).
    if (timer->dueMs() <= m_nowMs)
        QMetaObject::invokeMethod(this, &ManualClock::fireDue, Qt::QueuedConnection);
}

void ManualClock::disarm(ClockTimer *timer)
{
    m_timers.removeAll(timer);
}

void ManualClock::fireDue()
{
    if (m_firing)
        return;
    m_firing = true;
    // Earliest first; a timer fired may arm others (due now or later): keep going until nothing is due.
    for (int round = 0; round < 100'000; ++round) {
        m_timers.removeAll(nullptr);
        ClockTimer *next = nullptr;
        for (const QPointer<ClockTimer> &t : std::as_const(m_timers))
            if (t->isActive() && t->dueMs() <= m_nowMs && (!next || t->dueMs() < next->dueMs()))
                next = t;
        if (!next)
            break;
        Clock::fire(next);
    }
    m_firing = false;
}

} // namespace getbill
