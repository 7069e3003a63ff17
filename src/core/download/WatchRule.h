#pragma once

#include "download/SyncRule.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace getbill {

/// A watch rule of the window: while the application runs, the reports of `types` are saved into `folder` under
/// `templateText`, as `getbill-reports-cli sync --output-dir folder --type ... --template ...` would save them. Kept
/// per account in the settings (Settings::watchRules()); plain data, no secret.
struct WatchRule
{
    /// How long one run follows reports being generated (SyncRule::waitPendingMs) before the next run takes over.
    static constexpr qint64 waitPendingMs = SyncRule::defaultWaitPendingMs;

    QString name;
    QStringList types; ///< empty: every type
    QString folder;
    QString templateText = SyncTemplate::defaultText();
    bool enabled = true;

    /// Types typed by the user ("financial, collection"): split on commas and spaces, trimmed, no duplicates.
    static QStringList parseTypes(const QString &text);
    /// The sync one run of the rule does, or nullopt with a message that names the field at fault (name, folder,
    /// template: SyncTemplate's own reason).
    std::optional<SyncRule> toSyncRule(QString *error = nullptr) const;

    bool operator==(const WatchRule &o) const
    {
        return name == o.name && types == o.types && folder == o.folder && templateText == o.templateText &&
               enabled == o.enabled;
    }
    bool operator!=(const WatchRule &o) const { return !(*this == o); }
};

} // namespace getbill
