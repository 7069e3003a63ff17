#pragma once

#include <QPalette>
#include <QStringList>
#include <memory>

namespace getbill {
class Translations;
}

namespace getbill::test {

/// The dark palette of the screenshot drivers (a dark desktop theme as qt6ct would give it).
QPalette darkPalette();
/// The value after `name` on the command line, else `fallback`.
QString argument(const QStringList &args, const QString &name, const QString &fallback = {});
/// The look the drivers' options ask for: --dark (Fusion with darkPalette()), --font PT (a larger font).
void applyLook(const QStringList &args);
/// The language the drivers' options ask for, installed: --lang fr|de|en, else the system's (LANG=fr_FR.UTF-8), as
/// the application does. The caller keeps the result for as long as windows show text.
std::unique_ptr<Translations> applyLanguage(const QStringList &args);

} // namespace getbill::test
