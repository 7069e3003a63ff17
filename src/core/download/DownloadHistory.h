#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
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

    bool isValid() const { return !reportId.isEmpty() && !path.isEmpty(); }
};

/// Every finished download, newest last, kept in a small JSON file (main() passes a path under
/// QStandardPaths::AppDataLocation) so the list survives restarts. Holds no secret and no signed URL. Each change
/// is written at once with QSaveFile, so a crash never leaves a half-written history.
class DownloadHistory : public QObject
{
    Q_OBJECT
public:
    /// Oldest records are dropped beyond this many: the file stays small.
    static constexpr int maxRecords = 5000;

    explicit DownloadHistory(QString filePath, QObject *parent = nullptr);

    /// "<generic data folder>/getbill-reports/download-history.json": one history shared by the desktop
    /// application and the CLI (their own AppDataLocation folders differ by application name).
    static QString defaultPath();

    /// Reads the file; a missing file is an empty history. A damaged file is left as it is (renamed to
    /// "<file>.bad") and the history starts empty; false with `error` then.
    bool load(QString *error = nullptr);
    const QString &filePath() const { return m_filePath; }

    /// Appends and saves; false with `error` when the file cannot be written (the record is kept in memory).
    bool add(const DownloadRecord &record, QString *error = nullptr);
    /// Forgets the records of the file at `path` (the one finished at `finishedAt`, when valid); the file stays.
    bool remove(const QString &path, const QDateTime &finishedAt = {}, QString *error = nullptr);
    /// Forgets every record; no file is touched.
    bool clear(QString *error = nullptr);

    const QList<DownloadRecord> &records() const { return m_records; }
    bool contains(const QString &reportId) const;
    /// The newest record of a report.
    std::optional<DownloadRecord> latest(const QString &reportId) const;
    /// The rule of "already downloaded", one for the window, the CLI and sync: the newest record of the report (in
    /// `folder`, when given) whose file is still there with the recorded size.
    std::optional<DownloadRecord> savedCopy(const QString &reportId, const QString &folder = {}) const;

    /// sha256 (lower-case hex) of a file, read in chunks; empty when it cannot be read.
    static QString sha256OfFile(const QString &path);

signals:
    void changed();

private:
    bool save(QString *error);

    QString m_filePath;
    QList<DownloadRecord> m_records;
};

} // namespace getbill
