#pragma once

#include <QString>
#include <optional>

namespace getbill::SecretFile {

/// Who may own and read a credential file.
enum class Rule
{
    Secret,  ///< GETBILL_CLIENT_SECRET_FILE: the user's own, and neither group nor others may access it (600, 400)
    Public,  ///< a client id: the user's own; others may read it
    Systemd, ///< a file of systemd's $CREDENTIALS_DIRECTORY: owned by the user or by root (systemd keeps root as
             ///< owner and grants the service's user an ACL, whose mask shows in the group bits), never
             ///< accessible to others
};

/// Reads a credential from a file for unattended runs (cron, systemd timers), where no keychain is unlocked. The
/// name is opened without following a link (O_NOFOLLOW) and must be a regular file, owned and protected as `rule`
/// says, as ssh asks of a private key. Returns the first line without its line break and surrounding spaces, or
/// nullopt with `error` for people (which never holds the file's content).
std::optional<QString> read(const QString &path, Rule rule, QString *error);

/// Larger files are not credentials.
constexpr qint64 maxBytes = 64 * 1024;

} // namespace getbill::SecretFile
