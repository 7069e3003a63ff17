#pragma once

#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <cerrno>
#include <cstring>
#include <sys/mount.h>

namespace getbill::test {

/// A tmpfs of `bytes` mounted on a fresh temporary folder for one test, unmounted with the object: a real full disk
/// (ENOSPC) and a real second file system (EXDEV). Mounting needs root (or CAP_SYS_ADMIN); isMounted() is false
/// elsewhere and the test skips, saying why.
class SmallFileSystem
{
public:
    explicit SmallFileSystem(qint64 bytes)
    {
        if (!m_dir.isValid()) {
            m_error = m_dir.errorString();
            return;
        }
        const QByteArray options = "size=" + QByteArray::number(bytes) + ",mode=0700";
        if (::mount("tmpfs", QFile::encodeName(m_dir.path()).constData(), "tmpfs", 0, options.constData()) != 0) {
            m_error = QString::fromLocal8Bit(std::strerror(errno));
            return;
        }
        m_mounted = true;
    }
    ~SmallFileSystem()
    {
        if (m_mounted)
            ::umount2(QFile::encodeName(m_dir.path()).constData(), MNT_DETACH);
    }
    SmallFileSystem(const SmallFileSystem &) = delete;
    SmallFileSystem &operator=(const SmallFileSystem &) = delete;

    bool isMounted() const { return m_mounted; }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    /// Why mounting failed.
    QByteArray skipReason() const { return "cannot mount a tmpfs here (needs root): " + m_error.toLocal8Bit(); }

private:
    QTemporaryDir m_dir; // destroyed after the unmount
    QString m_error;
    bool m_mounted = false;
};

} // namespace getbill::test

/// Skips the test, saying why, when `fs` could not be mounted.
#define GETBILL_REQUIRE_MOUNT(fs)                                                                                      \
    do {                                                                                                               \
        if (!(fs).isMounted())                                                                                         \
            QSKIP((fs).skipReason().constData());                                                                      \
    } while (false)
