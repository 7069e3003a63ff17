#pragma once

#include <QString>
#include <optional>

namespace getbill {

/// The sidecar "<target>.part.meta" that makes a "<target>.part" resumable: which report it holds, the size it
/// will have and the ETag the download host sent, so a later attempt (or the next start of the application after
/// a crash) can ask for the rest with Range/If-Range. Holds no token and never the signed URL. A .part without
/// this sidecar is not ours to resume.
struct PartialDownload
{
    QString reportId;
    qint64 fileSize = -1;
    QString etag; ///< as the server sent it, quotes included; empty when it sent none

    static QString partPath(const QString &target) { return target + QLatin1String(".part"); }
    static QString metaPath(const QString &target) { return target + QLatin1String(".part.meta"); }

    /// The sidecar of `target`, when it exists and is well formed.
    static std::optional<PartialDownload> load(const QString &target);
    /// Written atomically (QSaveFile); false when the folder is not writable.
    bool save(const QString &target) const;
    /// Removes both the .part and its sidecar.
    static void discard(const QString &target);
};

} // namespace getbill
