#pragma once

#include "api/ApiError.h"
#include "api/Report.h"
#include "download/DownloadHistory.h"

#include <QString>
#include <functional>
#include <optional>

namespace getbill {

struct SyncRule;

/// What sync does with one listed report, decided without the network: the one rule of "already fetched"
/// (DownloadHistory::recordIn), where a new file goes (the rule's template under its folder, checked to stay
/// inside it), and whether the report can be fetched now, later, or never. SyncJob acts on it; tests read it.
struct SyncStep
{
    enum class Action
    {
        Download, ///< not fetched yet: into `folder` as `name` ("name (1).ext" when taken)
        Refetch,  ///< recorded, its file deleted, and --refetch-missing: again to `path`
        Fetched,  ///< recorded in the folder: nothing to do (even if the user moved, changed or deleted it)
        Pending,  ///< being generated: worth polling
        Unready,  ///< failed, or completed without a download: nothing to do
        Refused,  ///< the target would leave the folder (`error` says why); never happens with a parsed template
    };
    Action action = Action::Unready;
    QString folder; ///< Download: absolute folder (the rule's folder or one under it)
    QString name;   ///< Download: the file name
    QString path;   ///< Download: folder/name; Refetch: the recorded path
    std::optional<DownloadRecord> record;
    ApiError error;
};

namespace SyncPlan {

/// The step for `report` under `rule`, with `root` the rule's folder made absolute and the account `account`.
SyncStep decide(const Report &report, const SyncRule &rule, const QString &root, const DownloadHistory &history,
                const QString &account);

/// The path a dry run prints for a step: the unique name a real run would take now, given the names
/// `planned` (this dry run's earlier lines) and the files on disk.
QString predictedPath(const SyncStep &step, const std::function<bool(const QString &path)> &planned);

} // namespace SyncPlan

} // namespace getbill
