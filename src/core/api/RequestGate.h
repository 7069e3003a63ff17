#pragma once

#include "Clock.h"
#include "api/ApiError.h"
#include "api/RateBudget.h"
#include "api/RateLimit.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>
#include <functional>
#include <optional>

namespace getbill {

/// Lets the API requests of unattended work (sync) go only while a reserve of GetBill's hourly budget stays for the
/// user's other work: an ApiClient with a gate (ApiClient::setRequestGate) sends nothing while
/// X-RateLimit-Remaining, less its requests still on their way, is at or below the reserve (RateBudget's policy),
/// and nothing before a 429's retry_after or reset; requests wait, first come first served, until the window frees
/// up, and waiting() says so once per wait. Its time is a Clock, so tests run an hour's wait without waiting.
class RequestGate : public QObject
{
    Q_OBJECT
public:
    enum class Reason
    {
        Reserve,   ///< our requests reached the reserve
        Exhausted, ///< GetBill answered 429: the budget is used up (by other work, or a limit we did not see)
    };
    Q_ENUM(Reason)
    /// After this many 429s in a row a request gives up (a server that never lets anything through).
    static constexpr int maxRateLimitedWaits = 24;
    /// How long to hold everything after a 429 that says neither retry_after nor a reset.
    static constexpr qint64 defaultBlockMs = 60 * 1000;

    /// `clock` is not owned and must outlive the gate.
    explicit RequestGate(Clock *clock, QObject *parent = nullptr);
    ~RequestGate() override;

    void setReserve(int requests) { m_budget.setReserve(std::max(0, requests)); }
    int reserve() const { return m_budget.reserve(); }
    Clock *clock() const { return m_clock; }
    /// The budget as far as the answers told it.
    const RateLimit &rateLimit() const { return m_limit; }
    int inFlight() const { return m_inFlight; }
    /// The limit is known and not above the reserve: nothing could ever go (waiting requests were refused).
    bool reserveTooLarge() const { return !m_budget.reserveFits(m_limit); }

    using Go = std::function<void(const ApiError &refused)>;
    /// Calls `go` once one more request may be sent (from the event loop, or at once when nothing waits), with no
    /// error; the request then counts as on its way until release(). With an error (the reserve can never be kept),
    /// nothing was counted. Nothing is called once `context` is gone.
    void acquire(QObject *context, Go go);
    /// A request acquire() let go has ended: `seen` is its answer's headers (not known when none came).
    void release(const RateLimit &seen);
    /// GetBill answered 429: nothing goes before its retry_after, and not before the reset it announced.
    void rateLimited(const RateLimit &seen, std::optional<int> retryAfterSeconds);

signals:
    /// Requests are held until `until` (local time), once per wait: a run of waits with less than a minute between
    /// them (a sliding window that frees one request at a time) is one wait.
    void waiting(const QDateTime &until, getbill::RequestGate::Reason reason);

private:
    struct Waiter
    {
        QPointer<QObject> context;
        Go go;
    };
    void note(const RateLimit &seen);
    void pump();
    void holdUntil(qint64 untilMs, Reason reason);

    Clock *m_clock;
    RateBudget m_budget;
    RateLimit m_limit;
    qint64 m_seenAtMs = -1;
    int m_inFlight = 0;
    qint64 m_blockedUntilMs = -1;
    QList<Waiter> m_waiters;
    ClockTimer m_timer;
    bool m_pumping = false;
    bool m_pumpAgain = false;
    bool m_holding = false;
    qint64 m_lastHoldEndMs = -1;
};

} // namespace getbill
