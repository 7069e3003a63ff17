#pragma once

#include "api/Report.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace getbill {

struct DownloadRecord;

/// One report's file in the preview cache: what was downloaded and verified (size, SHA-256), from which version of
/// the report, and when the application last used it.
struct PreviewCacheEntry
{
    QString reportId;
    QString path; ///< absolute, inside the cache folder
    qint64 size = -1;
    QString sha256;        ///< lower-case hex, as the download computed it
    QDateTime generatedAt; ///< the report's generated_at when it was downloaded (UTC)
    qint64 lastUsed = 0;   ///< the cache's own clock (ms since the epoch, strictly increasing): never the file's atime
};

/// The files the preview downloaded, kept privately so that looking at a report again (or saving it after looking)
/// costs GetBill nothing. One folder of the user's cache (`QStandardPaths::CacheLocation` + "/previews", 0700), one
/// file per report (0600, written by the verified download path: size check, checksum, atomic commit), and an
/// index (`index.json`, 0600) with each file's size, SHA-256 and last use. Bounded: when the files together pass
/// maxBytes(), the least recently used go first, by the use times the cache records itself. Cleared when the user
/// signs out. Widget-free; the window and tests drive it.
class PreviewCache : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 defaultMaxBytes = qint64(500) << 20;

    /// "<CacheLocation>/previews".
    static QString defaultFolder();

    explicit PreviewCache(QString folder, qint64 maxBytes = defaultMaxBytes, QObject *parent = nullptr);
    ~PreviewCache() override;

    /// Makes the folder (0700), reads the index, forgets entries whose file is gone or changed size, removes files
    /// the index does not name (a crash's leftovers) and downloads of the cache a crash left unfinished. False with
    /// `error` when the folder cannot be made private: the cache then keeps nothing.
    bool open(QString *error = nullptr);
    bool isOpen() const { return m_open; }
    const QString &folder() const { return m_folder; }
    qint64 maxBytes() const { return m_maxBytes; }
    /// The bytes of every file the index names.
    qint64 totalBytes() const;
    /// Where use times come from (ms since the epoch; the system clock by default). Whatever it says, each use is
    /// later than the one before.
    void setClock(std::function<qint64()> now) { m_now = std::move(now); }
    /// Every entry, most recently used first.
    QList<PreviewCacheEntry> entries() const;

    /// The entry of `report` when its file is still there with the recorded size and was made from this version of
    /// the report (same size and generation time); marks it used now.
    std::optional<PreviewCacheEntry> use(const Report &report);
    /// The same without marking it used.
    std::optional<PreviewCacheEntry> find(const Report &report) const;
    /// Where a download of `report` for the cache goes.
    QString pathFor(const Report &report) const;
    /// Bumped by clear(): a download that started before it must not add its file afterwards.
    quint64 generation() const { return m_generation; }
    /// Records the file a download for the cache saved at pathFor(report) (`record` is ReportDownloadJob's), marks
    /// it used and evicts the least recently used others until the cache fits maxBytes(). False (and the file is
    /// removed) when the cache was cleared since `generation`, the file is not where it should be, or it alone is
    /// larger than the cache.
    bool insert(const Report &report, const DownloadRecord &record, quint64 generation);
    /// Forgets the entry of `reportId` and removes its file.
    void remove(const QString &reportId);
    /// Removes every file of the cache and its index (signing out).
    void clear();

signals:
    void changed();
    /// clear() ran: downloads for the cache under way should stop.
    void cleared();

private:
    qint64 tick();
    void evict(const QString &keep);
    void removeFile(const QString &name) const;
    bool save();
    std::optional<qsizetype> indexOf(const QString &reportId) const;
    bool matches(const PreviewCacheEntry &entry, const Report &report) const;

    QString m_folder;
    qint64 m_maxBytes;
    bool m_open = false;
    quint64 m_generation = 0;
    qint64 m_clock = 0;
    std::function<qint64()> m_now;
    QList<PreviewCacheEntry> m_entries;
};

} // namespace getbill
