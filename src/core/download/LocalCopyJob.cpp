#include "download/LocalCopyJob.h"

#include "download/PartFile.h"

#include <QDir>
#include <QFileInfo>

namespace getbill {

namespace {
QString native(const QString &path)
{
    return QDir::toNativeSeparators(path);
}
} // namespace

LocalCopyJob::LocalCopyJob(LocalCopySource source, QString reportId, QString targetPath, QObject *parent)
    : Job(parent), m_source(std::move(source)), m_reportId(std::move(reportId)),
      m_targetPath(QDir::cleanPath(QFileInfo(targetPath).absoluteFilePath()))
{}

LocalCopyJob::~LocalCopyJob() = default;

void LocalCopyJob::run()
{
    const QFileInfo target(m_targetPath);
    const QString folder = target.absolutePath();
    if (!QFileInfo(folder).isDir()) {
        fail(ApiError(ApiError::Kind::LocalFile, tr("The folder %1 does not exist.").arg(native(folder))));
        return;
    }
    if ((target.exists() || target.isSymLink()) && (!m_overwrite || target.isDir())) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      target.isDir() ? tr("%1 is a folder.").arg(native(m_targetPath))
                                     : tr("%1 already exists; it was left untouched.").arg(native(m_targetPath))));
        return;
    }
    if (!QFileInfo(folder).isWritable()) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("Cannot write in the folder %1: permission denied.").arg(native(folder))));
        return;
    }
    m_input.setFileName(m_source.path);
    if (m_source.size < 0 || !m_input.open(QIODevice::ReadOnly) || m_input.size() != m_source.size) {
        fail(ApiError(ApiError::Kind::Integrity, tr("The copy kept for the preview is gone or has changed.")), true);
        return;
    }
    m_part = std::make_unique<PartFile>(m_targetPath);
    QString why;
    if (!m_part->lock(&why)) {
        fail(ApiError(ApiError::Kind::LocalFile, why));
        return;
    }
    connect(m_part.get(), &PartFile::opened, this, &LocalCopyJob::onOpened);
    connect(m_part.get(), &PartFile::drained, this, &LocalCopyJob::pump);
    connect(m_part.get(), &PartFile::writeFailed, this,
            [this](const QString &error) { fail(ApiError(ApiError::Kind::LocalFile, error)); });
    connect(m_part.get(), &PartFile::synced, this, &LocalCopyJob::onSynced);
    connect(m_part.get(), &PartFile::committed, this, [this](const QString &error) {
        if (!error.isEmpty()) {
            fail(ApiError(ApiError::Kind::LocalFile, error));
            return;
        }
        emitSuccess();
    });
    m_part->open(m_reportId, m_source.size);
}

void LocalCopyJob::onOpened(qint64 resumedBytes, const QString &error)
{
    if (!error.isEmpty()) {
        fail(ApiError(
            ApiError::Kind::LocalFile,
            tr("Cannot write in the folder %1: %2").arg(native(QFileInfo(m_targetPath).absolutePath()), error)));
        return;
    }
    // A partial file an earlier download of this report left at the target: a copy starts over, from the start.
    if (resumedBytes > 0)
        m_part->restart();
    emit progress(0, m_source.size);
    pump();
}

void LocalCopyJob::pump()
{
    m_pumpQueued = false;
    if (isFinished() || !m_part || m_part->state() != PartFile::State::Open)
        return;
    if (m_copied == m_source.size) {
        m_input.close();
        emit verifying();
        m_part->finish();
        return;
    }
    const qint64 n = qMin(qMin(chunkBytes, m_source.size - m_copied), m_part->room());
    if (n <= 0)
        return; // the writer is behind: drained() calls again
    const QByteArray chunk = m_input.read(n);
    if (chunk.size() != n) {
        fail(ApiError(ApiError::Kind::Integrity,
                      tr("The copy kept for the preview could not be read: %1").arg(m_input.errorString())),
             true);
        return;
    }
    m_part->write(chunk);
    m_copied += n;
    emit progress(m_copied, m_source.size);
    // One chunk per turn of the event loop: the window keeps drawing while a large file is copied.
    if (!std::exchange(m_pumpQueued, true))
        QMetaObject::invokeMethod(this, &LocalCopyJob::pump, Qt::QueuedConnection);
}

void LocalCopyJob::onSynced(const QByteArray &digest, const QString &error)
{
    if (!error.isEmpty()) {
        fail(ApiError(ApiError::Kind::LocalFile, error));
        return;
    }
    m_sha256 = QString::fromLatin1(digest.toHex());
    if (m_sha256 != m_source.sha256.toLower()) {
        fail(ApiError(ApiError::Kind::Integrity,
                      tr("The copy kept for the preview does not match the checksum of its download.")),
             true);
        return;
    }
    m_part->commit(m_overwrite);
}

void LocalCopyJob::fail(const ApiError &error, bool sourceProblem)
{
    if (isFinished())
        return;
    m_sourceUnusable = sourceProblem;
    m_input.close();
    if (m_part)
        m_part->discard();
    emitFailure(error);
}

void LocalCopyJob::abortWork()
{
    m_input.close();
    if (m_part)
        m_part->discard();
}

} // namespace getbill
