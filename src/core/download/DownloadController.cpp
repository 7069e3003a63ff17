#include "download/DownloadController.h"

#include "Format.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "download/DownloadQueue.h"
#include "download/PartialDownload.h"
#include "download/PendingDownloads.h"
#include "download/SafeFileName.h"
#include "download/SaveLocation.h"
#include "download/SecureFile.h"
#include "preview/PreviewCache.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QLockFile>
#include <QSet>
#include <memory>

namespace getbill {

struct DownloadController::Batch
{
    QStringList ids;
    DownloadTarget target;
    QHash<QString, Report> found;
    QStringList failures;
    int pending = 0;
    quint64 generation = 0;
};

DownloadController::DownloadController(ApiClient *api, DownloadHistory *history, QObject *parent)
    : QObject(parent), m_api(api), m_history(history), m_queue(new DownloadQueue(api, this))
{
    m_queue->setHistory(history);
    // Another account or API: the old account's lookups, tickets and transfers must not go on under the new one.
    if (api)
        connect(api, &ApiClient::sessionChanged, this, &DownloadController::cancelAll);
}

DownloadController::~DownloadController()
{
    cancelAll();
}

void DownloadController::download(const QStringList &ids, const DownloadTarget &target)
{
    auto batch = std::make_shared<Batch>();
    batch->target = target;
    batch->generation = m_generation;
    for (const QString &id : ids)
        if (!batch->ids.contains(id))
            batch->ids.append(id);
    QList<Report> unchecked;
    for (const QString &id : std::as_const(batch->ids)) {
        if (const std::optional<Report> known = m_catalogue ? m_catalogue(id) : std::nullopt) {
            batch->found.insert(id, *known);
            continue;
        }
        if (!m_lookUp || !m_api) {
            // The ticket request itself will say whether GetBill knows the id.
            Report bare;
            bare.id = id;
            unchecked.append(bare);
            continue;
        }
        ++batch->pending;
        ++m_pending;
        ReportJob *job = m_api->fetchReport(id);
        job->setParent(this);
        connect(job, &Job::finished, this, [this, job, batch] {
            job->deleteLater();
            --m_pending;
            // Cancelled meanwhile (an account switch cancels the old account's calls): nothing to report.
            if (batch->generation != m_generation || job->error().kind() == ApiError::Kind::Cancelled)
                return;
            --batch->pending;
            if (job->succeeded()) {
                batch->found.insert(job->reportId(), job->report());
                emit reportLookedUp(job->report());
            } else {
                batch->failures << job->error().detailedMessage();
            }
            resolve(batch);
        });
        job->start();
    }
    if (!unchecked.isEmpty()) {
        for (const Report &report : std::as_const(unchecked))
            enqueue(report, target);
        QStringList queuedIds;
        for (const Report &report : std::as_const(unchecked))
            queuedIds << report.id;
        emit queued(queuedIds);
    }
    if (!batch->found.isEmpty() || batch->pending > 0)
        resolve(batch);
}

void DownloadController::download(const QList<Report> &reports, const DownloadTarget &target)
{
    auto batch = std::make_shared<Batch>();
    batch->target = target;
    batch->generation = m_generation;
    for (const Report &report : reports) {
        if (batch->found.contains(report.id))
            continue;
        batch->ids.append(report.id);
        batch->found.insert(report.id, report);
    }
    resolve(batch);
}

void DownloadController::resolve(const std::shared_ptr<Batch> &batch)
{
    if (batch->pending > 0)
        return;
    if (!batch->failures.isEmpty())
        emit lookupFailed(batch->failures);
    QList<Report> ready;
    QStringList refused;
    for (const QString &id : std::as_const(batch->ids)) {
        const auto it = batch->found.constFind(id);
        if (it == batch->found.constEnd())
            continue;
        if (it->canDownload())
            ready << *it;
        else
            refused << QCoreApplication::translate("getbill::DownloadController", "“%1” cannot be downloaded: %2")
                           .arg(it->title.isEmpty() ? it->id : it->title, Format::notDownloadableReason(*it));
    }
    if (!refused.isEmpty())
        emit notDownloadable(refused);
    if (!ready.isEmpty())
        place(ready, batch->target);
}

void DownloadController::place(const QList<Report> &ready, const DownloadTarget &target)
{
    const auto queueAll = [this](const QList<Report> &reports, const DownloadTarget &where) {
        QStringList ids;
        for (const Report &report : reports) {
            enqueue(report, where);
            ids << report.id;
        }
        emit queued(ids);
    };
    if (target.mode != DownloadTarget::Mode::Ask) {
        queueAll(ready, target);
        return;
    }
    if (!m_location) {
        qWarning("DownloadController: asked where to save, but nothing can ask the user");
        return;
    }
    const quint64 generation = m_generation;
    ++m_pending;
    if (ready.size() == 1) {
        const Report &report = ready.first();
        const QString name = SafeFileName::sanitize(report.filename, report.id, report.mimeType);
        m_location->chooseFile(report, name, this, [this, report, generation, queueAll](const QString &path) {
            --m_pending;
            if (path.isEmpty() || generation != m_generation)
                return;
            // The native dialog has already asked before replacing an existing file: the answer is the user's.
            queueAll({report}, DownloadTarget::file(path, QFileInfo::exists(path)));
        });
        return;
    }
    m_location->chooseFolder(int(ready.size()), this, [this, ready, generation, queueAll](const QString &folder) {
        --m_pending;
        if (folder.isEmpty() || generation != m_generation)
            return;
        // Several at once never overwrite: a second copy becomes "name (1).pdf".
        queueAll(ready, DownloadTarget::uniqueInFolder(folder));
    });
}

void DownloadController::enqueue(const Report &report, const DownloadTarget &target)
{
    // A report the preview already holds, verified, from this very version (size, generation time): copied, with
    // the same commit rules, and GetBill is not asked again. Bare ids (no size known) are always downloaded.
    std::optional<LocalCopySource> local;
    if (m_previews && report.fileSize >= 0)
        if (const auto kept = m_previews->use(report))
            local = LocalCopySource{kept->path, kept->size, kept->sha256, report.filename, report.mimeType};
    m_queue->enqueue(report.id, target, std::nullopt, report.title.isEmpty() ? report.id : report.title, local);
}

QList<int> DownloadController::recoverLeftovers(const QString &folder)
{
    QList<int> rows;
    QSet<QString> targets;
    // First what a quit asked to resume: in its order, with the place it was going to.
    if (folder.isEmpty()) {
        const QList<PendingDownload> pending = PendingDownloads::take();
        for (const PendingDownload &item : pending) {
            rows.append(m_queue->enqueue(item.reportId, item.target, std::nullopt, item.title));
            if (item.target.mode == DownloadTarget::Mode::File)
                targets.insert(QDir::cleanPath(item.target.path));
        }
    }
    const QString inFolder = folder.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    const QList<PartialDownload> records = PartialDownload::all();
    for (const PartialDownload &record : records) {
        if ((!inFolder.isEmpty() && QFileInfo(record.target).absolutePath() != inFolder) ||
            targets.contains(record.target))
            continue;
        // Being written right now by this process (an item of ours) or another instance: not a leftover.
        QLockFile lock(PartialDownload::lockPath(record.target));
        lock.setStaleLockTime(0);
        if (!lock.tryLock(0))
            continue;
        // Only the very file the application created is picked up; a name that now holds something else (a link,
        // another user's file) is left alone and forgotten.
        if (!(SecureFile::identityAt(record.partPath) == SecureFile::Identity{record.device, record.inode, -1})) {
            PartialDownload::forget(record.target);
            continue;
        }
        if (QFileInfo::exists(record.target) || QFileInfo(record.target).isSymLink()) {
            PartialDownload::discard(record.target);
            continue;
        }
        lock.unlock();
        rows.append(m_queue->enqueue(record.reportId, DownloadTarget::file(record.target), std::nullopt,
                                     QFileInfo(record.target).fileName()));
    }
    return rows;
}

void DownloadController::retryElsewhere(int queueRow)
{
    if (!m_location || queueRow < 0 || queueRow >= m_queue->rowCount())
        return;
    // The row may move while the dialog is open (another one removed): it is found again by its serial.
    const quint64 serial = m_queue->index(queueRow).data(DownloadQueue::SerialRole).toULongLong();
    m_location->chooseFolder(1, this, [this, serial](const QString &folder) {
        if (!folder.isEmpty())
            m_queue->retry(m_queue->rowOfSerial(serial), DownloadTarget::uniqueInFolder(folder));
    });
}

void DownloadController::cancelAll()
{
    ++m_generation;
    const QList<ReportJob *> lookups = findChildren<ReportJob *>(QString(), Qt::FindDirectChildrenOnly);
    for (ReportJob *job : lookups)
        job->cancel();
    m_queue->cancelAll();
}

} // namespace getbill
