#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

class QLockFile;
class QThread;

namespace getbill {

class PartWriter;

/// The partial file of one download and everything about it on disk: the per-target lock (in the application's
/// state folder, so two windows or the CLI never write one target together), the application's record of it
/// (PartialDownload: only recorded files are ever resumed or committed), the PartWriter thread that writes,
/// hashes and syncs, the bound on bytes waiting for the disk, and the end: commit to the final name, keep for a
/// later attempt, or discard. Its life is an explicit state machine; every step but open, finish and commit is
/// synchronous, so that when a caller reports "finished" the disk is already as it says.
class PartFile : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,       ///< nothing taken yet
        Locked,     ///< the lock is ours
        Opening,    ///< the writer creates or re-hashes the file
        Open,       ///< receiving bytes
        Syncing,    ///< all bytes given; the writer syncs and hashes the rest
        Synced,     ///< on stable storage, digest known
        Committing, ///< the writer gives the file its final name
        Committed,  ///< the file is at the target; nothing partial is left
        Kept,       ///< left for a later attempt, with its record (final, like Committed and Discarded)
        Discarded,  ///< removed, with its record
        Failed,     ///< a disk error; discard() or keep() still apply
    };
    Q_ENUM(State)

    /// Received bytes not yet on disk before room() is 0 (TCP then slows the server down).
    static constexpr qint64 maxUnwrittenBytes = 2 * 1024 * 1024;
    /// Small chunks are gathered up to this size before they go to the writer: one hand-off, one write(2) and one
    /// acknowledgement per batch instead of per network chunk (about 30 KiB over TLS), which is most of the cost of
    /// moving a file between threads. Less than maxUnwrittenBytes, so a full room() always waits on bytes the
    /// writer has.
    static constexpr qint64 batchBytes = 512 * 1024;
    /// A batch that does not fill up (a slow or stalled connection) goes to the writer after this long anyway, so the
    /// partial file keeps up with what arrived (a later attempt continues from there).
    static constexpr int batchDelayMs = 200;

    explicit PartFile(QString targetPath, QObject *parent = nullptr);
    /// A file neither committed nor kept is discarded.
    ~PartFile() override;

    const QString &targetPath() const { return m_target; }
    /// The partial file's name once opened ("<target>.part", or a unique name when that was taken by a file that is
    /// not ours).
    const QString &partPath() const { return m_partPath; }
    State state() const { return m_state; }

    /// Takes the lock of the target; false with a message for the user when another download writes it.
    bool lock(QString *error);
    /// Opens the partial file for `reportId` of `fileSize` bytes: continues the one the application recorded for
    /// this target when the record is this report's and the file is still that file, else creates a new one (a
    /// stranger's ".part" is left alone). opened() follows.
    void open(const QString &reportId, qint64 fileSize);
    /// The ETag recorded for a resume (empty when starting anew or when the server sent none).
    const QString &validator() const { return m_etag; }
    /// Records the server's ETag, so a later attempt can ask for the rest with If-Range.
    void setValidator(const QString &etag);
    qint64 resumedBytes() const { return m_resumed; }
    /// Bytes given to write() since open (resumed ones included).
    qint64 received() const { return m_received; }
    /// Bytes the writer has put in the file.
    qint64 written() const { return m_written; }

    /// How many more bytes write() takes now.
    qint64 room() const;
    /// Queues a chunk for the writer (gathered into batches; finish(), keep() and room() account for the batch).
    void write(QByteArrayView chunk);
    /// Starts over at byte 0.
    void restart();
    /// Syncs everything given so far; synced() follows.
    void finish();
    /// Gives the synced file its final name; committed() follows. `replace` allows replacing an existing target.
    void commit(bool replace);
    /// Leaves the file and its record for a later attempt, and releases the lock. Before open() there is nothing to
    /// keep (an earlier attempt's record stays as it is); while opening, the file just made is discarded instead.
    void keep();
    /// Removes the file (only if it is still ours) and its record, and releases the lock. Nothing once Committed,
    /// Kept or Discarded: after keep() the file may already be another writer's.
    void discard();

signals:
    void opened(qint64 resumedBytes, const QString &error);
    /// room() went up again after being 0.
    void drained();
    void writeFailed(const QString &error);
    void synced(const QByteArray &digest, const QString &error);
    void committed(const QString &error);

private:
    void setState(State state);
    void onOpened(const QString &path, quint64 device, quint64 inode, qint64 resumed, const QString &error);
    void onWritten(int generation, qint64 total);
    /// Hands the gathered chunks to the writer.
    void flush();
    /// An empty buffer of batchBytes capacity: one the writer is done with, or a new one.
    QByteArray spareBuffer();
    void stopWriter();
    void saveRecord();
    void unlock();

    QString m_target;
    QString m_partPath;
    QString m_reportId;
    qint64 m_fileSize = -1;
    quint64 m_device = 0;
    quint64 m_inode = 0;
    QString m_etag;
    State m_state = State::Idle;
    std::unique_ptr<QLockFile> m_lock;
    std::unique_ptr<QThread> m_thread;
    PartWriter *m_writer = nullptr; ///< lives in m_thread
    qint64 m_resumed = 0;
    qint64 m_received = 0;
    qint64 m_written = 0;
    int m_generation = 0;
    QByteArray m_batch; ///< received, not yet given to the writer
    QTimer m_batchTimer;
    QList<QByteArray> m_spent; ///< batches handed to the writer, for spareBuffer()
};

} // namespace getbill
