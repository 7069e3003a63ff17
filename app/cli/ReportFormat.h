#pragma once

#include "api/Report.h"

#include <QLocale>
#include <QStringList>

namespace getbill::cli::ReportFormat {

/// How list and show print reports. Pure functions of the reports and a locale (for the human sizes).

/// A header line and one aligned line per report: ID, TYPE, STATUS, PERIOD, SIZE, TITLE.
QStringList table(const QList<Report> &reports, const QLocale &locale);

/// "Label: value" lines, one per field of the report, in the order the API documents them; fields this version
/// does not know are printed after them under their own JSON names.
QStringList details(const Report &report, const QLocale &locale);

/// The reports as a JSON array of the API's own objects (Report::json), indented, ending with a newline.
QByteArray jsonArray(const QList<Report> &reports);
/// One report as the API's own object.
QByteArray jsonObject(const Report &report);

/// "2024-01-01..2024-01-31", or what is known of it.
QString period(const Report &report);
/// The human size (QLocale::formattedDataSize), "-" when unknown.
QString size(qint64 bytes, const QLocale &locale);

} // namespace getbill::cli::ReportFormat
