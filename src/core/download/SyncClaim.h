#pragma once

#include <QString>
#include <memory>

class QLockFile;

namespace getbill {

/// One sync's hold on one report for one output folder, across processes: two `sync` runs into one folder (or a run
/// and the window's watch rule) never fetch the same report together, so neither makes a "(1)" copy of what the
/// other is saving. A QLockFile in the application's state folder (PartialDownload::stateFolder(), 0700), keyed by
/// account, folder and report; released when the object goes (a killed process's lock is stale and taken over).
class SyncClaim
{
public:
    SyncClaim(const QString &account, const QString &rootFolder, const QString &reportId);
    ~SyncClaim();
    SyncClaim(const SyncClaim &) = delete;
    SyncClaim &operator=(const SyncClaim &) = delete;

    /// False when another sync holds it (`busy` true) or the state folder cannot be written (`busy` false).
    bool tryLock(bool *busy);
    bool isLocked() const;
    const QString &lockPath() const { return m_path; }

    static QString lockPathFor(const QString &account, const QString &rootFolder, const QString &reportId);

private:
    QString m_path;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace getbill
