#pragma once

#include "api/RateLimit.h"

#include <QtGlobal>

namespace getbill {

/// How a client spends GetBill's request budget (1,000 reads an hour per client, X-RateLimit-* on every answer)
/// without running it dry: below a reserve, requests go one at a time, spread over what is left of the window, and
/// none goes while nothing is left. Pure arithmetic on the last known RateLimit and the time, so the policy is
/// tested with any clock.
class RateBudget
{
public:
    /// Requests kept for the user's other work.
    void setReserve(int requests) { m_reserve = requests; }
    int reserve() const { return m_reserve; }

    /// The budget is at or below the reserve: one request at a time.
    bool isLow(const RateLimit &limit) const;
    /// Milliseconds to hold back the next request (0 = go), given when the last one started (-1 = none yet) and now,
    /// both in ms since the epoch.
    qint64 holdMs(const RateLimit &limit, qint64 lastStartMs, qint64 nowMs) const;

private:
    int m_reserve = 20;
};

} // namespace getbill
