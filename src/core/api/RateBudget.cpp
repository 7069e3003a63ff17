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

} // namespace getbill
