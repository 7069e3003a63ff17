#pragma once

#include <QString>

namespace getbill::FileCommit {

/// Flushes `path` to stable storage, so a crash right after the rename cannot leave an empty "complete" file.
bool syncToDisk(int fileDescriptor);

/// Moves a finished `.part` file to its final name in one atomic step. With `replace` false it fails (and leaves
/// both files alone) when `target` exists, even if it appeared a moment ago; with `replace` true an existing
/// target is swapped for the new file atomically, never truncated first.
bool commit(const QString &partPath, const QString &target, bool replace, QString *error);

} // namespace getbill::FileCommit
