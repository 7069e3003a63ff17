#pragma once

#include "api/ApiError.h"
#include "api/Report.h"

#include <QDateTime>
#include <QString>

namespace getbill::Format {

/// How values read for people, in one place for the window and the command line, so that the two never disagree
/// (DESIGN.md: one vocabulary). Sizes are decimal SI units (kB, MB, GB), as GNOME's and macOS's file managers show
/// them, so a size here matches the one the user sees beside the saved file. Everything follows QLocale().

/// "245.8 kB", "0 bytes"; "unknown size" when negative.
QString dataSize(qint64 bytes);
/// What stands where a value is missing ("—"): the list, the panel and the CLI's table alike.
QString noValue();
/// Whether the report has a file whose size means something: bytes announced, or an empty file that can be
/// downloaded. A report still being generated announces 0 bytes, which is no file yet, not an empty one.
bool hasFile(const Report &report);
/// A report's size as the list, the panel and the CLI's table show it: dataSize(), or noValue() without a file.
QString reportSize(const Report &report);
/// "12.3 MB/s"; empty when not positive.
QString speed(double bytesPerSecond);
/// "8 s", "3 min 20 s", "1 h 5 min".
QString duration(qint64 seconds);
/// Milliseconds as a number of seconds for sentences: "1", "0.5".
QString seconds(qint64 milliseconds);
/// A local time of day in the locale's short form ("14:05").
QString clockTime(const QDateTime &time);
/// A moment in local time, short form.
QString dateTime(const QDateTime &utc);
/// "January 2024" for a whole calendar month, else "1/5/25 – 31/5/25" (locale short dates), or what is known.
QString period(const QDate &from, const QDate &to);

/// "2024-01-01..2024-01-31" for tables that scripts read too (the CLI's), noValue() when unknown.
QString isoPeriod(const QDate &from, const QDate &to);

/// "The download link expires at 14:05; ..." while it matters: a download of the report is still under way
/// (`downloadFinished` false) and its link expires within `soonSeconds` of `now`, or has expired ("The download
/// link expired at 14:05; ..."). Empty otherwise: a link valid for the next hour, or one whose download ended, is
/// nothing the user has to think about.
QString linkExpiryNote(const QDateTime &expiresAt, bool downloadFinished,
                       const QDateTime &now = QDateTime::currentDateTimeUtc(), int soonSeconds = 15 * 60);

/// "Completed", "Processing", ...; an unknown status as the API said, capitalised.
QString statusText(const QString &status);
/// A report type as a word: "financial" -> "Financial" (the list, the filter and the panel say the same).
QString typeText(const QString &type);
/// "PDF document", "Excel workbook", "CSV file", or the MIME type itself.
QString fileKind(const QString &mimeType);
/// Why a report cannot be downloaded yet; empty when it can.
QString notDownloadableReason(const Report &report);

/// "Waiting until 14:05: <why>" (or "Waiting until 14:05."): a step that will be tried again.
QString waitingUntil(const QDateTime &retryAt, const ApiError &why);
/// "<why> Trying again in 2 s (at 14:05).": the same wait as a sentence for the command line's standard error
/// and the window's status bar.
QString retryingIn(const ApiError &why, qint64 delayMs, const QDateTime &now = QDateTime::currentDateTime());
/// "Waiting until 14:05 for GetBill's rate limit: 50 requests kept for your other work." when requests wait to keep
/// the reserve, or "Waiting until 14:05 for GetBill's rate limit: it is used up for now." after a 429.
QString rateLimitWait(const QDateTime &until, bool keepingReserve, int reserve);
/// "1 report id", "3 report ids".
QString reportIdCount(int count);

} // namespace getbill::Format
