#pragma once

#include <QString>
#include <optional>

namespace getbill::SecretFile {

/// Reads a credential from a file for unattended runs (cron, systemd timers), where no keychain is unlocked:
/// GETBILL_CLIENT_SECRET_FILE, or systemd's $CREDENTIALS_DIRECTORY. The name is opened without following a link
/// (O_NOFOLLOW), and the file must be a regular file owned by the user; a secret (`secret` true) must also be
/// neither readable nor writable by group or others (chmod 600 or 400), as ssh asks of a private key. Returns the
/// first line without its line break and surrounding spaces, or nullopt with `error` for people (which never holds
/// the file's content).
std::optional<QString> read(const QString &path, bool secret, QString *error);

/// Larger files are not credentials.
constexpr qint64 maxBytes = 64 * 1024;

} // namespace getbill::SecretFile
