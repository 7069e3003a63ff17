#pragma once

#include "download/DownloadTarget.h"

#include <QList>
#include <QString>

namespace getbill {

/// The downloads a quit interrupted ("Quit and resume later"): which report, where it was going, its title. Kept in
/// the application's state folder (0600, beside the partial-download records, never in the user's folders) and
/// taken back at the next start, where the bytes already received are continued from their own records.
struct PendingDownload
{
    QString reportId;
    QString title;
    DownloadTarget target;
};

namespace PendingDownloads {

/// Replaces the saved list with `items` (an empty list removes it). False when the state folder cannot be written.
bool save(const QList<PendingDownload> &items);
/// The saved list, removed as it is read; malformed entries are skipped.
QList<PendingDownload> take();

} // namespace PendingDownloads
} // namespace getbill
