#pragma once

#include <QIcon>
#include <QString>

namespace getbill::gui::ReportIcons {

/// The pictures of the window: the application icon and the report statuses' icons. Words live in core's Format,
/// shared with the command line.

/// The status icon of a report ("completed", "pending", ...).
QIcon status(const QString &status);
/// The application icon at every rendered size.
QIcon application();

} // namespace getbill::gui::ReportIcons
