#include "CliEnvironment.h"

namespace getbill::cli {

namespace {
std::optional<int> positiveNumber(const QProcessEnvironment &environment, const QString &name)
{
    bool ok = false;
    const int value = environment.value(name).toInt(&ok);
    if (!ok || value <= 0)
        return std::nullopt;
    return value;
}
} // namespace

CliEnvironment CliEnvironment::from(const QProcessEnvironment &environment)
{
    CliEnvironment e;
    e.apiUrl = environment.value(QStringLiteral("GETBILL_API_URL")).trimmed();
    e.tokenUrl = environment.value(QStringLiteral("GETBILL_TOKEN_URL")).trimmed();
    e.token = environment.value(QStringLiteral("GETBILL_TOKEN")).trimmed();
    e.caBundle = environment.value(QStringLiteral("GETBILL_CA_BUNDLE"));
    e.proxyUser = environment.value(QStringLiteral("GETBILL_PROXY_USER"));
    e.proxyPassword = environment.value(QStringLiteral("GETBILL_PROXY_PASSWORD"));
    e.testRetryBaseMs = positiveNumber(environment, QStringLiteral("GETBILL_TEST_RETRY_BASE_MS"));
    e.testTimeoutMs = positiveNumber(environment, QStringLiteral("GETBILL_TEST_TIMEOUT_MS"));
    e.testPollBaseMs = positiveNumber(environment, QStringLiteral("GETBILL_TEST_POLL_BASE_MS"));
    e.testClockFile = environment.value(QStringLiteral("GETBILL_TEST_CLOCK_FILE"));
    e.clientId = environment.value(QStringLiteral("GETBILL_CLIENT_ID")).trimmed();
    e.clientSecretFile = environment.value(QStringLiteral("GETBILL_CLIENT_SECRET_FILE"));
    e.credentialsDirectory = environment.value(QStringLiteral("CREDENTIALS_DIRECTORY"));
    return e;
}

} // namespace getbill::cli
