#include "download/FileCommit.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#endif

namespace getbill::FileCommit {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("getbill::FileCommit", text);
}
} // namespace

bool syncToDisk(int fileDescriptor)
{
#ifdef Q_OS_WIN
    return _commit(fileDescriptor) == 0;
#else
    return ::fsync(fileDescriptor) == 0;
#endif
}

bool commit(const QString &partPath, const QString &target, bool replace, QString *error)
{
#ifdef Q_OS_WIN
    const DWORD flags = MOVEFILE_WRITE_THROUGH | (replace ? MOVEFILE_REPLACE_EXISTING : 0);
    if (MoveFileExW(reinterpret_cast<const wchar_t *>(partPath.utf16()),
                    reinterpret_cast<const wchar_t *>(target.utf16()), flags))
        return true;
    *error = GetLastError() == ERROR_ALREADY_EXISTS || GetLastError() == ERROR_FILE_EXISTS
                 ? tr("%1 already exists.").arg(target)
                 : tr("Cannot move the downloaded file to %1.").arg(target);
    return false;
#else
    const QByteArray from = QFile::encodeName(partPath);
    const QByteArray to = QFile::encodeName(target);
    if (replace) {
        if (::rename(from.constData(), to.constData()) == 0)
            return true;
        *error =
            tr("Cannot move the downloaded file to %1: %2").arg(target, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    // link() fails with EEXIST instead of replacing: a no-clobber rename without a window for a race.
    if (::link(from.constData(), to.constData()) == 0) {
        ::unlink(from.constData());
        return true;
    }
    const int linkErrno = errno;
    if (linkErrno == EEXIST) {
        *error = tr("%1 already exists.").arg(target);
        return false;
    }
    // File systems without hard links (FAT, some network shares): check, then rename.
    if (QFileInfo::exists(target)) {
        *error = tr("%1 already exists.").arg(target);
        return false;
    }
    if (::rename(from.constData(), to.constData()) == 0)
        return true;
    *error = tr("Cannot move the downloaded file to %1: %2").arg(target, QString::fromLocal8Bit(std::strerror(errno)));
    return false;
#endif
}

} // namespace getbill::FileCommit
