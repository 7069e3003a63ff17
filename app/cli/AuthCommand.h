#pragma once

#include "api/NetworkOptions.h"

#include <QStringList>
#include <QUrl>
#include <memory>

class QIODevice;
class QNetworkAccessManager;

namespace getbill {
class TokenProvider;
}

namespace getbill::cli {

class Console;

/// What `auth ...` and the token resolution of a run need: handed in by main() through CliSession.
struct AuthContext
{
    QNetworkAccessManager *network = nullptr;
    NetworkOptions options;
    QUrl apiUrl;              ///< --api-url, GETBILL_API_URL or the default: the account's key in the keychain
    QUrl tokenUrl;            ///< GETBILL_TOKEN_URL or https://getbill.io/token
    QString environmentToken; ///< GETBILL_TOKEN: overrides the keychain
    Console *console = nullptr;
    QIODevice *input = nullptr; ///< standard input: secrets are read from it, never from argv
};

/// `getbill-reports-cli auth set-token | set-client --client-id ID | status | clear`. `arguments` are the words
/// after "auth". Returns the process exit status: set-token and set-client test the credential against the API
/// first and save nothing the API rejects (3 with the API's message, 5 when it cannot be reached); a keychain that
/// is missing, locked or refuses access is a local problem (7, with what to do); `status` ends 3 when there is no
/// credential at all.
int runAuthCommand(const QStringList &arguments, AuthContext &context);

/// The credential of a run that talks to the API: GETBILL_TOKEN when set, else what `auth` stored in the keychain
/// for context.apiUrl. Null when there is none (after printing why the keychain could not be read, if it failed),
/// so the run can stop at once with "Not signed in".
std::unique_ptr<TokenProvider> resolveTokenProvider(AuthContext &context);

} // namespace getbill::cli
