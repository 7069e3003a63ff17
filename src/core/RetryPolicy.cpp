#include "RetryPolicy.h"

#include <QRandomGenerator>

namespace getbill {

std::optional<std::chrono::milliseconds> RetryPolicy::delayAfter(const ApiError &error, int attempt) const
{
    using namespace std::chrono;
    if (!error.isRetryable() || attempt >= maxAttempts)
        return std::nullopt;
    if (const std::optional<int> serverWait = error.retryAfterSeconds()) {
        if (seconds(*serverWait) > maxServerWait)
            return std::nullopt;
        return std::max<milliseconds>(seconds(*serverWait), milliseconds(50));
    }
    // Full jitter (AWS architecture blog): spreads clients that failed together.
    const qint64 cap = std::min<qint64>(maxDelay.count(), baseDelay.count() << std::min(attempt - 1, 16));
    const qint64 low = cap / 2;
    return milliseconds(low + QRandomGenerator::global()->bounded(cap - low + 1));
}

} // namespace getbill
