#pragma once

#include "api/Report.h"

#include <QIcon>
#include <QString>

namespace getbill::gui {

/// How report fields read for people: sizes in KB/MB, dates in the user's locale, statuses as words with an icon.
/// One place, so the table, the detail panel and the downloads panel never disagree.
namespace ReportFormat {

QString size(qint64 bytes);
QString period(const QDate &from, const QDate &to);
QString dateTime(const QDateTime &utc);
QString statusText(const QString &status);
QIcon statusIcon(const QString &status);
/// "PDF document", "Excel workbook", "CSV file", or the MIME type itself.
QString fileKind(const QString &mimeType);
/// Why a report cannot be downloaded yet, or an empty string when it can.
QString notDownloadableReason(const Report &report);
/// The application icon at every rendered size.
QIcon applicationIcon();
/// "12.3 MB/s".
QString speed(double bytesPerSecond);
/// "8 s", "3 min 20 s", "1 h 5 min".
QString duration(qint64 seconds);

} // namespace ReportFormat

} // namespace getbill::gui
