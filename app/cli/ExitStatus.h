#pragma once

#include "api/ApiError.h"

namespace getbill::cli {

/// The exit statuses of getbill-reports-cli, fixed by the contract in DESIGN.md: scripts branch on them.
enum class ExitStatus : int
{
    Ok = 0,
    Usage = 2,
    NotAuthenticated = 3,
    Refused = 4,
    Transient = 5,
    Integrity = 6,
    LocalFile = 7,
    Interrupted = 130, ///< 128 + SIGINT, what shells report for a run stopped by Ctrl+C
};

/// The status a failed run ends with; one-to-one with ApiError::Category.
ExitStatus exitStatusFor(const ApiError &error);

inline int toInt(ExitStatus status)
{
    return static_cast<int>(status);
}

/// The text a person reads on standard error for `error`: the API's own message (with validation details), plus a
/// hint of what to do for the cases where the message alone does not say it. Never holds a secret or a signed URL
/// (ApiError guarantees that of its message).
QString userMessage(const ApiError &error);

/// What to do when no credential at all is available.
QString notSignedInMessage();

} // namespace getbill::cli
