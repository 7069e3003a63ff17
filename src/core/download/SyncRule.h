#pragma once

#include "api/Report.h"
#include "download/SyncTemplate.h"

#include <QDate>
#include <QString>
#include <QStringList>

namespace getbill {

/// What one sync does: which reports (types, period), where they go (a folder and a template under it), and how it
/// behaves (dry run, bringing back deleted files, waiting for reports being generated, the rate-limit reserve). The
/// CLI's `sync` builds one from its options; the window's watch rules are made of the same. Plain data.
struct SyncRule
{
    static constexpr qint64 defaultWaitPendingMs = 30 * 60 * 1000;
    static constexpr int defaultReserve = 50;
    static constexpr qint64 defaultPollFirstDelayMs = 10 * 1000;
    static constexpr qint64 defaultPollMaxDelayMs = 5 * 60 * 1000;

    QString folder;    ///< the output folder (DIR)
    QStringList types; ///< the report types to fetch; empty = every type
    QDate since;       ///< keep reports whose period_from is on or after it; invalid = no bound
    SyncTemplate placement = SyncTemplate::standard();
    bool dryRun = false;          ///< say what would be saved; write nothing (not even the history), download nothing
    bool refetchMissing = false;  ///< a recorded report whose file is gone is fetched again to the same path
    qint64 waitPendingMs = 0;     ///< > 0: poll reports being generated for this long and fetch them as they finish
    int reserve = defaultReserve; ///< X-RateLimit-Remaining kept for the user's other work
    /// Polling of reports being generated: the first delay, doubled each round up to the second.
    qint64 pollFirstDelayMs = defaultPollFirstDelayMs;
    qint64 pollMaxDelayMs = defaultPollMaxDelayMs;
    /// A watch rule's name, recorded with each file it saves (DownloadRecord::origin); empty for the CLI.
    QString origin = {};

    /// The filter GetBill applies itself: the type, when exactly one is asked for. The rest is matched locally.
    QString apiType() const { return types.size() == 1 ? types.first() : QString(); }
    /// Whether `report` is one of this rule's (type and period; its status is the sync's business).
    bool matches(const Report &report) const
    {
        if (!types.isEmpty() && !types.contains(report.type))
            return false;
        return !since.isValid() || (report.periodFrom.isValid() && report.periodFrom >= since);
    }
};

} // namespace getbill
