#include "api/RateBudget.h"

#include <algorithm>

namespace getbill {

bool RateBudget::isLow(const RateLimit &limit) const
{
    return limit.remaining >= 0 && limit.remaining <= m_reserve;
}

qint64 RateBudget::holdMs(const RateLimit &limit, qint64 lastStartMs, qint64 nowMs) const
{
    if (!isLow(limit))
        return 0;
    const qint64 untilReset = limit.resetEpoch >= 0 ? std::max<qint64>(0, limit.resetEpoch * 1000 - nowMs) : 0;
    if (limit.remaining == 0)
        return std::min<qint64>(untilReset, 3600 * 1000);
    // Spread what is left of the window's budget over the rest of the window.
    const qint64 spacing = std::min<qint64>(untilReset / (limit.remaining + 1), 60 * 1000);
    if (lastStartMs < 0)
        return 0;
    return std::max<qint64>(0, spacing - (nowMs - lastStartMs));
}

qint64 RateBudget::freshUntilMs(const RateLimit &limit, qint64 seenAtMs)
{
    if (limit.resetEpoch >= 0)
        return limit.resetEpoch * 1000;
    return seenAtMs + (limit.windowSeconds > 0 ? qint64(limit.windowSeconds) * 1000 : defaultFreshMs);
}

qint64 RateBudget::reserveHoldMs(const RateLimit &limit, qint64 seenAtMs, int inFlight, qint64 nowMs) const
{
    const bool known = limit.remaining >= 0 && seenAtMs >= 0 && nowMs < freshUntilMs(limit, seenAtMs);
    if (!known)
        return inFlight > 0 ? untilAnswer : 0;
    if (qint64(limit.remaining) - inFlight > m_reserve)
        return 0;
    return std::max<qint64>(1, freshUntilMs(limit, seenAtMs) - nowMs);
}

RateLimit RateBudget::newer(const RateLimit &known, const RateLimit &seen)
{
    if (seen.remaining < 0)
        return known;
    if (known.remaining < 0 || seen.resetEpoch > known.resetEpoch)
        return seen;
    if (seen.resetEpoch == known.resetEpoch && seen.remaining < known.remaining)
        return seen;
    return known;
}

} // namespace getbill
