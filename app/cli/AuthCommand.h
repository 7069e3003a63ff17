#pragma once

#include "CliCommand.h"
#include "ExitStatus.h"
#include "api/NetworkOptions.h"
#include "auth/SecretStore.h"

#include <QStringList>
#include <QUrl>
#include <memory>

class QIODevice;
class QNetworkAccessManager;

namespace getbill {
class Account;
class Credential;
class TokenProvider;
} // namespace getbill

namespace getbill::cli {

/// What `auth ...` and the credential of a run need: handed in by the CliSession.
struct AuthContext
{
    QNetworkAccessManager *network = nullptr;
    NetworkOptions options;
    QUrl apiUrl;                  ///< --api-url, GETBILL_API_URL or the default: the account's key in the keychain
    QString tokenUrl;             ///< GETBILL_TOKEN_URL; empty: the API origin's /token (ApiAddress::tokenUrl)
    QString environmentToken;     ///< GETBILL_TOKEN: overrides the keychain
    QString clientId;             ///< GETBILL_CLIENT_ID: with clientSecretFile, comes before the keychain
    QString clientSecretFile;     ///< GETBILL_CLIENT_SECRET_FILE
    QString credentialsDirectory; ///< CREDENTIALS_DIRECTORY (systemd's LoadCredential=)
    Console *console = nullptr;
    QIODevice *input = nullptr; ///< standard input: secrets are read from it, never from argv
    /// The store accounts use (the system keychain in production; a test may hand in another). Not owned.
    SecretStore *store = nullptr;
};

/// An account of context.apiUrl over context.store, set up as the window's would be.
std::unique_ptr<Account> openAccount(const AuthContext &context);

/// `getbill-reports-cli auth set-token | set-client --client-id ID | status | clear`. `arguments` are the words
/// after "auth". set-token and set-client test the credential against the API first and save nothing the API
/// rejects (3 with the API's message, 5 when it cannot be reached); a keychain that is missing, locked or refuses
/// access is a local problem (7, with what to do); `status` ends 3 when there is no credential at all. Every wait
/// is a child job: nothing spins an event loop of its own.
class AuthCommand : public CliCommand
{
    Q_OBJECT
public:
    AuthCommand(AuthContext context, QStringList arguments, QObject *parent = nullptr);
    ~AuthCommand() override;

    /// The status the run ends with (also for outcomes that are not errors of the API, such as a usage error).
    ExitStatus exitStatus() const override { return m_exit; }

protected:
    void run() override;

private:
    void checkAndSave(const Credential &credential);
    void status();
    void clear();
    void finish(ExitStatus status, const QString &error = {});

    AuthContext m_context;
    QStringList m_arguments;
    std::unique_ptr<Account> m_account;
    ExitStatus m_exit = ExitStatus::Ok;
};

/// Reads the credential a run talks to the API with, first found first: GETBILL_TOKEN; an API client from
/// GETBILL_CLIENT_ID and GETBILL_CLIENT_SECRET_FILE, or from systemd's CREDENTIALS_DIRECTORY (files
/// getbill-client-id and getbill-client-secret), whose tokens are fetched and refreshed as the window's are (no
/// keychain is touched: cron and timers have none unlocked); else what `auth` stored for context.apiUrl. tokens()
/// is null when there is none (after printing why the keychain could not be read, if it failed), so the run can stop
/// with "Not signed in". A client credential that is given but unusable (a secret file others can read, a link, an
/// id without a secret) fails the job with Kind::InvalidInput: a usage error, with a message that names the file and
/// never the secret.
class CredentialLoad : public Job
{
    Q_OBJECT
public:
    static QString clientIdFileName() { return QStringLiteral("getbill-client-id"); }
    static QString clientSecretFileName() { return QStringLiteral("getbill-client-secret"); }

    explicit CredentialLoad(AuthContext context, QObject *parent = nullptr);
    ~CredentialLoad() override;
    std::unique_ptr<TokenProvider> takeTokens();

protected:
    void run() override;

private:
    /// The client credential of the environment: true when one was given (tokens set, or the job failed).
    bool loadClientFromEnvironment();
    void useClient(const QString &clientId, const QString &secret);

    AuthContext m_context;
    std::unique_ptr<Account> m_account;
    std::unique_ptr<TokenProvider> m_tokens;
};

} // namespace getbill::cli
