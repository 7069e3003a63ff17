#pragma once

#include "Job.h"

#include <QFile>
#include <memory>

namespace getbill {

class PartFile;

/// A verified copy of a report's file on this computer (the preview cache's): where it is, its size and SHA-256 as
/// the download that made it checked them, and the name and type GetBill gave the file.
struct LocalCopySource
{
    QString path;
    qint64 size = -1;
    QString sha256; ///< lower-case hex
    QString filename;
    QString mimeType;
};

/// Copies a LocalCopySource to `targetPath` with the commit rules of a download: the disk side is the same PartFile
/// (per-target lock, the application's record, a partial file created exclusively 0600 and never through a link,
/// the writer thread, sync, commit by descriptor, no-clobber unless overwrite was chosen), and the copy is checked
/// against the recorded size and SHA-256 before the file appears at the target. The source is read in chunks from
/// the event loop, bounded by what the writer has not written yet, so the window stays responsive. When the
/// source turns out unusable (gone, another size, another checksum) sourceUnusable() says so: the caller then
/// downloads instead. Nothing partial is left behind on any failure or cancel.
class LocalCopyJob : public Job
{
    Q_OBJECT
public:
    LocalCopyJob(LocalCopySource source, QString reportId, QString targetPath, QObject *parent = nullptr);
    ~LocalCopyJob() override;

    void setOverwrite(bool overwrite) { m_overwrite = overwrite; }
    const QString &targetPath() const { return m_targetPath; }
    qint64 bytesCopied() const { return m_copied; }
    /// sha256 (lower-case hex) of the saved file, once the job succeeded.
    const QString &sha256() const { return m_sha256; }
    /// After a failure: the source, not the target, was the problem.
    bool sourceUnusable() const { return m_sourceUnusable; }

    /// Bytes read from the source per step of the event loop.
    static constexpr qint64 chunkBytes = 1 << 20;

signals:
    /// Every byte is copied; the copy is being synced and checked before it is committed.
    void verifying();

protected:
    void run() override;
    void abortWork() override;

private:
    void onOpened(qint64 resumedBytes, const QString &error);
    void pump();
    void onSynced(const QByteArray &digest, const QString &error);
    void fail(const ApiError &error, bool sourceProblem = false);

    LocalCopySource m_source;
    QString m_reportId;
    QString m_targetPath;
    bool m_overwrite = false;
    std::unique_ptr<PartFile> m_part;
    QFile m_input;
    qint64 m_copied = 0;
    bool m_pumpQueued = false;
    bool m_sourceUnusable = false;
    QString m_sha256;
};

} // namespace getbill
