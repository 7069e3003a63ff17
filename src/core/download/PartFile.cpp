#include "download/PartFile.h"

#include "download/PartWriter.h"
#include "download/PartialDownload.h"
#include "download/SecureFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QThread>
#include <atomic>
#include <utility>

namespace getbill {

PartFile::PartFile(QString targetPath, QObject *parent)
    : QObject(parent), m_target(QDir::cleanPath(std::move(targetPath)))
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(batchDelayMs);
    connect(&m_batchTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Open)
            flush();
    });
}

PartFile::~PartFile()
{
    if (m_state != State::Committed && m_state != State::Kept && m_state != State::Discarded)
        discard();
    stopWriter();
}

void PartFile::setState(State state)
{
    m_state = state;
}

bool PartFile::lock(QString *error)
{
    // A lock left by a killed process is stale (its PID is gone) and taken over.
    m_lock = std::make_unique<QLockFile>(PartialDownload::lockPath(m_target));
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        const bool busy = m_lock->error() == QLockFile::LockFailedError;
        m_lock.reset();
        *error = busy ? tr("%1 is already being downloaded.").arg(QDir::toNativeSeparators(m_target))
                      : tr("Cannot keep track of the download of %1: the application's data folder %2 cannot be "
                           "written.")
                            .arg(QDir::toNativeSeparators(m_target),
                                 QDir::toNativeSeparators(PartialDownload::stateFolder()));
        return false;
    }
    setState(State::Locked);
    return true;
}

void PartFile::unlock()
{
    m_lock.reset();
}

void PartFile::open(const QString &reportId, qint64 fileSize)
{
    m_reportId = reportId;
    m_fileSize = fileSize;
    // Continue only what the application recorded itself, for this report and size; anything else named
    // "<target>.part" is not ours and is left alone.
    const std::optional<PartialDownload> record = PartialDownload::load(m_target);
    QString path = PartialDownload::defaultPartPath(m_target);
    quint64 device = 0;
    quint64 inode = 0;
    if (record && record->reportId == reportId && record->fileSize == fileSize) {
        path = record->partPath;
        device = record->device;
        inode = record->inode;
        m_etag = record->etag;
    } else if (record) {
        // Another report or size at this name: that partial file is of no use; remove it if it is still ours.
        if (SecureFile::identityAt(record->partPath) == SecureFile::Identity{record->device, record->inode, -1})
            QFile::remove(record->partPath);
        PartialDownload::forget(m_target);
    }

    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("PartWriter"));
    m_writer = new PartWriter;
    m_writer->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_writer, &QObject::deleteLater);
    connect(m_writer, &PartWriter::opened, this, &PartFile::onOpened);
    connect(m_writer, &PartWriter::written, this, &PartFile::onWritten);
    // Answers the writer queued before a discard() or keep() are still delivered after it (disconnecting does not
    // take back posted calls): each handler acts only in the state that waits for it.
    connect(m_writer, &PartWriter::writeFailed, this, [this](const QString &error) {
        if (m_state != State::Open && m_state != State::Syncing)
            return;
        setState(State::Failed);
        emit writeFailed(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(m_partPath), error));
    });
    connect(m_writer, &PartWriter::finished, this, [this](const QByteArray &digest, const QString &error) {
        if (m_state != State::Syncing && m_state != State::Failed)
            return;
        // A write failure reported meanwhile is final: never Failed -> Synced.
        const bool ok = error.isEmpty() && m_state == State::Syncing;
        setState(ok ? State::Synced : State::Failed);
        emit synced(ok ? digest : QByteArray(),
                    ok ? QString() : tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(m_partPath), error));
    });
    connect(m_writer, &PartWriter::committed, this, [this](const QString &error) {
        if (m_state != State::Committing)
            return;
        if (error.isEmpty()) {
            PartialDownload::forget(m_target);
            setState(State::Committed);
            stopWriter();
            unlock();
        } else {
            setState(State::Failed);
        }
        emit committed(error);
    });
    m_thread->start();
    setState(State::Opening);
    // Re-hashing a long partial file takes a while: the writer does it.
    QMetaObject::invokeMethod(
        m_writer,
        [writer = m_writer, path, device, inode, max = fileSize - 1] { writer->open(path, device, inode, max); },
        Qt::QueuedConnection);
}

void PartFile::onOpened(const QString &path, quint64 device, quint64 inode, qint64 resumed, const QString &error)
{
    if (m_state != State::Opening)
        return;
    if (!error.isEmpty()) {
        setState(State::Failed);
        emit opened(0, error);
        return;
    }
    m_partPath = path;
    m_device = device;
    m_inode = inode;
    m_resumed = m_received = m_written = resumed;
    if (resumed == 0)
        m_etag.clear();
    setState(State::Open);
    saveRecord();
    if (!PartialDownload::load(m_target)) {
        setState(State::Failed);
        emit opened(0, tr("The application's data folder %1 cannot be written.")
                           .arg(QDir::toNativeSeparators(PartialDownload::stateFolder())));
        return;
    }
    emit opened(resumed, {});
}

void PartFile::saveRecord()
{
    PartialDownload record;
    record.target = m_target;
    record.partPath = m_partPath;
    record.reportId = m_reportId;
    record.fileSize = m_fileSize;
    record.etag = m_etag;
    record.device = m_device;
    record.inode = m_inode;
    record.save();
}

void PartFile::setValidator(const QString &etag)
{
    if (etag == m_etag || etag.size() > 512)
        return;
    m_etag = etag;
    if (m_state == State::Open)
        saveRecord();
}

qint64 PartFile::room() const
{
    if (m_state != State::Open)
        return 0;
    return std::max<qint64>(0, maxUnwrittenBytes - (m_received - m_written));
}

void PartFile::write(QByteArrayView chunk)
{
    if (m_state != State::Open || chunk.isEmpty())
        return;
    m_received += chunk.size();
    if (m_batch.isEmpty()) {
        m_batch = spareBuffer();
        m_batchTimer.start();
    }
    m_batch.append(chunk);
    if (m_batch.size() >= batchBytes)
        flush();
}

void PartFile::flush()
{
    m_batchTimer.stop();
    if (m_batch.isEmpty())
        return;
    // Kept (shared) to be filled again once the writer has let go of it.
    if (m_batch.capacity() >= batchBytes && m_spent.size() < maxUnwrittenBytes / batchBytes + 2)
        m_spent.append(m_batch);
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, batch = std::exchange(m_batch, {})] { writer->write(batch); },
        Qt::QueuedConnection);
}

QByteArray PartFile::spareBuffer()
{
    // A batch the writer is done with (this is its only reference left) is filled again: no allocation, and no
    // fresh pages to fault in, which cost the receiving thread as much as the copy into them.
    for (qsizetype i = 0; i < m_spent.size(); ++i) {
        if (m_spent.at(i).isDetached()) {
            std::atomic_thread_fence(std::memory_order_acquire); // the writer's last use of it happened before
            QByteArray buffer = m_spent.takeAt(i);
            buffer.resize(0); // keeps the capacity
            return buffer;
        }
    }
    QByteArray buffer;
    buffer.reserve(batchBytes);
    return buffer;
}

void PartFile::onWritten(int generation, qint64 total)
{
    if (generation != m_generation)
        return;
    const bool wasFull = room() == 0;
    m_written = total;
    if (wasFull && room() > 0)
        emit drained();
}

void PartFile::restart()
{
    if (m_state != State::Open)
        return;
    ++m_generation;
    m_batch.clear();
    m_received = m_written = m_resumed = 0;
    m_etag.clear();
    saveRecord();
    QMetaObject::invokeMethod(m_writer, &PartWriter::truncate, Qt::QueuedConnection);
}

void PartFile::finish()
{
    if (m_state != State::Open)
        return;
    flush();
    setState(State::Syncing);
    // Runs after every queued write: flushing and syncing hundreds of MiB can take a second, off this thread.
    QMetaObject::invokeMethod(m_writer, &PartWriter::finish, Qt::QueuedConnection);
}

void PartFile::commit(bool replace)
{
    if (m_state != State::Synced)
        return;
    setState(State::Committing);
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, target = m_target, replace] { writer->commit(target, replace); },
        Qt::QueuedConnection);
}

void PartFile::keep()
{
    switch (m_state) {
    case State::Committed:
    case State::Kept:
    case State::Discarded:
        return;
    case State::Idle:
    case State::Locked:
        // Nothing of ours to keep; a record of an earlier attempt is not this object's to forget.
        break;
    case State::Opening:
        // The writer may just have made or taken a file that no record of ours names yet: kept, it would be an
        // orphan nothing ever resumes or removes.
        discard();
        return;
    default:
        // What arrived is worth keeping: a later attempt continues after it.
        if (m_state == State::Open)
            flush();
        if (m_writer)
            QMetaObject::invokeMethod(m_writer, &PartWriter::keep, Qt::BlockingQueuedConnection);
        stopWriter();
        // A file that was never opened has nothing worth keeping.
        if (m_partPath.isEmpty())
            PartialDownload::forget(m_target);
    }
    setState(State::Kept);
    unlock();
}

void PartFile::discard()
{
    // Final states. After keep() the lock is released: the file and its record may already be another writer's.
    if (m_state == State::Committed || m_state == State::Discarded || m_state == State::Kept)
        return;
    m_batch.clear();
    if (m_writer) {
        // Runs after every write queued before it: once it returns, the file is closed and gone.
        QMetaObject::invokeMethod(m_writer, &PartWriter::discard, Qt::BlockingQueuedConnection);
    }
    stopWriter();
    // From Opening on, the writer made or took a file of this target: its record goes with it.
    if (m_state != State::Idle && m_state != State::Locked)
        PartialDownload::forget(m_target);
    setState(State::Discarded);
    unlock();
}

void PartFile::stopWriter()
{
    if (!m_thread)
        return;
    m_writer->disconnect(this);
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
    m_writer = nullptr;
}

} // namespace getbill
