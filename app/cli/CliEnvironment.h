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
    /// An API client for unattended runs: GETBILL_CLIENT_ID with GETBILL_CLIENT_SECRET_FILE (a file of the user's,
    /// mode 0600), or systemd's CREDENTIALS_DIRECTORY (LoadCredential=getbill-client-id, getbill-client-secret).
    QString clientId;
    QString clientSecretFile;
    QString credentialsDirectory;

    /// Undocumented knobs for the end-to-end tests only (GETBILL_TEST_RETRY_BASE_MS, GETBILL_TEST_TIMEOUT_MS,
    /// GETBILL_TEST_POLL_BASE_MS, GETBILL_TEST_CLOCK_FILE): the shipped defaults wait a second between retries,
    /// 30 s for a stalled transfer and 10 s before polling a report being generated again; the clock file makes the
    /// long waits of sync (rate limit, polling) read their time from a file the test moves forward with the
    /// sandbox's clock.
    std::optional<int> testRetryBaseMs;
    std::optional<int> testTimeoutMs;
    std::optional<int> testPollBaseMs;
    QString testClockFile;

    static CliEnvironment from(const QProcessEnvironment &environment);
};

} // namespace getbill::cli
