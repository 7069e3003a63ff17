#pragma once

#include "api/RateLimit.h"

#include <QtGlobal>

namespace getbill {

/// How a client spends GetBill's request budget (1,000 reads an hour per client, X-RateLimit-* on every answer)
/// without running it dry. Two policies, both pure arithmetic on the last known RateLimit and the time, so they are
/// tested with any clock:
/// - spreading (the window's downloads): below a reserve, requests go one at a time, spread over what is left of the
///   window, and none goes while nothing is left (isLow(), holdMs());
/// - keeping the reserve (unattended work: sync): no request goes while X-RateLimit-Remaining, less the requests
///   still on their way, is at or below the reserve; they wait until the window frees up (reserveHoldMs()).
class RateBudget
{
public:
    /// reserveHoldMs(): hold until a request on its way answers (it tells the budget).
    static constexpr qint64 untilAnswer = -1;
    /// How long a limit without X-RateLimit-Reset (and without a window) is trusted.
    static constexpr qint64 defaultFreshMs = 60 * 1000;

    /// Requests kept for the user's other work.
    void setReserve(int requests) { m_reserve = requests; }
    int reserve() const { return m_reserve; }

    /// The budget is at or below the reserve: one request at a time.
    bool isLow(const RateLimit &limit) const;
    /// Milliseconds to hold back the next request (0 = go), given when the last one started (-1 = none yet) and now,
    /// both in ms since the epoch.
    qint64 holdMs(const RateLimit &limit, qint64 lastStartMs, qint64 nowMs) const;

    /// Keeping the reserve: milliseconds to hold the next request (0 = send it), given the limit seen at `seenAtMs`
    /// (-1 = none seen), the requests sent whose answers have not come yet, and now (ms since the epoch). While
    /// `Remaining - inFlight` is above the reserve, go. At or below it, hold until the reset. A limit that is not
    /// known, or stale (its reset has passed), lets one request go at a time to learn it: untilAnswer for the others.
    qint64 reserveHoldMs(const RateLimit &limit, qint64 seenAtMs, int inFlight, qint64 nowMs) const;
    /// Whether the reserve can ever be kept: false when the limit is known and not above it (every request would
    /// wait for ever).
    bool reserveFits(const RateLimit &limit) const { return limit.limit < 0 || limit.limit > m_reserve; }
    /// When `limit` (seen at `seenAtMs`) stops telling the truth: its reset, else a window after it was seen.
    static qint64 freshUntilMs(const RateLimit &limit, qint64 seenAtMs);
    /// The limit to trust after `seen` arrives on top of `known`: answers can arrive out of order, and an older one
    /// shows more requests remaining than are. A later reset is a newer window; within one window the lower
    /// Remaining wins.
    static RateLimit newer(const RateLimit &known, const RateLimit &seen);

private:
    int m_reserve = 20;
};

} // namespace getbill
