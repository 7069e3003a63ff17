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
    QUrl tokenUrl;            ///< GETBILL_TOKEN_URL or https://getbill.io/token
    QString environmentToken; ///< GETBILL_TOKEN: overrides the keychain
    Console *console = nullptr;
    QIODevice *input = nullptr; ///< standard input: secrets are read from it, never from argv
};

/// `getbill-reports-cli auth set-token | set-client --client-id ID | status | clear`. `arguments` are the words
/// after "auth". Returns the process exit status.
int runAuthCommand(const QStringList &arguments, AuthContext &context);

/// The credential of a run that talks to the API: GETBILL_TOKEN when set, else what `auth` stored. Null when there
/// is none at all, so the run can stop at once with "Not signed in".
std::unique_ptr<TokenProvider> resolveTokenProvider(AuthContext &context);

} // namespace getbill::cli
