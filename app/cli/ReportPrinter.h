#pragma once

#include "api/Report.h"

#include <QStringList>

namespace getbill::cli::ReportPrinter {

/// How list and show print reports: pure functions of the reports. Values read as in the window (Format); the
/// JSON output is the API's own objects, in English whatever the locale.

/// A header line and one aligned line per report: ID, TYPE, STATUS, PERIOD, SIZE, TITLE.
QStringList table(const QList<Report> &reports);

/// "Label: value" lines, one per field of the report, in the order the API documents them; fields this version
/// does not know are printed after them under their own JSON names.
QStringList details(const Report &report);

/// The reports as a JSON array of the API's own objects (Report::json), indented, ending with a newline.
QByteArray jsonArray(const QList<Report> &reports);
/// One report as the API's own object.
QByteArray jsonObject(const Report &report);

} // namespace getbill::cli::ReportPrinter
