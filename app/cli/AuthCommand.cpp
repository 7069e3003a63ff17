#include "AuthCommand.h"

#include "ApiAddress.h"
#include "Console.h"
#include "api/ApiClient.h"
#include "api/UrlPolicy.h"
#include "auth/Account.h"
#include "auth/CredentialCheck.h"
#include "auth/SecretFile.h"
#include "auth/TokenProvider.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QIODevice>
#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

namespace getbill::cli {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::cli::AuthCommand)
};

/// Reads one secret from standard input: the first line, without its line break. On a terminal the characters
/// are not echoed, so the secret does not stay on the screen. (A blocking read of stdin, not an event loop.)
QString readSecret(const AuthContext &context, const QString &prompt)
{
#ifdef Q_OS_UNIX
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
        context.console->message(prompt);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
#else
    Q_UNUSED(prompt)
#endif
    QByteArray line = context.input ? context.input->readLine(64 * 1024) : QByteArray();
#ifdef Q_OS_UNIX
    if (terminal)
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
#endif
    const QString secret = QString::fromUtf8(line).trimmed();
    line.fill('\0');
    return secret;
}

QString usageText()
{
    return Text::tr("Usage: getbill-reports-cli auth set-token | set-client --client-id ID | status | clear");
}
} // namespace

std::unique_ptr<Account> openAccount(const AuthContext &context)
{
    auto account = std::make_unique<Account>(context.store, context.network);
    account->setApiUrl(context.apiUrl);
    if (!context.tokenUrl.isEmpty())
        account->setTokenUrl(ApiAddress::tokenUrl(context.apiUrl, context.tokenUrl));
    account->setOptions(context.options);
    return account;
}

AuthCommand::AuthCommand(AuthContext context, QStringList arguments, QObject *parent)
    : CliCommand(nullptr, context.console, parent), m_context(std::move(context)), m_arguments(std::move(arguments))
{}

AuthCommand::~AuthCommand()
{
    cancelChildren(); // they refer to the account
}

void AuthCommand::finish(ExitStatus status, const QString &error)
{
    m_exit = status;
    if (!error.isEmpty())
        console()->error(error);
    if (status == ExitStatus::Ok)
        emitSuccess();
    else
        emitFailure(ApiError(ApiError::Kind::InvalidInput, error));
}

void AuthCommand::run()
{
    const QString sub = m_arguments.value(0);
    const QStringList rest = m_arguments.mid(1);
    m_account = openAccount(m_context);
    if (sub == QLatin1String("status") && rest.isEmpty()) {
        status();
        return;
    }
    if (sub == QLatin1String("clear") && rest.isEmpty()) {
        clear();
        return;
    }
    const bool setting = sub == QLatin1String("set-token") || sub == QLatin1String("set-client");
    if (setting && !ApiClient::isAllowedBaseUrl(m_context.apiUrl)) {
        finish(ExitStatus::Usage,
               Text::tr("The API address %1 is not allowed: it must be an https:// address (plain http only for "
                        "localhost), without query or fragment.")
                   .arg(m_context.apiUrl.isValid() ? UrlPolicy::redacted(m_context.apiUrl) : QString()));
        return;
    }
    if (sub == QLatin1String("set-token") && rest.isEmpty()) {
        checkAndSave(Credential::token(readSecret(m_context, Text::tr("Access token (not shown):"))));
        return;
    }
    if (sub == QLatin1String("set-client")) {
        QString clientId;
        if (rest.size() == 2 && rest.at(0) == QLatin1String("--client-id"))
            clientId = rest.at(1);
        else if (rest.size() == 1 && rest.at(0).startsWith(QLatin1String("--client-id=")))
            clientId = rest.at(0).mid(12);
        if (clientId.trimmed().isEmpty()) {
            finish(ExitStatus::Usage, Text::tr("auth set-client needs --client-id ID (the secret is read from standard "
                                               "input, never from the command line)."));
            return;
        }
        checkAndSave(
            Credential::client(clientId.trimmed(), readSecret(m_context, Text::tr("Client secret (not shown):"))));
        return;
    }
    finish(ExitStatus::Usage, usageText());
}

void AuthCommand::checkAndSave(const Credential &credential)
{
    if (!credential.isValid()) {
        finish(ExitStatus::Usage, Text::tr("Nothing was read from standard input. Pipe the secret in, for example: "
                                           "printf '%s' \"$SECRET\" | getbill-reports-cli auth ..."));
        return;
    }
    // Secrets go to the token endpoint of the API's own origin unless GETBILL_TOKEN_URL says otherwise.
    auto *check =
        new CredentialCheck(m_context.network, m_context.options, m_context.apiUrl, m_account->tokenUrl(), credential);
    runChild(check, [this, credential](CredentialCheck *done) {
        if (!done->succeeded()) {
            finish(exitStatusFor(done->error()),
                   Text::tr("GetBill did not accept the credential, so it was not saved: %1")
                       .arg(done->error().detailedMessage()));
            return;
        }
        m_account->signIn(credential);
        runChild(m_account->save(), [this, credential](SecretJob *saved) {
            if (!saved->result().isOk()) {
                finish(ExitStatus::LocalFile,
                       Text::tr("The credential works, but it could not be saved in the keychain: "
                                "%1 For scripts and CI, set GETBILL_TOKEN to an access token "
                                "instead.")
                           .arg(saved->result().message));
                return;
            }
            console()->message(Text::tr("Signed in to %1 with %2; saved in the system keychain.")
                                   .arg(UrlPolicy::redacted(m_context.apiUrl),
                                        credential.kind == Credential::Kind::ApiClient
                                            ? Text::tr("the API client %1").arg(credential.clientId)
                                            : Text::tr("an access token")));
            finish(ExitStatus::Ok);
        });
    });
}

void AuthCommand::status()
{
    runChild(m_account->load(), [this](SecretJob *loaded) {
        const SecretStore::Result &result = loaded->result();
        Console &out = *console();
        out.printLine(Text::tr("API URL: %1").arg(UrlPolicy::redacted(m_context.apiUrl)));
        if (m_account->isSignedIn())
            out.printLine(m_account->kind() == Credential::Kind::ApiClient
                              ? Text::tr("Credential: API client (client id %1), token URL %2")
                                    .arg(m_account->clientId(), UrlPolicy::redacted(m_account->tokenUrl()))
                              : Text::tr("Credential: access token"));
        else
            out.printLine(Text::tr("Credential: none saved"));
        out.printLine(m_context.environmentToken.isEmpty() ? Text::tr("GETBILL_TOKEN: not set")
                                                           : Text::tr("GETBILL_TOKEN: set (overrides the keychain)"));
        out.printLine(result.isUnavailable() ? Text::tr("Keychain: unavailable. %1").arg(result.message)
                                             : Text::tr("Keychain: available"));
        if (!m_context.environmentToken.isEmpty() || m_account->isSignedIn())
            finish(ExitStatus::Ok);
        else
            finish(result.isUnavailable() ? ExitStatus::LocalFile : ExitStatus::NotAuthenticated);
    });
}

void AuthCommand::clear()
{
    runChild(m_account->signOut(), [this](SecretJob *removed) {
        if (!removed->result().isOk()) {
            finish(ExitStatus::LocalFile,
                   Text::tr("The saved credential could not be removed: %1").arg(removed->result().message));
            return;
        }
        console()->message(Text::tr("Signed out of %1: no credential is saved for it any more.")
                               .arg(UrlPolicy::redacted(m_context.apiUrl)));
        if (!m_context.environmentToken.isEmpty())
            console()->message(Text::tr("GETBILL_TOKEN is still set and is used by the next commands."));
        finish(ExitStatus::Ok);
    });
}

CredentialLoad::CredentialLoad(AuthContext context, QObject *parent) : Job(parent), m_context(std::move(context))
{}

CredentialLoad::~CredentialLoad()
{
    cancelChildren(); // they refer to the account
}

std::unique_ptr<TokenProvider> CredentialLoad::takeTokens()
{
    return std::move(m_tokens);
}

void CredentialLoad::useClient(const QString &clientId, const QString &secret)
{
    // Secrets go to the token endpoint of the API's own origin unless GETBILL_TOKEN_URL says otherwise.
    m_tokens = Account::makeProvider(Credential::client(clientId, secret), m_context.network,
                                     ApiAddress::tokenUrl(m_context.apiUrl, m_context.tokenUrl), m_context.options);
    emitSuccess();
}

bool CredentialLoad::loadClientFromEnvironment()
{
    const auto refuse = [this](const QString &why) {
        emitFailure(ApiError(ApiError::Kind::InvalidInput, why));
        return true;
    };
    QString why;
    if (!m_context.clientId.isEmpty() || !m_context.clientSecretFile.isEmpty()) {
        if (m_context.clientId.isEmpty())
            return refuse(Text::tr("GETBILL_CLIENT_SECRET_FILE is set but GETBILL_CLIENT_ID is not: set both."));
        if (m_context.clientSecretFile.isEmpty())
            return refuse(
                Text::tr("GETBILL_CLIENT_ID is set but GETBILL_CLIENT_SECRET_FILE is not: put the client secret "
                         "in a file only you can read (chmod 600) and point GETBILL_CLIENT_SECRET_FILE at it."));
        const std::optional<QString> secret =
            SecretFile::read(m_context.clientSecretFile, SecretFile::Rule::Secret, &why);
        if (!secret)
            return refuse(Text::tr("GETBILL_CLIENT_SECRET_FILE: %1").arg(why));
        useClient(m_context.clientId, *secret);
        return true;
    }
    if (m_context.credentialsDirectory.isEmpty())
        return false;
    const QDir folder(m_context.credentialsDirectory);
    const QFileInfo idFile(folder.filePath(clientIdFileName()));
    // Another service's credentials only: not ours to use, and the keychain still applies.
    if (!idFile.exists() && !idFile.isSymLink())
        return false;
    const std::optional<QString> clientId = SecretFile::read(idFile.filePath(), SecretFile::Rule::Systemd, &why);
    if (!clientId)
        return refuse(Text::tr("CREDENTIALS_DIRECTORY: %1").arg(why));
    const std::optional<QString> secret =
        SecretFile::read(folder.filePath(clientSecretFileName()), SecretFile::Rule::Systemd, &why);
    if (!secret)
        return refuse(Text::tr("CREDENTIALS_DIRECTORY has %1 but no usable %2: %3")
                          .arg(clientIdFileName(), clientSecretFileName(), why));
    useClient(*clientId, *secret);
    return true;
}

void CredentialLoad::run()
{
    if (!m_context.environmentToken.isEmpty()) {
        m_tokens = std::make_unique<StaticToken>(m_context.environmentToken);
        emitSuccess();
        return;
    }
    if (loadClientFromEnvironment())
        return;
    m_account = openAccount(m_context);
    runChild(m_account->load(), [this](SecretJob *loaded) {
        if (loaded->result().isUnavailable())
            m_context.console->error(
                Text::tr("Cannot read the saved GetBill credential: %1").arg(loaded->result().message));
        if (m_account->isSignedIn())
            m_tokens = std::move(m_account);
        emitSuccess();
    });
}

} // namespace getbill::cli
