#include "download/SyncPlan.h"

#include "api/ReportWatcher.h"
#include "download/SafeFileName.h"
#include "download/SyncRule.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace getbill::SyncPlan {

SyncStep decide(const Report &report, const SyncRule &rule, const QString &root, const DownloadHistory &history,
                const QString &account)
{
    SyncStep step;
    if (!report.canDownload()) {
        step.action = ReportWatcher::canChange(report) ? SyncStep::Action::Pending : SyncStep::Action::Unready;
        return step;
    }
    step.record = history.recordIn(report.id, root, account);
    if (step.record) {
        const QFileInfo file(step.record->path);
        if (rule.refetchMissing && !file.exists() && !file.isSymLink()) {
            step.action = SyncStep::Action::Refetch;
            step.path = QDir::cleanPath(file.absoluteFilePath());
            step.folder = QFileInfo(step.path).absolutePath();
            step.name = QFileInfo(step.path).fileName();
        } else {
            step.action = SyncStep::Action::Fetched;
        }
        return step;
    }
    const QString path = SyncTemplate::inside(root, rule.placement.render(report));
    if (path.isEmpty()) {
        step.action = SyncStep::Action::Refused;
        step.error = ApiError(ApiError::Kind::LocalFile,
                              QCoreApplication::translate("getbill::SyncPlan",
                                                          "Report %1: its place under the template would leave %2; it "
                                                          "was not saved.")
                                  .arg(report.id, QDir::toNativeSeparators(root)));
        return step;
    }
    step.action = SyncStep::Action::Download;
    step.path = path;
    step.folder = QFileInfo(path).absolutePath();
    step.name = QFileInfo(path).fileName();
    return step;
}

QString predictedPath(const SyncStep &step, const std::function<bool(const QString &path)> &planned)
{
    if (step.action != SyncStep::Action::Download)
        return step.path;
    const QDir folder(step.folder);
    const QString name = SafeFileName::uniqueName(step.folder, step.name, [&](const QString &candidate) {
        return planned && planned(QDir::cleanPath(folder.filePath(candidate)));
    });
    return QDir::cleanPath(folder.filePath(name));
}

} // namespace getbill::SyncPlan
