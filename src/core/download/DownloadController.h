#pragma once

#include "api/Report.h"
#include "download/DownloadTarget.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <functional>
#include <optional>

namespace getbill {

class ApiClient;
class DownloadHistory;
class DownloadQueue;
class PreviewCache;
class SaveLocation;

/// From report ids to saved files, for every way ids arrive: a drop, a paste, a getbill:// link, a second launch,
/// the CLI's arguments, a sync rule. One place decides what happens to an id:
///   1. the report is known (the caller's catalogue: the window's list) or looked up (GET /reports/{id}), when
///      lookups are on; an id GetBill refuses is reported with the API's message and goes no further;
///   2. a report that cannot be downloaded yet (pending, processing, failed) is reported, not queued;
///   3. where it goes: the caller's target, or the SaveLocation seam's answer (a file for one report, one folder
///      for several); a cancelled dialog queues nothing;
///   4. the DownloadQueue item (ticket, transfer, retries, resume) and the DownloadHistory record.
/// The window and the CLI both drive it; the window only renders the queue's model. Widget-free.
class DownloadController : public QObject
{
    Q_OBJECT
public:
    using Catalogue = std::function<std::optional<Report>(const QString &id)>;

    /// The queue is created here and records every success in `history` (may be null).
    DownloadController(ApiClient *api, DownloadHistory *history, QObject *parent = nullptr);
    ~DownloadController() override;

    DownloadQueue *queue() const { return m_queue; }
    DownloadHistory *history() const { return m_history; }
    /// Answers DownloadTarget::ask() (not owned).
    void setSaveLocation(SaveLocation *location) { m_location = location; }
    /// Reports the caller already knows (no request for them).
    void setCatalogue(Catalogue catalogue) { m_catalogue = std::move(catalogue); }
    /// Unknown ids are looked up with GET /reports/{id} first (the window, which shows them); off, they go straight
    /// to the queue and the ticket request says what GetBill thinks of them (the CLI: one request per id, not two).
    void setLookUpUnknownIds(bool on) { m_lookUp = on; }
    /// Reports whose verified file the preview keeps there are copied from it rather than downloaded again (not
    /// owned; may be null).
    void setPreviewCache(PreviewCache *cache) { m_previews = cache; }

    /// Starts getting `ids` into `target`; returns at once. Duplicates are downloaded once.
    void download(const QStringList &ids, const DownloadTarget &target);
    /// The same for reports already at hand (the window's selection, a sync listing).
    void download(const QList<Report> &reports, const DownloadTarget &target);

    /// Picks up what a crash, a kill or a quit that chose "resume later" left: each download the application
    /// recorded in its state folder (PartialDownload) whose partial file is still the one it created is queued to
    /// be resumed (Range from where it stopped), or removed when its target exists by now. Nothing else is touched:
    /// a ".part" in a folder that the application has no record of is not ours. `folder` limits it to targets in
    /// one folder. Returns the queue rows added.
    QList<int> recoverLeftovers(const QString &folder = {});
    /// "Choose another folder" for a queue row that failed (or was cancelled): asks the SaveLocation for a folder
    /// and retries the row there, under a name not taken yet. A cancelled dialog changes nothing.
    void retryElsewhere(int queueRow);
    /// Cancels everything: lookups under way and every queued or running item.
    void cancelAll();
    /// Lookups or dialogs still pending (their ids are not in the queue yet).
    bool hasPendingRequests() const { return m_pending > 0; }

signals:
    /// An id that was not in the catalogue was looked up (the window adds it to its list).
    void reportLookedUp(const getbill::Report &report);
    /// Ids GetBill refused (404, 403, an invalid id): the API's messages, one per id.
    void lookupFailed(const QStringList &messages);
    /// Reports that cannot be downloaded yet, with the reason, one line each.
    void notDownloadable(const QStringList &messages);
    /// These reports went into the queue (the window selects them).
    void queued(const QStringList &ids);

private:
    struct Batch;
    void resolve(const std::shared_ptr<Batch> &batch);
    void place(const QList<Report> &ready, const DownloadTarget &target);
    void enqueue(const Report &report, const DownloadTarget &target);

    QPointer<ApiClient> m_api;
    DownloadHistory *m_history;
    DownloadQueue *m_queue;
    SaveLocation *m_location = nullptr;
    PreviewCache *m_previews = nullptr;
    Catalogue m_catalogue;
    bool m_lookUp = true;
    int m_pending = 0;
    quint64 m_generation = 0; ///< bumped by cancelAll(): answers of older requests are dropped
};

} // namespace getbill
