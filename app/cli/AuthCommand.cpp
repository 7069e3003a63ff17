#include "AuthCommand.h"

#include "Console.h"
#include "ExitStatus.h"
#include "api/ApiClient.h"
#include "api/UrlPolicy.h"
#include "auth/Account.h"
#include "auth/CredentialCheck.h"
#include "auth/KeychainSecretStore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QIODevice>
#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

namespace getbill::cli {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("getbill::cli::AuthCommand", text);
}

/// An account over the system keychain that owns its store.
std::unique_ptr<Account> openAccount(const AuthContext &context)
{
    auto *store = new KeychainSecretStore();
    auto account = std::make_unique<Account>(store, context.network);
    store->setParent(account.get());
    account->setApiUrl(context.apiUrl);
    account->setTokenUrl(context.tokenUrl);
    account->setOptions(context.options);
    return account;
}

/// Runs the event loop until `call` has called its done(); the CLI's auth commands run before main()'s exec().
template <typename Start>
void waitFor(Start start)
{
    QEventLoop loop;
    bool done = false;
    start([&] {
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
}

SecretStore::Result loadAccount(Account &account)
{
    SecretStore::Result result;
    waitFor([&](auto done) {
        account.load(&account, [&, done](const SecretStore::Result &r) {
            result = r;
            done();
        });
    });
    return result;
}

/// Reads one secret from standard input: the first line, without its line break. On a terminal the characters
/// are not echoed, so the secret does not stay on the screen.
QString readSecret(AuthContext &context, const QString &prompt)
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

bool apiUrlAllowed(AuthContext &context)
{
    if (ApiClient::isAllowedBaseUrl(context.apiUrl))
        return true;
    context.console->error(tr("The API address %1 is not allowed: it must be an https:// address (plain http only "
                              "for localhost), without query or fragment.")
                               .arg(context.apiUrl.isValid() ? UrlPolicy::redacted(context.apiUrl) : QString()));
    return false;
}

/// Tests `credential` against the API, then saves it. The shared path of set-token and set-client.
int checkAndSave(AuthContext &context, const Credential &credential)
{
    if (!credential.isValid()) {
        context.console->error(tr("Nothing was read from standard input. Pipe the secret in, for example: "
                                  "printf '%s' \"$SECRET\" | getbill-reports-cli auth ..."));
        return toInt(ExitStatus::Usage);
    }
    CredentialCheck check(context.network, context.options, context.apiUrl, context.tokenUrl, credential);
    waitFor([&](auto done) {
        QObject::connect(&check, &Job::finished, &check, done);
        check.start();
    });
    if (!check.succeeded()) {
        context.console->error(
            tr("GetBill did not accept the credential, so it was not saved: %1").arg(check.error().detailedMessage()));
        return toInt(exitStatusFor(check.error()));
    }

    const std::unique_ptr<Account> account = openAccount(context);
    account->signIn(credential);
    SecretStore::Result saved;
    waitFor([&](auto done) {
        account->save(account.get(), [&, done](const SecretStore::Result &r) {
            saved = r;
            done();
        });
    });
    if (!saved.isOk()) {
        context.console->error(tr("The credential works, but it could not be saved in the keychain: %1 For scripts "
                                  "and CI, set GETBILL_TOKEN to an access token instead.")
                                   .arg(saved.message));
        return toInt(ExitStatus::LocalFile);
    }
    context.console->message(
        tr("Signed in to %1 with %2; saved in the system keychain.")
            .arg(UrlPolicy::redacted(context.apiUrl), credential.kind == Credential::Kind::ApiClient
                                                          ? tr("the API client %1").arg(credential.clientId)
                                                          : tr("an access token")));
    return toInt(ExitStatus::Ok);
}

int status(AuthContext &context)
{
    const std::unique_ptr<Account> account = openAccount(context);
    const SecretStore::Result loaded = loadAccount(*account);
    Console &out = *context.console;
    out.printLine(tr("API URL: %1").arg(UrlPolicy::redacted(context.apiUrl)));
    if (account->isSignedIn()) {
        out.printLine(account->kind() == Credential::Kind::ApiClient
                          ? tr("Credential: API client (client id %1), token URL %2")
                                .arg(account->clientId(), UrlPolicy::redacted(account->tokenUrl()))
                          : tr("Credential: access token"));
    } else {
        out.printLine(tr("Credential: none saved"));
    }
    out.printLine(context.environmentToken.isEmpty() ? tr("GETBILL_TOKEN: not set")
                                                     : tr("GETBILL_TOKEN: set (overrides the keychain)"));
    out.printLine(loaded.isUnavailable() ? tr("Keychain: unavailable. %1").arg(loaded.message)
                                         : tr("Keychain: available"));
    if (!context.environmentToken.isEmpty() || account->isSignedIn())
        return toInt(ExitStatus::Ok);
    return toInt(loaded.isUnavailable() ? ExitStatus::LocalFile : ExitStatus::NotAuthenticated);
}

int clear(AuthContext &context)
{
    const std::unique_ptr<Account> account = openAccount(context);
    SecretStore::Result removed;
    waitFor([&](auto done) {
        account->signOut(account.get(), [&, done](const SecretStore::Result &r) {
            removed = r;
            done();
        });
    });
    if (!removed.isOk()) {
        context.console->error(tr("The saved credential could not be removed: %1").arg(removed.message));
        return toInt(ExitStatus::LocalFile);
    }
    context.console->message(
        tr("Signed out of %1: no credential is saved for it any more.").arg(UrlPolicy::redacted(context.apiUrl)));
    if (!context.environmentToken.isEmpty())
        context.console->message(tr("GETBILL_TOKEN is still set and is used by the next commands."));
    return toInt(ExitStatus::Ok);
}

QString authUsage()
{
    return tr("Usage: getbill-reports-cli auth set-token | set-client --client-id ID | status | clear");
}
} // namespace

int runAuthCommand(const QStringList &arguments, AuthContext &context)
{
    const QString sub = arguments.value(0);
    const QStringList rest = arguments.mid(1);
    if (sub.isEmpty()) {
        context.console->error(authUsage());
        return toInt(ExitStatus::Usage);
    }
    if (sub == QLatin1String("status") && rest.isEmpty())
        return status(context);
    if (sub == QLatin1String("clear") && rest.isEmpty())
        return clear(context);
    if ((sub == QLatin1String("set-token") || sub == QLatin1String("set-client")) && !apiUrlAllowed(context))
        return toInt(ExitStatus::Usage);
    if (sub == QLatin1String("set-token") && rest.isEmpty())
        return checkAndSave(context, Credential::token(readSecret(context, tr("Access token (not shown):"))));
    if (sub == QLatin1String("set-client")) {
        QString clientId;
        if (rest.size() == 2 && rest.at(0) == QLatin1String("--client-id"))
            clientId = rest.at(1);
        else if (rest.size() == 1 && rest.at(0).startsWith(QLatin1String("--client-id=")))
            clientId = rest.at(0).mid(12);
        if (clientId.trimmed().isEmpty()) {
            context.console->error(tr("auth set-client needs --client-id ID (the secret is read from standard input, "
                                      "never from the command line)."));
            return toInt(ExitStatus::Usage);
        }
        return checkAndSave(
            context, Credential::client(clientId.trimmed(), readSecret(context, tr("Client secret (not shown):"))));
    }
    context.console->error(authUsage());
    return toInt(ExitStatus::Usage);
}

std::unique_ptr<TokenProvider> resolveTokenProvider(AuthContext &context)
{
    if (!context.environmentToken.isEmpty())
        return std::make_unique<StaticToken>(context.environmentToken);
    std::unique_ptr<Account> account = openAccount(context);
    const SecretStore::Result loaded = loadAccount(*account);
    if (loaded.isUnavailable())
        context.console->error(tr("Cannot read the saved GetBill credential: %1").arg(loaded.message));
    if (!account->isSignedIn())
        return nullptr;
    return account;
}

} // namespace getbill::cli
