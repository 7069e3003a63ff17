#include "api/RequestGate.h"

#include <QCoreApplication>

namespace getbill {

namespace {
/// Waits closer together than this are one wait for the user (one message).
constexpr qint64 sameWaitMs = 60 * 1000;
} // namespace

RequestGate::RequestGate(Clock *clock, QObject *parent) : QObject(parent), m_clock(clock), m_timer(clock)
{
    m_budget.setReserve(50);
    connect(&m_timer, &ClockTimer::timeout, this, &RequestGate::pump);
}

RequestGate::~RequestGate()
{
    // Requests still waiting were made by someone who did not ask for the reserve (the gate's owner is done): they go.
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &w : waiters)
        if (w.context)
            w.go({});
}

void RequestGate::acquire(QObject *context, Go go)
{
    m_waiters.append({context, std::move(go)});
    // From the event loop: the caller is in the middle of starting and not ready for an answer.
    QMetaObject::invokeMethod(this, &RequestGate::pump, Qt::QueuedConnection);
}

void RequestGate::release(const RateLimit &seen)
{
    if (m_inFlight > 0)
        --m_inFlight;
    note(seen);
    pump();
}

void RequestGate::rateLimited(const RateLimit &seen, std::optional<int> retryAfterSeconds)
{
    note(seen);
    const qint64 now = m_clock->nowMs();
    qint64 until = seen.resetEpoch >= 0 ? seen.resetEpoch * 1000 : -1;
    if (retryAfterSeconds)
        until = std::max<qint64>(until, now + qint64(*retryAfterSeconds) * 1000);
    if (until <= now)
        until = now + defaultBlockMs;
    m_blockedUntilMs = std::max(m_blockedUntilMs, until);
    pump();
}

void RequestGate::note(const RateLimit &seen)
{
    if (seen.remaining < 0)
        return;
    const qint64 now = m_clock->nowMs();
    const bool stale = m_seenAtMs < 0 || now >= RateBudget::freshUntilMs(m_limit, m_seenAtMs);
    const RateLimit next = stale ? seen : RateBudget::newer(m_limit, seen);
    if (stale || next.remaining != m_limit.remaining || next.resetEpoch != m_limit.resetEpoch) {
        m_limit = next;
        m_seenAtMs = now;
    }
}

void RequestGate::holdUntil(qint64 untilMs, Reason reason)
{
    const qint64 now = m_clock->nowMs();
    if (!m_holding) {
        m_holding = true;
        if (m_lastHoldEndMs < 0 || now - m_lastHoldEndMs >= sameWaitMs)
            emit waiting(QDateTime::fromMSecsSinceEpoch(untilMs).toLocalTime(), reason);
    }
    if (!m_timer.isActive() || m_timer.dueMs() != untilMs)
        m_timer.startAt(untilMs);
}

void RequestGate::pump()
{
    if (m_pumping) {
        m_pumpAgain = true;
        return;
    }
    m_pumping = true;
    do {
        m_pumpAgain = false;
        while (!m_waiters.isEmpty()) {
            if (!m_waiters.first().context) {
                m_waiters.removeFirst();
                continue;
            }
            const qint64 now = m_clock->nowMs();
            if (m_blockedUntilMs > now) {
                holdUntil(m_blockedUntilMs, Reason::Exhausted);
                break;
            }
            if (!m_budget.reserveFits(m_limit)) {
                const ApiError refused(
                    ApiError::Kind::InvalidInput,
                    QCoreApplication::translate("getbill::RequestGate",
                                                "A reserve of %1 requests cannot be kept: GetBill allows %2 requests "
                                                "in its window. Choose a smaller reserve.")
                        .arg(m_budget.reserve())
                        .arg(m_limit.limit));
                const QList<Waiter> refusedWaiters = std::exchange(m_waiters, {});
                for (const Waiter &w : refusedWaiters)
                    if (w.context)
                        w.go(refused);
                break;
            }
            const qint64 hold = m_budget.reserveHoldMs(m_limit, m_seenAtMs, m_inFlight, now);
            if (hold == RateBudget::untilAnswer)
                break; // release() comes back here
            if (hold > 0) {
                holdUntil(now + hold, Reason::Reserve);
                break;
            }
            if (m_holding) {
                m_holding = false;
                m_lastHoldEndMs = now;
            }
            m_timer.stop();
            const Waiter w = m_waiters.takeFirst();
            ++m_inFlight;
            w.go({});
        }
    } while (m_pumpAgain);
    m_pumping = false;
}

} // namespace getbill
