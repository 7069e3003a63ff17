#include "download/PartWriter.h"

#include "download/FileCommit.h"
#include "download/SafeFileName.h"
#include "download/SecureFile.h"

#include <QCoreApplication>
#include <QFile>
#include <QRandomGenerator>
#include <cerrno>
#include <cstring>

#ifdef Q_OS_WIN
#include <io.h>
#else
#include <unistd.h>
#endif

namespace getbill {

namespace {
qint64 writeSome(int fd, const char *data, qint64 size)
{
#ifdef Q_OS_WIN
    return _write(fd, data, unsigned(std::min<qint64>(size, 1 << 30)));
#else
    return ::write(fd, data, size_t(size));
#endif
}

qint64 readSome(int fd, char *data, qint64 size)
{
#ifdef Q_OS_WIN
    return _read(fd, data, unsigned(size));
#else
    return ::read(fd, data, size_t(size));
#endif
}

bool truncateFile(int fd)
{
#ifdef Q_OS_WIN
    return _chsize_s(fd, 0) == 0 && _lseeki64(fd, 0, SEEK_SET) == 0;
#else
    return ::ftruncate(fd, 0) == 0 && ::lseek(fd, 0, SEEK_SET) == 0;
#endif
}

QString uniquePartPath(const QString &path)
{
    // "<name>.part" is taken (not ours): "<name>.<6 random letters>.part" beside it.
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QString suffix;
    for (int i = 0; i < 6; ++i)
        suffix += QLatin1Char(letters[QRandomGenerator::global()->bounded(int(sizeof letters) - 1)]);
    return path.chopped(5) + QLatin1Char('.') + suffix + QLatin1String(".part");
}
} // namespace

PartWriter::PartWriter(QObject *parent) : QObject(parent)
{}

PartWriter::~PartWriter()
{
    closeFile();
}

QString PartWriter::systemError() const
{
    // The system's reason (disk full, file too large) helps more than "write failed".
    return QString::fromLocal8Bit(std::strerror(errno)) + QLatin1Char('.');
}

void PartWriter::closeFile()
{
    SecureFile::close(m_fd);
    m_fd = -1;
}

void PartWriter::open(const QString &path, quint64 device, quint64 inode, qint64 maxResume)
{
    m_hash.reset();
    m_total = m_syncedUpTo = 0;
    m_failed = false;
    m_error.clear();
    closeFile();
    if (inode != 0) {
        QString why;
        const int fd = SecureFile::openOwn(path, {device, inode, -1}, &why);
        if (fd >= 0) {
            const SecureFile::Identity id = SecureFile::identityOf(fd);
            QByteArray buffer(1024 * 1024, Qt::Uninitialized);
            qint64 read = 0;
            qint64 n = 0;
            while (id.size <= maxResume && (n = readSome(fd, buffer.data(), buffer.size())) > 0) {
                m_hash.addData(buffer.constData(), n);
                read += n;
            }
            if (id.size <= maxResume && n == 0 && read == id.size) {
                m_fd = fd;
                m_path = path;
                m_total = m_syncedUpTo = read;
                emit opened(path, id.device, id.inode, read, {});
                return;
            }
            SecureFile::close(fd);
            // Ours but unusable (longer than the report): it goes, and a fresh one takes the name.
            QFile::remove(path);
        }
        m_hash.reset();
    }
    QString candidate = path;
    QString error;
    for (int attempt = 0; attempt < 8; ++attempt) {
        bool exists = false;
        m_fd = SecureFile::createNew(candidate, &exists, &error);
        if (m_fd >= 0 || !exists)
            break;
        candidate = uniquePartPath(path);
    }
    if (m_fd < 0) {
        m_failed = true;
        emit opened(path, 0, 0, 0, error);
        return;
    }
    m_path = candidate;
    const SecureFile::Identity id = SecureFile::identityOf(m_fd);
    emit opened(candidate, id.device, id.inode, 0, {});
}

bool PartWriter::writeAll(const char *data, qint64 size)
{
    while (size > 0) {
        const qint64 n = writeSome(m_fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return false;
        }
        data += n;
        size -= n;
    }
    return true;
}

void PartWriter::write(const QByteArray &chunk)
{
    if (m_failed || m_fd < 0)
        return;
    if (!writeAll(chunk.constData(), chunk.size())) {
        fail();
        return;
    }
    m_hash.addData(chunk);
    m_total += chunk.size();
    if (m_total - m_syncedUpTo >= writeBehindWindow) {
        FileCommit::writeBehind(m_fd, m_syncedUpTo, m_total - m_syncedUpTo);
        m_syncedUpTo = m_total;
    }
    emit written(m_generation, m_total);
}

void PartWriter::truncate()
{
    ++m_generation;
    // A failure was reported and stays: the caller discards or keeps the file; starting over does not undo it.
    if (m_fd < 0 || m_failed)
        return;
    m_hash.reset();
    m_total = m_syncedUpTo = 0;
    if (!truncateFile(m_fd))
        fail();
}

void PartWriter::fail()
{
    m_failed = true;
    m_error = systemError();
    emit writeFailed(m_error);
}

void PartWriter::finish()
{
    if (m_failed || m_fd < 0) {
        // The reason of the failure itself: errno has long moved on.
        emit finished({}, m_fd < 0 || m_error.isEmpty()
                              ? QCoreApplication::translate("getbill::PartWriter", "The file is not open.")
                              : m_error);
        return;
    }
    if (!FileCommit::syncToDisk(m_fd)) {
        m_failed = true;
        m_error = systemError();
        emit finished({}, m_error);
        return;
    }
    emit finished(m_hash.result(), {});
}

void PartWriter::commit(const QString &target, bool replace)
{
    QString error;
    if (m_fd < 0 || m_failed)
        error = QCoreApplication::translate("getbill::PartWriter", "The file is not open.");
    else if (!FileCommit::commit(m_fd, m_path, target, replace, &error) && error.isEmpty())
        error = QCoreApplication::translate("getbill::PartWriter", "Cannot move the downloaded file.");
    // A refused commit keeps the file open: the caller discards it (by this descriptor's identity) or keeps it.
    if (error.isEmpty()) {
        closeFile();
        // Windows: the Zone.Identifier stream, as browsers write it, so Office opens it in Protected View.
        SafeFileName::markFromInternet(target);
    }
    emit committed(error);
}

void PartWriter::keep()
{
    closeFile();
}

void PartWriter::discard()
{
    if (m_fd >= 0 && SecureFile::identityAt(m_path) == SecureFile::identityOf(m_fd))
        QFile::remove(m_path);
    closeFile();
}

} // namespace getbill
