#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace getbill {

/// One file that was downloaded completely and verified.
struct DownloadRecord
{
    QString reportId;
    QString filename; ///< the name on disk
    QString path;     ///< absolute path at the time of the download
    qint64 size = -1;
    QString sha256; ///< lower-case hex of the file's bytes
    QDateTime finishedAt;
    /// Whose report it was: the API's base URL (ApiClient::accountKey()); empty in records written before accounts
    /// were told apart, which count for GetBill's own API (DownloadHistory::defaultApiUrl()).
    QString apiUrl = {};
    /// Removed from the window's downloads list ("Remove from list", "Clear history"). The record stays: it is
    /// still what sync's "already fetched" and the report rows' "saved" read, so clearing the list never makes a
    /// sync fetch everything again.
    bool unlisted = false;
    /// The watch rule that saved it (its name); empty for what the user downloaded and for the CLI.
    QString origin = {};

    bool isValid() const { return !reportId.isEmpty() && !path.isEmpty(); }
};

/// Every finished download, newest last, kept in a small JSON file (main() passes a path under
/// QStandardPaths::AppDataLocation) so the list survives restarts. Holds no secret and no signed URL. Each change
/// is written at once with QSaveFile, so a crash never leaves a half-written history.
///
/// Several writers share the file (the window, `download`, two `sync` runs at once): every change is a
/// read-modify-write under a QLockFile beside the file that re-reads it first when another writer changed it, so no
/// writer's record is lost; records that could not be saved stay in memory and go with the next save.
class DownloadHistory : public QObject
{
    Q_OBJECT
public:
    /// Beyond this many records, records superseded by a newer one of the same account, report and folder are
    /// dropped, oldest first. The newest of each is never dropped: it is what sync's "already fetched" reads (a
    /// report recorded in a folder is not fetched there again, even after the user deleted the file).
    static constexpr int maxRecords = 5000;
    /// How long add() and clear() wait for another writer's lock by default (each holds it for one read and one
    /// write).
    static constexpr int defaultLockTimeoutMs = 10'000;

    explicit DownloadHistory(QString filePath, QObject *parent = nullptr);

    /// "<generic data folder>/getbill-reports/download-history.json": one history shared by the desktop
    /// application and the CLI (their own AppDataLocation folders differ by application name).
    static QString defaultPath();
    /// The account of records without one: GetBill's own API.
    static QString defaultApiUrl();

    /// Reads the file; a missing file is an empty history. A damaged file is left as it is (renamed to
    /// "<file>.bad") and the history starts empty; false with `error` then.
    bool load(QString *error = nullptr);
    /// Reads the file again when another writer changed it since this object last read or wrote it; true when it
    /// did (changed() was emitted).
    bool reloadIfChanged();
    const QString &filePath() const { return m_filePath; }
    void setLockTimeout(int ms) { m_lockTimeoutMs = ms; }
    QString lockPath() const { return m_filePath + QLatin1String(".lock"); }

    /// Appends and saves (after re-reading what other writers added); false with `error` when the file cannot be
    /// written (the record is kept in memory, and saveFailed() says why).
    bool add(const DownloadRecord &record, QString *error = nullptr);
    /// Takes the records of the file at `path` off the downloads list (DownloadRecord::unlisted); the file stays.
    bool unlist(const QString &path, QString *error = nullptr);
    /// Takes every record off the downloads list; no file is touched, sync still knows what it fetched.
    bool unlistAll(QString *error = nullptr);
    /// Forgets every record; no file is touched.
    bool clear(QString *error = nullptr);

    const QList<DownloadRecord> &records() const { return m_records; }
    bool contains(const QString &reportId) const;
    /// The newest record of a report.
    std::optional<DownloadRecord> latest(const QString &reportId) const;
    /// The rule of "already downloaded" for the window and `list`: the newest record of the report (in `folder`, when
    /// given) whose file is still there with the recorded size.
    std::optional<DownloadRecord> savedCopy(const QString &reportId, const QString &folder = {}) const;
    /// The rule of "already fetched" for sync (the window's watch rules and the CLI's `sync`): the newest record of
    /// the report, of the account `apiUrl`, whose file was saved in `rootFolder` or a folder under it, whether the
    /// file is still there or not (the user may have moved, deleted or changed it: as yt-dlp's archive, a recorded
    /// report is not fetched again).
    std::optional<DownloadRecord> recordIn(const QString &reportId, const QString &rootFolder,
                                           const QString &apiUrl = defaultApiUrl()) const;

    /// Drops records superseded by a newer one (same account, report and folder), oldest first, until at most
    /// `limit` are left or none is superseded. Pure; exposed for tests.
    static QList<DownloadRecord> compacted(QList<DownloadRecord> records, int limit = maxRecords);

    /// sha256 (lower-case hex) of a file, read in chunks; empty when it cannot be read.
    static QString sha256OfFile(const QString &path);

signals:
    void changed();
    /// A change could not be written (the message says why); the records stay in memory.
    void saveFailed(const QString &message);

private:
    struct Stamp
    {
        qint64 size = -1;
        quint64 inode = 0;
        qint64 modifiedMs = -1;
        bool operator==(const Stamp &o) const
        {
            return size == o.size && inode == o.inode && modifiedMs == o.modifiedMs;
        }
        bool operator!=(const Stamp &o) const { return !(*this == o); }
    };
    Stamp stampNow() const;
    enum class Read
    {
        Ok,
        Missing,
        Unreadable,
        Damaged,
    };
    Read readFile(QList<DownloadRecord> *records, QString *why) const;
    bool change(const std::function<void(QList<DownloadRecord> &)> &edit, QString *error);
    bool save(QString *error);

    QString m_filePath;
    QList<DownloadRecord> m_records;
    QList<DownloadRecord> m_unsaved; ///< added, but the file could not be written
    Stamp m_stamp;                   ///< of the file as this object last read or wrote it
    int m_lockTimeoutMs = defaultLockTimeoutMs;
};

} // namespace getbill
