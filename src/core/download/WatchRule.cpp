#include "download/WatchRule.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>

namespace getbill {

QStringList WatchRule::parseTypes(const QString &text)
{
    QStringList types;
    const QStringList parts = text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString &part : parts)
        if (!types.contains(part))
            types << part;
    return types;
}

std::optional<SyncRule> WatchRule::toSyncRule(QString *error) const
{
    const auto refuse = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (name.trimmed().isEmpty())
        return refuse(QCoreApplication::translate("getbill::WatchRule", "Name: give the rule a name."));
    if (folder.trimmed().isEmpty() || QDir::isRelativePath(QDir::fromNativeSeparators(folder.trimmed())))
        return refuse(QCoreApplication::translate("getbill::WatchRule",
                                                  "Folder: choose the folder (a full path) to save the reports to."));
    QString why;
    const std::optional<SyncTemplate> placement = SyncTemplate::parse(templateText.trimmed(), &why);
    if (!placement)
        return refuse(QCoreApplication::translate("getbill::WatchRule", "Template: %1.").arg(why));
    SyncRule rule;
    rule.folder = QDir::fromNativeSeparators(folder.trimmed());
    rule.types = types;
    rule.placement = *placement;
    rule.waitPendingMs = waitPendingMs;
    rule.origin = name.trimmed();
    return rule;
}

} // namespace getbill
