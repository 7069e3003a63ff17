#pragma once

#include <QCryptographicHash>
#include <QFile>
#include <QObject>

namespace getbill {

/// The disk side of a DownloadJob: opens (or continues) the .part file, appends the chunks, hashes them, and
/// flushes and syncs the file at the end. It lives in a worker thread, so that writing, hashing and fsync of large
/// files never stall the GUI's event loop; the job talks to it with queued calls and it answers with signals.
/// Calls run in the order they were made.
class PartWriter : public QObject
{
    Q_OBJECT
public:
    explicit PartWriter(QString partPath, QObject *parent = nullptr);

public slots:
    /// Continues the existing .part when `resumeSize` > 0 (re-hashing what is there), else creates it anew.
    void open(qint64 resumeSize);
    void write(const QByteArray &chunk);
    /// Starts over at byte 0 (the server sent the whole file instead of the rest). Acknowledgements carry the
    /// number of truncations so far, so the job can tell those of the old content from the new.
    void truncate();
    /// Flushes and syncs the file to stable storage, closes it and reports the digest of the whole file.
    void finish();
    /// Closes the file (flushing what it holds) without syncing; the caller keeps or removes it.
    void close();

signals:
    /// `resumedBytes` is what was taken over from an earlier attempt (0 when started anew); `error` is empty on
    /// success.
    void opened(qint64 resumedBytes, const QString &error);
    /// `total` bytes are in the file (acknowledges writes, so the job can bound what is in flight).
    void written(int generation, qint64 total);
    void writeFailed(const QString &error);
    /// The file is complete on disk; `digest` is its SHA-256. `error` is empty on success.
    void finished(const QByteArray &digest, const QString &error);

private:
    QString systemError() const;

    QFile m_file;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    qint64 m_total = 0;
    int m_generation = 0;
    bool m_failed = false;
};

} // namespace getbill
