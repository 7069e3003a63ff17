#pragma once

#include <QPalette>
#include <QStringList>

namespace getbill::test {

/// The dark palette of the screenshot drivers (a dark desktop theme as qt6ct would give it).
QPalette darkPalette();
/// The value after `name` on the command line, else `fallback`.
QString argument(const QStringList &args, const QString &name, const QString &fallback = {});
/// The look the drivers' options ask for: --dark (Fusion with darkPalette()), --font PT (a larger font).
void applyLook(const QStringList &args);

} // namespace getbill::test
