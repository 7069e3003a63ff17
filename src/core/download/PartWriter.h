#pragma once

#include "download/Sha256.h"

#include <QObject>
#include <QString>

namespace getbill {

/// The disk side of one download, living in a worker thread so that writing, hashing and syncing large files never
/// stall the caller's event loop (the GUI's): it creates the partial file (exclusively, 0600, never through a link)
/// or continues the one the application recorded (only if it is still that very file), appends chunks, hashes
/// them with OpenSSL, starts writing back to disk while the transfer runs (so that the final sync has little
/// left), and at the end syncs, and commits or removes the file by its open descriptor. Calls run in the order
/// they were made; each answers with a signal.
class PartWriter : public QObject
{
    Q_OBJECT
public:
    /// Bytes between two write-behind requests.
    static constexpr qint64 writeBehindWindow = 8 * 1024 * 1024;

    explicit PartWriter(QObject *parent = nullptr);
    ~PartWriter() override;

public slots:
    /// Continues `path` when it is the file of identity (`device`, `inode`) and holds at most `maxResume` bytes
    /// (re-hashing them); otherwise creates a new file: at `path`, or, when that name is taken by a file that is
    /// not ours, under a unique name beside it ("<path minus .part>.<random>.part").
    void open(const QString &path, quint64 device, quint64 inode, qint64 maxResume);
    void write(const QByteArray &chunk);
    /// Starts over at byte 0 (the server sent the whole file instead of the rest). Acknowledgements carry the
    /// number of truncations so far, so the caller can tell those of the old content from the new.
    void truncate();
    /// Syncs the file to stable storage and reports the SHA-256 of all of it; the file stays open for commit().
    void finish();
    /// Gives the file its final name (FileCommit::commit) and closes it; a refused commit leaves it open, for
    /// discard() or keep().
    void commit(const QString &target, bool replace);
    /// Closes the file and leaves it where it is (a later attempt continues it).
    void keep();
    /// Closes and removes the file, if it is still the one this writer created or continued.
    void discard();

signals:
    /// `path` is the partial file's name, `resumedBytes` what was taken over (0 when created anew); `error` is
    /// empty on success.
    void opened(const QString &path, quint64 device, quint64 inode, qint64 resumedBytes, const QString &error);
    /// `total` bytes are in the file (acknowledges writes, so the caller can bound what is in flight).
    void written(int generation, qint64 total);
    void writeFailed(const QString &error);
    /// The file is complete on disk; `digest` is its SHA-256. `error` is empty on success.
    void finished(const QByteArray &digest, const QString &error);
    void committed(const QString &error);

private:
    bool writeAll(const char *data, qint64 size);
    /// Records a write failure (from errno) and reports it; every later call but keep() and discard() then fails.
    void fail();
    QString systemError() const;
    void closeFile();

    int m_fd = -1;
    QString m_path;
    Sha256 m_hash;
    qint64 m_total = 0;
    qint64 m_syncedUpTo = 0;
    int m_generation = 0;
    bool m_failed = false;
    QString m_error; ///< why m_failed, as reported
};

} // namespace getbill
