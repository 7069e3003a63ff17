#include "auth/SecretFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace getbill::SecretFile {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::SecretFile)
};

std::optional<QString> firstLine(QByteArray bytes, const QString &path, QString *error)
{
    const qsizetype end = bytes.indexOf('\n');
    QString line = QString::fromUtf8(end >= 0 ? bytes.left(end) : bytes).trimmed();
    bytes.fill('\0');
    if (line.isEmpty()) {
        *error = Text::tr("%1 is empty.").arg(QDir::toNativeSeparators(path));
        return std::nullopt;
    }
    return line;
}
} // namespace

std::optional<QString> read(const QString &path, Rule rule, QString *error)
{
    const QString shown = QDir::toNativeSeparators(path);
#ifdef Q_OS_UNIX
    // O_NONBLOCK: a FIFO at the name must not block the run (fstat refuses it next).
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *error = errno == ELOOP ? Text::tr("%1 is a symbolic link; give the file itself.").arg(shown)
                                : Text::tr("Cannot read %1: %2").arg(shown, QString::fromLocal8Bit(strerror(errno)));
        return std::nullopt;
    }
    struct stat st
    {
    };
    QString why;
    if (::fstat(fd, &st) != 0)
        why = Text::tr("Cannot read %1: %2").arg(shown, QString::fromLocal8Bit(strerror(errno)));
    else if (!S_ISREG(st.st_mode))
        why = Text::tr("%1 is not a regular file.").arg(shown);
    else if (st.st_uid != ::geteuid() && !(rule == Rule::Systemd && st.st_uid == 0))
        why = Text::tr("%1 belongs to another user; it must be yours.").arg(shown);
    else if (rule == Rule::Systemd && (st.st_mode & 007) != 0)
        why = Text::tr("%1 can be read or changed by any user (mode %2); systemd's credentials never can.")
                  .arg(shown)
                  .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0'));
    else if (rule == Rule::Secret && (st.st_mode & 077) != 0)
        why = Text::tr("%1 can be read or changed by other users (mode %2); it must be yours alone: chmod 600 %1")
                  .arg(shown)
                  .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0'));
    else if (st.st_size > maxBytes)
        why = Text::tr("%1 is too large for a credential.").arg(shown);
    QByteArray bytes;
    if (why.isEmpty()) {
        QFile file;
        if (file.open(fd, QIODevice::ReadOnly, QFileDevice::DontCloseHandle))
            bytes = file.read(maxBytes);
        else
            why = Text::tr("Cannot read %1: %2").arg(shown, file.errorString());
    }
    ::close(fd);
    if (!why.isEmpty()) {
        *error = why;
        return std::nullopt;
    }
    return firstLine(bytes, path, error);
#else
    Q_UNUSED(rule)
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > maxBytes) {
        *error = Text::tr("Cannot read %1: %2").arg(shown, file.errorString());
        return std::nullopt;
    }
    return firstLine(file.read(maxBytes), path, error);
#endif
}

} // namespace getbill::SecretFile
