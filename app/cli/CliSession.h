#pragma once

#include "AuthCommand.h"
#include "CliCommand.h"
#include "CliEnvironment.h"
#include "CliOptions.h"
#include "ExitStatus.h"

#include <memory>

class QIODevice;
class QNetworkAccessManager;

namespace getbill {
class ApiClient;
class Clock;
class LogBuffer;
class DemoService;
class ProxyAuthenticator;
class SecretStore;
class TokenProvider;
} // namespace getbill

namespace getbill::cli {

class Console;

/// One run of the CLI, from parsed options to an exit status, as a job: network settings (CA bundle), then the API
/// address (--demo, --api-url, GETBILL_API_URL), then the credential (GETBILL_TOKEN, an API client from
/// GETBILL_CLIENT_ID + GETBILL_CLIENT_SECRET_FILE or systemd's CREDENTIALS_DIRECTORY, or the keychain, read without
/// blocking), then the command (list, show, download, sync, auth). Each step prints its own message and says how the
/// run ends; main() only waits for finished() and returns exitStatus().
class CliSession : public Job
{
    Q_OBJECT
public:
    /// Nothing is owned: `input` is standard input (secrets for `auth`), `store` the keychain, `demo` the embedded
    /// GetBill look-alike for --demo (may be null: --demo then fails cleanly).
    CliSession(QNetworkAccessManager *network, Console *console, QIODevice *input, SecretStore *store,
               DemoService *demo, CliOptions options, CliEnvironment environment, QObject *parent = nullptr);
    ~CliSession() override;

    ExitStatus exitStatus() const { return m_exit; }
    ApiClient *api() const { return m_api.get(); }

public slots:
    /// SIGINT or SIGTERM: the running command stops (its downloads remove their partial files).
    void interrupt(int signalNumber);

protected:
    void run() override;

private:
    ExitStatus configure();
    void startRequestLog();
    ExitStatus openApi(std::unique_ptr<TokenProvider> tokens);
    std::unique_ptr<CliCommand> createCommand();
    void runCommand(CliCommand *command);
    void finish(ExitStatus status);

    QNetworkAccessManager *m_network;
    Console *m_console;
    DemoService *m_demo;
    CliOptions m_options;
    CliEnvironment m_environment;
    NetworkOptions m_networkOptions;
    AuthContext m_auth;
    QUrl m_baseUrl;
    std::unique_ptr<ProxyAuthenticator> m_proxy;
    std::unique_ptr<TokenProvider> m_tokens;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<Clock> m_testClock;      ///< GETBILL_TEST_CLOCK_FILE
    std::unique_ptr<LogBuffer> m_requestLog; ///< --verbose: prints getbill.http lines through the console
    CliCommand *m_command = nullptr;
    ExitStatus m_exit = ExitStatus::Ok;
};

} // namespace getbill::cli
