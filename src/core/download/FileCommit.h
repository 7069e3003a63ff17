#pragma once

#include <QString>

namespace getbill::FileCommit {

/// Flushes an open file to stable storage, so a crash right after the rename cannot leave an empty "complete" file.
bool syncToDisk(int fileDescriptor);
/// Starts writing back `length` bytes from `offset` without waiting (Linux sync_file_range), and waits for the
/// range before it: keeps little dirty data for the final sync while a download is still receiving. A no-op
/// elsewhere.
void writeBehind(int fileDescriptor, qint64 offset, qint64 length);

/// Gives the finished partial file open as `fileDescriptor` its final name `target`, in one atomic step, and only
/// that file: on Linux the open descriptor itself is linked (/proc/self/fd), so a name swapped in a shared folder
/// meanwhile cannot become the target; elsewhere `partPath` is checked to still be this file first. With `replace`
/// false it fails (and leaves both names alone) when `target` exists, even if it appeared a moment ago; with
/// `replace` true an existing target is swapped for the new file atomically, never truncated first. `partPath` is
/// removed afterwards when it still names this file. Only a regular file of the user's is ever committed.
bool commit(int fileDescriptor, const QString &partPath, const QString &target, bool replace, QString *error);

} // namespace getbill::FileCommit
