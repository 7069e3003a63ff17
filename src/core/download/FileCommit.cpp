#include "download/FileCommit.h"

#include "download/SecureFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace getbill::FileCommit {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::FileCommit)
};

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

#ifndef Q_OS_WIN
QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

/// Links exactly the open file to `to`; false with errno on failure (EEXIST when taken).
bool linkDescriptor(int fd, const QString &partPath, const QString &to)
{
    const QByteArray target = QFile::encodeName(to);
#ifdef Q_OS_LINUX
    const QByteArray self = "/proc/self/fd/" + QByteArray::number(fd);
    if (::linkat(AT_FDCWD, self.constData(), AT_FDCWD, target.constData(), AT_SYMLINK_FOLLOW) == 0)
        return true;
    if (errno != ENOENT && errno != EPERM && errno != EXDEV && errno != ENOSYS)
        return false; // EEXIST and real errors; ENOENT/EPERM mean no /proc or no links: checked fallback below
#endif
    if (!(SecureFile::identityAt(partPath) == SecureFile::identityOf(fd))) {
        errno = ESTALE;
        return false;
    }
    return ::linkat(AT_FDCWD, QFile::encodeName(partPath).constData(), AT_FDCWD, target.constData(), 0) == 0;
}

/// Removes the old name once the file also has its final one (two links now), if the name still is this file.
void removeIfSame(int fd, const QString &path)
{
    struct stat named
    {
    };
    struct stat open
    {
    };
    const QByteArray native = QFile::encodeName(path);
    if (::lstat(native.constData(), &named) == 0 && ::fstat(fd, &open) == 0 && S_ISREG(named.st_mode) &&
        named.st_dev == open.st_dev && named.st_ino == open.st_ino)
        ::unlink(native.constData());
}
#endif
} // namespace

bool syncToDisk(int fileDescriptor)
{
#ifdef Q_OS_WIN
    return _commit(fileDescriptor) == 0;
#else
    return ::fsync(fileDescriptor) == 0;
#endif
}

void writeBehind(int fileDescriptor, qint64 offset, qint64 length)
{
#ifdef Q_OS_LINUX
    // Wait for the previous window to reach the disk, and start this one: at most two windows are dirty.
    if (offset >= length)
        ::sync_file_range(fileDescriptor, offset - length, length,
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    ::sync_file_range(fileDescriptor, offset, length, SYNC_FILE_RANGE_WRITE);
#else
    Q_UNUSED(fileDescriptor)
    Q_UNUSED(offset)
    Q_UNUSED(length)
#endif
}

bool commit(int fileDescriptor, const QString &partPath, const QString &target, bool replace, QString *error)
{
#ifdef Q_OS_WIN
    Q_UNUSED(fileDescriptor)
    const DWORD flags = MOVEFILE_WRITE_THROUGH | (replace ? MOVEFILE_REPLACE_EXISTING : 0);
    if (MoveFileExW(reinterpret_cast<const wchar_t *>(partPath.utf16()),
                    reinterpret_cast<const wchar_t *>(target.utf16()), flags))
        return true;
    *error = GetLastError() == ERROR_ALREADY_EXISTS || GetLastError() == ERROR_FILE_EXISTS
                 ? Text::tr("%1 already exists.").arg(shown(target))
                 : Text::tr("Cannot move the downloaded file to %1.").arg(shown(target));
    return false;
#else
    const SecureFile::Identity ours = SecureFile::identityOf(fileDescriptor);
    if (ours.inode == 0) {
        *error = Text::tr("Cannot move the downloaded file to %1: %2").arg(shown(target), systemError());
        return false;
    }
    if (!replace) {
        // A no-clobber rename without a window for a race: link() fails with EEXIST instead of replacing.
        if (linkDescriptor(fileDescriptor, partPath, target)) {
            removeIfSame(fileDescriptor, partPath);
            return true;
        }
        const int linkErrno = errno;
        if (linkErrno == EEXIST) {
            *error = Text::tr("%1 already exists.").arg(shown(target));
            return false;
        }
        if (linkErrno == ESTALE) {
            *error = Text::tr("Cannot move the downloaded file to %1: its partial file was replaced by another one.")
                         .arg(shown(target));
            return false;
        }
        // File systems without hard links (FAT, some network shares): check, then rename.
        if (QFileInfo::exists(target) || QFileInfo(target).isSymLink()) {
            *error = Text::tr("%1 already exists.").arg(shown(target));
            return false;
        }
    }
    // Replacing, or no links here: rename the name that still holds our file, checked just before.
    if (!(SecureFile::identityAt(partPath) == ours)) {
        *error = Text::tr("Cannot move the downloaded file to %1: its partial file was replaced by another one.")
                     .arg(shown(target));
        return false;
    }
    if (::rename(QFile::encodeName(partPath).constData(), QFile::encodeName(target).constData()) == 0)
        return true;
    *error = Text::tr("Cannot move the downloaded file to %1: %2").arg(shown(target), systemError());
    return false;
#endif
}

} // namespace getbill::FileCommit
