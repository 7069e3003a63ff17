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
    QUrl apiUrl;              ///< --api-url, GETBILL_API_URL or the default: the account's key in the keychain
    QString tokenUrl;         ///< GETBILL_TOKEN_URL; empty: the API origin's /token (ApiAddress::tokenUrl)
    QString environmentToken; ///< GETBILL_TOKEN: overrides the keychain
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

/// Reads the credential a run talks to the API with: GETBILL_TOKEN when set, else what `auth` stored in the store
/// for context.apiUrl. tokens() is null when there is none (after printing why the keychain could not be read, if
/// it failed), so the run can stop with "Not signed in".
class CredentialLoad : public Job
{
    Q_OBJECT
public:
    explicit CredentialLoad(AuthContext context, QObject *parent = nullptr);
    ~CredentialLoad() override;
    std::unique_ptr<TokenProvider> takeTokens();

protected:
    void run() override;

private:
    AuthContext m_context;
    std::unique_ptr<Account> m_account;
    std::unique_ptr<TokenProvider> m_tokens;
};

} // namespace getbill::cli
