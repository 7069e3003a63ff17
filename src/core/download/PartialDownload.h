#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace getbill {

/// The application's own record of a download it started and did not finish: which report, the final path, the
/// partial file it created there (by name and by device and inode), the size it will have and the ETag the download
/// host sent. Records live in the application's state folder (0700, in the user's data folder: no other user can
/// write there), never beside the file, so a ".part" and a sidecar planted in a shared download folder are never
/// mistaken for ours: only what is recorded here is resumed, committed or removed. Holds no token and never the
/// signed URL.
struct PartialDownload
{
    QString target;   ///< absolute final path
    QString partPath; ///< absolute path of the partial file the application created
    QString reportId;
    qint64 fileSize = -1;
    QString etag; ///< as the server sent it, quotes included; empty when it sent none
    quint64 device = 0;
    quint64 inode = 0;

    /// "<GenericDataLocation>/getbill-reports/partials", shared by the window and the CLI; created 0700. When it is
    /// not a private folder of the user's (a link, another user's), load() and all() find nothing and save() fails.
    static QString stateFolder();
    /// The record's file: one per target path (a hash of it).
    static QString recordPath(const QString &target);
    /// The per-target lock of the state folder: two writers of one target (two windows, the CLI) exclude each other.
    static QString lockPath(const QString &target);
    /// The first name tried for a new partial file: "<target>.part".
    static QString defaultPartPath(const QString &target) { return target + QLatin1String(".part"); }

    /// The record of `target`, when there is a well-formed one.
    static std::optional<PartialDownload> load(const QString &target);
    /// Every record of the state folder (start-up recovery).
    static QList<PartialDownload> all();
    /// Written atomically, 0600; false when the state folder cannot be written.
    bool save() const;
    /// Removes the record (the partial file is the caller's business).
    static void forget(const QString &target);
    /// Removes the recorded partial file of `target` (only if it is still the file the application created) and the
    /// record: no later attempt will continue it.
    static void discard(const QString &target);

    QByteArray toJson() const;
    /// Strict: a record that is not exactly what save() writes is no record (fuzzed: fuzz/fuzz_sidecar.cpp).
    static std::optional<PartialDownload> fromJson(const QByteArray &json);
};

} // namespace getbill
