#include "AuthCommand.h"

#include "Console.h"
#include "ExitStatus.h"
#include "auth/TokenProvider.h"

#include <QCoreApplication>

namespace getbill::cli {

// Placeholder until the keychain part lands: the contract's entry points exist so that the rest of the CLI is
// wired once, and the bodies below are replaced by the auth work.
int runAuthCommand(const QStringList &arguments, AuthContext &context)
{
    Q_UNUSED(arguments)
    context.console->error(QCoreApplication::translate("getbill::cli", "auth commands are not available yet"));
    return toInt(ExitStatus::Usage);
}

std::unique_ptr<TokenProvider> resolveTokenProvider(AuthContext &context)
{
    if (context.environmentToken.isEmpty())
        return nullptr;
    return std::make_unique<StaticToken>(context.environmentToken);
}

} // namespace getbill::cli
