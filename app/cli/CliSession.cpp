#include "CliSession.h"

#include "CliEnvironment.h"
#include "CliOptions.h"
#include "Console.h"
#include "DownloadCommand.h"
#include "ListCommand.h"
#include "ShowCommand.h"
#include "api/ApiClient.h"
#include "api/UrlPolicy.h"
#include "auth/TokenProvider.h"
#include "sandbox/SandboxServer.h"

#include <QCoreApplication>
#include <QDir>

namespace getbill::cli {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("getbill::cli::CliSession", text);
}

QUrl defaultTokenUrl()
{
    return QUrl(QStringLiteral("https://getbill.io/token"));
}
} // namespace

CliSession::CliSession(QNetworkAccessManager *network, Console *console, QIODevice *input)
    : m_network(network), m_console(console)
{
    m_auth.network = network;
    m_auth.console = console;
    m_auth.input = input;
}

CliSession::~CliSession()
{
    // The client goes before the token it points to, and both before the sandbox they talk to.
    m_api.reset();
    m_tokens.reset();
    m_sandbox.reset();
}

ExitStatus CliSession::configure(const CliEnvironment &environment)
{
    if (environment.testRetryBaseMs) {
        m_options.retry.baseDelay = std::chrono::milliseconds(*environment.testRetryBaseMs);
        m_options.retry.maxDelay = std::chrono::milliseconds(*environment.testRetryBaseMs * 4);
    }
    if (environment.testTimeoutMs)
        m_options.transferTimeoutMs = *environment.testTimeoutMs;
    if (!environment.caBundle.isEmpty()) {
        QString why;
        if (!m_options.addCaBundle(environment.caBundle, &why)) {
            m_console->error(tr("GETBILL_CA_BUNDLE: %1").arg(why));
            return ExitStatus::Usage;
        }
    }
    m_auth.options = m_options;
    m_auth.environmentToken = environment.token;
    m_auth.tokenUrl = environment.tokenUrl.isEmpty() ? defaultTokenUrl() : QUrl(environment.tokenUrl);
    return ExitStatus::Ok;
}

ExitStatus CliSession::openApi(const CliOptions &options, const CliEnvironment &environment)
{
    QUrl baseUrl;
    if (options.demo) {
        m_sandbox = std::make_unique<sandbox::SandboxServer>();
        if (!m_sandbox->start()) {
            m_console->error(tr("The demo server could not start: %1").arg(m_sandbox->errorString()));
            return ExitStatus::LocalFile;
        }
        baseUrl = m_sandbox->apiUrl();
        m_tokens = std::make_unique<StaticToken>(sandbox::SandboxServer::demoToken());
    } else {
        const QString text = !options.apiUrl.isEmpty()       ? options.apiUrl
                             : !environment.apiUrl.isEmpty() ? environment.apiUrl
                                                             : ApiClient::defaultBaseUrl().toString();
        baseUrl = QUrl(text, QUrl::StrictMode);
    }

    // The address is checked before the credential: a wrong --api-url is a usage error whether signed in or not.
    // ApiClient owns the rule (https, or http on loopback; no query), so a probe asks it.
    if (!ApiClient::isAllowedBaseUrl(baseUrl)) {
        const QString shown = baseUrl.isValid() ? UrlPolicy::redacted(baseUrl) : tr("(not a valid address)");
        m_console->error(tr("The API address %1 is not allowed: it must be an https:// address (plain http only for "
                            "localhost), without query or fragment.")
                             .arg(shown));
        return ExitStatus::Usage;
    }
    m_auth.apiUrl = baseUrl; // the keychain keeps one account per API URL
    if (!m_tokens)
        m_tokens = resolveTokenProvider(m_auth);
    if (!m_tokens) {
        m_console->error(notSignedInMessage());
        return ExitStatus::NotAuthenticated;
    }
    m_api = std::make_unique<ApiClient>(m_network, m_tokens.get());
    m_api->setBaseUrl(baseUrl);
    m_api->setOptions(m_options);
    return ExitStatus::Ok;
}

std::unique_ptr<CliCommand> CliSession::createCommand(const CliOptions &options)
{
    switch (options.command) {
    case CliOptions::Command::List:
        return std::make_unique<ListCommand>(m_api.get(), m_console, options.type, options.json);
    case CliOptions::Command::Show:
        return std::make_unique<ShowCommand>(m_api.get(), m_console, options.ids.value(0), options.json);
    case CliOptions::Command::Download: {
        DownloadCommand::Settings settings;
        settings.ids = options.ids;
        settings.jobs = options.jobs;
        settings.target =
            options.outputFile.isEmpty()
                ? DownloadTarget::folder(options.outputDir.isEmpty() ? QDir::currentPath() : options.outputDir,
                                         options.overwrite)
                : DownloadTarget::file(options.outputFile, options.overwrite);
        return std::make_unique<DownloadCommand>(m_api.get(), m_console, settings);
    }
    case CliOptions::Command::None:
    case CliOptions::Command::Help:
    case CliOptions::Command::Version:
    case CliOptions::Command::Auth:
        break;
    }
    return nullptr;
}

} // namespace getbill::cli
