#include "download/SecureFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#ifdef Q_OS_WIN
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>
#else
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace getbill::SecureFile {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::SecureFile)
};

#ifndef Q_OS_WIN
QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

/// A regular file of this user with exactly one name: not a link, not a hard link to something elsewhere, not
/// another user's file.
bool isOwnPlainFile(const struct stat &st)
{
    return S_ISREG(st.st_mode) && st.st_uid == ::geteuid() && st.st_nlink == 1;
}
#else
bool isReparsePoint(const QString &path)
{
    const DWORD attributes = GetFileAttributesW(reinterpret_cast<const wchar_t *>(path.utf16()));
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_REPARSE_POINT);
}
#endif
} // namespace

bool makePrivateFolder(const QString &path)
{
    if (!QDir().mkpath(path))
        return false;
#ifdef Q_OS_WIN
    return !isReparsePoint(path);
#else
    struct stat st
    {
    };
    const QByteArray native = QFile::encodeName(path);
    if (::lstat(native.constData(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
        return false;
    return (st.st_mode & 0777) == 0700 || ::chmod(native.constData(), 0700) == 0;
#endif
}

QByteArray readPrivate(const QString &path, qint64 maxBytes)
{
#ifdef Q_OS_WIN
    if (isReparsePoint(path))
        return {};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > maxBytes)
        return {};
    return file.read(maxBytes);
#else
    // O_NONBLOCK: a FIFO at the name would otherwise block open() until a writer comes (fstat refuses it next).
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return {};
    struct stat st
    {
    };
    QByteArray bytes;
    if (::fstat(fd, &st) == 0 && isOwnPlainFile(st) && st.st_size <= maxBytes) {
        QFile file;
        if (file.open(fd, QIODevice::ReadOnly, QFileDevice::DontCloseHandle))
            bytes = file.read(maxBytes);
    }
    ::close(fd);
    return bytes;
#endif
}

bool writePrivate(const QString &path, const QByteArray &bytes)
{
    // QSaveFile resolves a link at `path` and replaces the file it points to: a link here is refused instead.
#ifdef Q_OS_WIN
    if (isReparsePoint(path) || QFileInfo(path).isSymLink())
        return false;
#else
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISLNK(st.st_mode))
        return false;
#endif
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return file.write(bytes) == bytes.size() && file.commit();
}

int createNew(const QString &path, bool *exists, QString *error)
{
    *exists = false;
#ifdef Q_OS_WIN
    const int fd = _wopen(reinterpret_cast<const wchar_t *>(path.utf16()),
                          _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
    if (fd < 0) {
        *exists = errno == EEXIST;
        *error = QString::fromLocal8Bit(strerror(errno));
    }
    return fd;
#else
    // O_EXCL with O_CREAT never follows a link at the name: a planted symlink makes this fail, not write through.
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        *exists = errno == EEXIST || errno == ELOOP;
        *error = systemError();
    }
    return fd;
#endif
}

int openOwn(const QString &path, const Identity &expected, QString *error)
{
#ifdef Q_OS_WIN
    if (isReparsePoint(path)) {
        *error = Text::tr("it is a link");
        return -1;
    }
    const int fd = _wopen(reinterpret_cast<const wchar_t *>(path.utf16()), _O_RDWR | _O_BINARY | _O_NOINHERIT);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return -1;
    }
    if (!(identityOf(fd) == expected)) {
        _close(fd);
        *error = Text::tr("it is not the file this application created");
        return -1;
    }
    return fd;
#else
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        *error = systemError();
        return -1;
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0 || !isOwnPlainFile(st) || quint64(st.st_dev) != expected.device ||
        quint64(st.st_ino) != expected.inode) {
        ::close(fd);
        *error = Text::tr("it is not the file this application created");
        return -1;
    }
    return fd;
#endif
}

Identity identityOf(int fd)
{
    Identity id;
#ifdef Q_OS_WIN
    BY_HANDLE_FILE_INFORMATION info{};
    if (GetFileInformationByHandle(reinterpret_cast<HANDLE>(_get_osfhandle(fd)), &info)) {
        id.device = info.dwVolumeSerialNumber;
        id.inode = (quint64(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
        id.size = (qint64(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
    }
#else
    struct stat st
    {
    };
    if (::fstat(fd, &st) == 0) {
        id.device = quint64(st.st_dev);
        id.inode = quint64(st.st_ino);
        id.size = qint64(st.st_size);
    }
#endif
    return id;
}

Identity identityAt(const QString &path)
{
#ifdef Q_OS_WIN
    if (isReparsePoint(path))
        return {};
    const int fd = _wopen(reinterpret_cast<const wchar_t *>(path.utf16()), _O_RDONLY | _O_BINARY | _O_NOINHERIT);
    if (fd < 0)
        return {};
    const Identity id = identityOf(fd);
    _close(fd);
    return id;
#else
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0 || !isOwnPlainFile(st))
        return {};
    return {quint64(st.st_dev), quint64(st.st_ino), qint64(st.st_size)};
#endif
}

void close(int fd)
{
    if (fd < 0)
        return;
#ifdef Q_OS_WIN
    _close(fd);
#else
    ::close(fd);
#endif
}

} // namespace getbill::SecureFile
