#include "CliSession.h"

#include "ApiAddress.h"
#include "Console.h"
#include "DemoService.h"
#include "DownloadCommand.h"
#include "FileClock.h"
#include "ListCommand.h"
#include "ShowCommand.h"
#include "SyncCommand.h"
#include "api/ApiClient.h"
#include "api/UrlPolicy.h"
#include "auth/TokenProvider.h"
#include "diag/LogBuffer.h"
#include "net/ProxyAuthenticator.h"
#include "net/RequestLog.h"

#include <QCoreApplication>
#include <QDir>

namespace getbill::cli {

CliSession::CliSession(QNetworkAccessManager *network, Console *console, QIODevice *input, SecretStore *store,
                       DemoService *demo, CliOptions options, CliEnvironment environment, QObject *parent)
    : Job(parent), m_network(network), m_console(console), m_demo(demo), m_options(std::move(options)),
      m_environment(std::move(environment))
{
    m_auth.network = network;
    m_auth.console = console;
    m_auth.input = input;
    m_auth.store = store;
}

CliSession::~CliSession()
{
    // The command refers to the client, the client to the token: they go in that order.
    cancelChildren();
    m_api.reset();
    m_tokens.reset();
    m_testClock.reset();
    if (m_requestLog) {
        RequestLog::setEnabled(false);
        m_requestLog->uninstall();
    }
}

void CliSession::startRequestLog()
{
    // The request lines go through the console (plain text, never across a progress line) and are redacted twice:
    // where they are made and here, with the environment's own secrets as known secrets.
    m_requestLog = std::make_unique<LogBuffer>();
    m_requestLog->setKnownSecrets({m_environment.token, m_environment.proxyPassword});
    Console *console = m_console;
    m_requestLog->setEcho([console](const QString &category, const QString &line) {
        if (category != QLatin1String("getbill.http"))
            return false;
        console->message(line);
        return true;
    });
    m_requestLog->install();
    RequestLog::setEnabled(true);
}

void CliSession::finish(ExitStatus status)
{
    m_exit = status;
    if (status == ExitStatus::Ok)
        emitSuccess();
    else
        emitFailure(ApiError(ApiError::Kind::InvalidInput, tr("The command failed.")));
}

ExitStatus CliSession::configure()
{
    if (m_environment.testRetryBaseMs) {
        m_networkOptions.retry.baseDelay = std::chrono::milliseconds(*m_environment.testRetryBaseMs);
        m_networkOptions.retry.maxDelay = std::chrono::milliseconds(*m_environment.testRetryBaseMs * 4);
    }
    if (m_environment.testTimeoutMs)
        m_networkOptions.transferTimeoutMs = *m_environment.testTimeoutMs;
    if (!m_environment.caBundle.isEmpty()) {
        QString why;
        if (!m_networkOptions.addCaBundle(m_environment.caBundle, &why)) {
            m_console->error(tr("GETBILL_CA_BUNDLE: %1").arg(why));
            return ExitStatus::Usage;
        }
    }
    m_auth.options = m_networkOptions;
    m_auth.environmentToken = m_environment.token;
    m_auth.clientId = m_environment.clientId;
    m_auth.clientSecretFile = m_environment.clientSecretFile;
    m_auth.credentialsDirectory = m_environment.credentialsDirectory;
    m_auth.tokenUrl = m_environment.tokenUrl;
    // The account's key: the one API-address rule of the window and the CLI.
    m_auth.apiUrl = ApiAddress::choose(m_options.apiUrl, m_environment.apiUrl);
    return ExitStatus::Ok;
}

void CliSession::run()
{
    // Companies' proxies: the system's settings (https_proxy, no_proxy), credentials from the proxy's address or
    // GETBILL_PROXY_USER / GETBILL_PROXY_PASSWORD.
    ProxyAuthenticator::useSystemProxies();
    if (m_options.verbose)
        startRequestLog();
    m_proxy = std::make_unique<ProxyAuthenticator>(m_network);
    m_proxy->setCredentials(m_environment.proxyUser, m_environment.proxyPassword);
    if (const ExitStatus status = configure(); status != ExitStatus::Ok) {
        finish(status);
        return;
    }
    if (m_options.command == CliOptions::Command::Auth) {
        runCommand(new AuthCommand(m_auth, m_options.authArguments));
        return;
    }
    if (m_options.demo) {
        QString why;
        if (!m_demo || !m_demo->start(&why)) {
            m_console->error(tr("The demo server could not start: %1").arg(why));
            finish(ExitStatus::LocalFile);
            return;
        }
        m_baseUrl = m_demo->apiUrl();
        if (const ExitStatus status = openApi(std::make_unique<StaticToken>(m_demo->token()));
            status != ExitStatus::Ok) {
            finish(status);
            return;
        }
        // Its port changes from run to run: the download history knows the demo by name, so that a second
        // `--demo sync` finds what the first one fetched.
        m_api->setAccountKey(QStringLiteral("demo"));
        runCommand(createCommand().release());
        return;
    }
    m_baseUrl = m_auth.apiUrl;
    // The address is checked before the credential: a wrong --api-url is a usage error whether signed in or not.
    if (!ApiClient::isAllowedBaseUrl(m_baseUrl)) {
        const QString shown = m_baseUrl.isValid() ? UrlPolicy::redacted(m_baseUrl) : tr("(not a valid address)");
        m_console->error(tr("The API address %1 is not allowed: it must be an https:// address (plain http only for "
                            "localhost), without query or fragment.")
                             .arg(shown));
        finish(ExitStatus::Usage);
        return;
    }
    runChild(new CredentialLoad(m_auth), [this](CredentialLoad *loaded) {
        if (!loaded->succeeded()) {
            m_console->error(loaded->error().message());
            finish(ExitStatus::Usage);
            return;
        }
        std::unique_ptr<TokenProvider> tokens = loaded->takeTokens();
        if (!tokens) {
            m_console->error(notSignedInMessage());
            finish(ExitStatus::NotAuthenticated);
            return;
        }
        if (const ExitStatus status = openApi(std::move(tokens)); status != ExitStatus::Ok)
            finish(status);
        else
            runCommand(createCommand().release());
    });
}

ExitStatus CliSession::openApi(std::unique_ptr<TokenProvider> tokens)
{
    m_tokens = std::move(tokens);
    m_api = std::make_unique<ApiClient>(m_network, m_tokens.get());
    m_api->setOptions(m_networkOptions);
    return m_api->setBaseUrl(m_baseUrl) ? ExitStatus::Ok : ExitStatus::Usage;
}

std::unique_ptr<CliCommand> CliSession::createCommand()
{
    switch (m_options.command) {
    case CliOptions::Command::List:
        return std::make_unique<ListCommand>(m_api.get(), m_console, m_options.type, m_options.json);
    case CliOptions::Command::Show:
        return std::make_unique<ShowCommand>(m_api.get(), m_console, m_options.ids.value(0), m_options.json);
    case CliOptions::Command::Download: {
        DownloadCommand::Settings settings;
        settings.ids = m_options.ids;
        settings.jobs = m_options.jobs;
        settings.target =
            m_options.outputFile.isEmpty()
                ? DownloadTarget::folder(m_options.outputDir.isEmpty() ? QDir::currentPath() : m_options.outputDir,
                                         m_options.overwrite)
                : DownloadTarget::file(m_options.outputFile, m_options.overwrite);
        return std::make_unique<DownloadCommand>(m_api.get(), m_console, settings);
    }
    case CliOptions::Command::Sync: {
        SyncCommand::Settings settings;
        settings.jobs = m_options.jobs;
        SyncRule &rule = settings.rule;
        rule.folder = m_options.outputDir;
        rule.types = m_options.types;
        rule.since = m_options.since;
        rule.placement = m_options.placement;
        rule.dryRun = m_options.dryRun;
        rule.refetchMissing = m_options.refetchMissing;
        rule.waitPendingMs = m_options.waitPendingMs;
        rule.reserve = m_options.reserve;
        if (m_environment.testPollBaseMs) {
            rule.pollFirstDelayMs = *m_environment.testPollBaseMs;
            rule.pollMaxDelayMs = *m_environment.testPollBaseMs * 30;
        }
        if (!m_environment.testClockFile.isEmpty()) {
            m_testClock = std::make_unique<FileClock>(m_environment.testClockFile);
            settings.clock = m_testClock.get();
        }
        return std::make_unique<SyncCommand>(m_api.get(), m_console, settings);
    }
    case CliOptions::Command::None:
    case CliOptions::Command::Help:
    case CliOptions::Command::Version:
    case CliOptions::Command::Auth:
        break;
    }
    return nullptr;
}

void CliSession::runCommand(CliCommand *command)
{
    if (!command) {
        finish(ExitStatus::Usage);
        return;
    }
    m_command = command;
    runChild(command, [this](CliCommand *done) {
        m_command = nullptr;
        finish(done->exitStatus());
    });
}

void CliSession::interrupt(int signalNumber)
{
    if (isFinished())
        return;
    if (m_command) {
        m_command->interrupt(signalNumber); // prints why, and ends with Cancelled: the handler above finishes
        return;
    }
    m_exit = ExitStatus::Interrupted;
    cancel();
}

} // namespace getbill::cli
