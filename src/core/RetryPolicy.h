#pragma once

#include "api/ApiError.h"

#include <chrono>
#include <optional>

namespace getbill {

/// When and how long to wait before trying a failed step again: exponential backoff with jitter for transient
/// failures, the server's own delay for 429 (bounded), never for refusals, local problems or a user's cancel.
struct RetryPolicy
{
    int maxAttempts = 4; ///< including the first
    std::chrono::milliseconds baseDelay{1000};
    std::chrono::milliseconds maxDelay{30'000};
    /// A 429 asking to wait longer than this fails at once with the time to come back, instead of hanging.
    std::chrono::seconds maxServerWait{120};

    /// The delay before attempt `attempt + 1` after `error` (attempt counts from 1), or nullopt to give up.
    std::optional<std::chrono::milliseconds> delayAfter(const ApiError &error, int attempt) const;
};

} // namespace getbill
