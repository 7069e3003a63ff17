#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <optional>

namespace getbill::cli {

/// The environment variables the CLI reads, read once in main() and handed down, so that nothing else looks at the
/// process environment and tests can pass their own.
struct CliEnvironment
{
    QString apiUrl;        ///< GETBILL_API_URL
    QString tokenUrl;      ///< GETBILL_TOKEN_URL
    QString token;         ///< GETBILL_TOKEN: a secret; never printed
    QString caBundle;      ///< GETBILL_CA_BUNDLE: path of a PEM file
    QString proxyUser;     ///< GETBILL_PROXY_USER: for a proxy that asks (when its address does not say)
    QString proxyPassword; ///< GETBILL_PROXY_PASSWORD: a secret; never printed

    /// Undocumented knobs for the end-to-end tests only (GETBILL_TEST_RETRY_BASE_MS, GETBILL_TEST_TIMEOUT_MS):
    /// the shipped defaults wait a second between retries and 30 s for a stalled transfer.
    std::optional<int> testRetryBaseMs;
    std::optional<int> testTimeoutMs;

    static CliEnvironment from(const QProcessEnvironment &environment);
};

} // namespace getbill::cli
