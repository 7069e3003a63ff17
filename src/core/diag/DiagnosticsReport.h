#pragma once

#include "diag/RecentErrors.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace getbill {

class Settings;

/// The text of Help > Save diagnostics: versions (application, Qt, OS, TLS backend), the settings (never a secret;
/// the API address without user info, query or fragment), the last errors and the last log lines. Everything that
/// goes in passes through the Redactor with the known secrets, so the file can be attached to a support request.
class DiagnosticsReport
{
public:
    QString applicationVersion;
    QUrl apiUrl; ///< the address in use
    QList<QPair<QString, QString>> settings;
    QList<RecentErrors::Entry> errors;
    QStringList logLines;
    QStringList knownSecrets; ///< e.g. the current token: removed wherever it appears

    /// The settings of the report, read from `settings` (no secret is ever there).
    static QList<QPair<QString, QString>> settingsOf(const Settings &settings);

    QString text() const;
    /// Writes text() to `path` (created or replaced, 0600, through a QSaveFile). False with the reason in `error`.
    bool writeTo(const QString &path, QString *error) const;
};

} // namespace getbill
