#pragma once

#include <QString>
#include <QStringList>

namespace getbill {

/// The one place that takes secrets out of text meant for people or files (logs, the diagnostics report, the CLI's
/// request lines): bearer tokens, `access_token` / `refresh_token` / `client_secret` / `token` / `password` values in
/// queries, forms and JSON, and the signatures of signed download URLs (`signature`, `sig`, `md5` and `expires` of
/// nginx's secure_link, `X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`, `Signature`, `Key-Pair-Id`,
/// `Policy`). Known secrets passed in (the current token itself) are removed wherever they appear, also
/// percent-encoded. Each value becomes "[redacted]"; text without secrets is returned unchanged.
class Redactor
{
public:
    static QString redact(const QString &text, const QStringList &knownSecrets = {});
    /// What replaces a secret.
    static QString mask() { return QStringLiteral("[redacted]"); }
};

} // namespace getbill
