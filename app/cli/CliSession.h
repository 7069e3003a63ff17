#pragma once

#include "AuthCommand.h"
#include "CliCommand.h"
#include "ExitStatus.h"

#include <memory>

class QIODevice;
class QNetworkAccessManager;

namespace getbill {
class ApiClient;
class TokenProvider;
namespace sandbox {
class SandboxServer;
}
} // namespace getbill

namespace getbill::cli {

class Console;
struct CliEnvironment;
struct CliOptions;

/// The objects one run of the CLI talks through, built from the options and the environment in the order the
/// contract checks them: network settings (CA bundle), then the API address (--demo sandbox, --api-url,
/// GETBILL_API_URL), then the credential. Each step prints its own message and says how the run must end.
class CliSession
{
public:
    /// Nothing is owned but what the session builds; `input` is standard input (secrets for `auth`).
    CliSession(QNetworkAccessManager *network, Console *console, QIODevice *input);
    ~CliSession();

    /// Timeouts, retries and extra CAs. ExitStatus::Usage when GETBILL_CA_BUNDLE is unusable.
    ExitStatus configure(const CliEnvironment &environment);
    /// For `auth ...` and the token resolution; valid after configure().
    AuthContext &authContext() { return m_auth; }

    /// The API client of a list/show/download run. Usage for a refused API URL, NotAuthenticated without a
    /// credential.
    ExitStatus openApi(const CliOptions &options, const CliEnvironment &environment);
    ApiClient *api() const { return m_api.get(); }

    /// The command `options` asks for (list, show or download), ready to start; null for other commands.
    std::unique_ptr<CliCommand> createCommand(const CliOptions &options);

private:
    QNetworkAccessManager *m_network;
    Console *m_console;
    NetworkOptions m_options;
    AuthContext m_auth;
    std::unique_ptr<sandbox::SandboxServer> m_sandbox;
    std::unique_ptr<TokenProvider> m_tokens;
    std::unique_ptr<ApiClient> m_api;
};

} // namespace getbill::cli
