#include "download/SyncClaim.h"

#include "download/PartialDownload.h"
#include "download/SecureFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLockFile>

namespace getbill {

SyncClaim::SyncClaim(const QString &account, const QString &rootFolder, const QString &reportId)
    : m_path(lockPathFor(account, rootFolder, reportId))
{}

SyncClaim::~SyncClaim() = default;

QString SyncClaim::lockPathFor(const QString &account, const QString &rootFolder, const QString &reportId)
{
    const QByteArray key =
        (account + QLatin1Char('\n') + QDir::cleanPath(rootFolder) + QLatin1Char('\n') + reportId).toUtf8();
    const QByteArray hash = QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(32);
    return PartialDownload::stateFolder() + QLatin1String("/sync-") + QString::fromLatin1(hash) +
           QLatin1String(".lock");
}

bool SyncClaim::tryLock(bool *busy)
{
    *busy = false;
    if (isLocked())
        return true;
    if (!SecureFile::makePrivateFolder(PartialDownload::stateFolder()))
        return false;
    auto lock = std::make_unique<QLockFile>(m_path);
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        *busy = lock->error() == QLockFile::LockFailedError;
        return false;
    }
    m_lock = std::move(lock);
    return true;
}

bool SyncClaim::isLocked() const
{
    return m_lock && m_lock->isLocked();
}

} // namespace getbill
