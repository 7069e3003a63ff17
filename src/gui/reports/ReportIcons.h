#pragma once

#include <QIcon>
#include <QString>

namespace getbill::gui::ReportIcons {

/// The pictures of the window: the application icon and the report statuses' icons. Words live in core's Format,
/// shared with the command line.

/// The file of a status icon ("completed", "pending", ..., and "downloaded" for a report saved here); an unknown
/// status has pending's. Five files in all: what caches them is bounded.
QString statusFile(const QString &status);
/// The status icon of a report, decoded now (QIcon reads the file at once): keep it where it is drawn often.
QIcon status(const QString &status);
/// The application icon at every rendered size.
QIcon application();

} // namespace getbill::gui::ReportIcons
